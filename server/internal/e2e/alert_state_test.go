package e2e

import (
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/chromedp/chromedp"

	"github.com/dialnexa/account/core"
)

// intruderSignIn signs in from a new desktop named host and returns its
// session id.
func intruderSignIn(t *testing.T, ts *testServer, email, deviceID, host string) string {
	t.Helper()
	a := call(t, ts, "POST", "/v1/signin", "", map[string]any{"email": email, "password": goodPassword, "bearer": true, "deviceId": deviceID,
		"device": map[string]string{"kind": "desktop", "os": "windows", "name": host}})
	if a.status != http.StatusOK {
		t.Fatalf("intruder sign-in: %d %s", a.status, a.body)
	}
	var s session
	a.decode(t, &s)
	return s.SessionID
}

func alertAbout(c *testClient, session string) (core.Alert, bool) {
	for _, a := range c.Snapshot().Alerts {
		if a.SessionID == session {
			return a, true
		}
	}
	return core.Alert{}, false
}

// "Was this you?" is account state: answered on one device, either way, it
// leaves every device, live, and a device that was offline meanwhile does
// not show it again; a device offline when it was raised gets it. The
// alert names the computer, the masked address and the time.
func TestAlertAnsweredOnOneDeviceLeavesAll(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a, b, d := newClient(t, ts), newClient(t, ts), newClient(t, ts)
	signUp(t, a, "watch@example.com", "Wendy Watch")
	signIn(t, b, "watch@example.com")
	signIn(t, d, "watch@example.com")
	a.run()
	b.run()
	waitFor(t, "a and b online", func() bool { return online(a)() && online(b)() })

	first := intruderSignIn(t, ts, "watch@example.com", "intruder-1", "MALLORY-PC")
	for _, c := range []*testClient{a, b} {
		waitFor(t, "the alert on every online device", func() bool { _, ok := alertAbout(c, first); return ok })
	}
	al, _ := alertAbout(a, first)
	text := al.Text()
	if al.Address != "127.0.0.x" || !strings.Contains(text, "MALLORY-PC (DialNexa desktop on Windows)") || !strings.Contains(text, "from 127.0.0.x") || al.At.IsZero() {
		t.Errorf("alert %+v reads %q: want the host name, the masked address and the time", al, text)
	}
	// d was offline when it was raised: it gets it when it connects.
	d.run()
	waitFor(t, "the alert on the device that was offline", func() bool { _, ok := alertAbout(d, first); return ok })

	// Answered "no" on b: the session ends and the alert leaves a and d.
	if err := b.RevokeFromAlert(t.Context(), al); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*testClient{a, b, d} {
		waitFor(t, "the revoked alert gone everywhere", func() bool { _, ok := alertAbout(c, first); return !ok })
	}
	waitFor(t, "the revoked session gone from the list", func() bool { return !hasSession(a, first) })

	// A second one: d goes offline with it on screen; a answers "it was me".
	second := intruderSignIn(t, ts, "watch@example.com", "intruder-2", "LAPTOP-2")
	waitFor(t, "the second alert on d", func() bool { _, ok := alertAbout(d, second); return ok })
	path := d.path
	d.close()
	waitFor(t, "the second alert on a", func() bool { _, ok := alertAbout(a, second); return ok })
	if err := a.DismissAlert(mustAlert(t, a, second).ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := alertAbout(a, second); ok {
		t.Error("the answered alert stays on the device that answered it")
	}
	waitFor(t, "the dismissed alert gone from b, live", func() bool { _, ok := alertAbout(b, second); return !ok })
	d2 := openClient(t, ts, path)
	if _, ok := alertAbout(d2, second); !ok {
		t.Fatal("d's cache does not hold the alert before it syncs: the check below would prove nothing")
	}
	d2.run()
	waitFor(t, "the answered alert gone from the device that was offline", func() bool { _, ok := alertAbout(d2, second); return !ok && online(d2)() })
	// The session it asked about is still there: "it was me" ends nothing.
	if !hasSession(d2, second) {
		t.Error("answering \"it was me\" ended the session")
	}
}

func mustAlert(t *testing.T, c *testClient, session string) core.Alert {
	t.Helper()
	al, ok := alertAbout(c, session)
	if !ok {
		t.Fatalf("no alert about %s", session)
	}
	return al
}

func hasSession(c *testClient, id string) bool {
	for _, s := range c.Snapshot().View.Sessions {
		if s.ID == id {
			return true
		}
	}
	return false
}

// The same across the two clients: answered in the panel, the alert leaves
// the desktop window at once, and stays gone after the desktop reconnects.
func TestAlertAnsweredInThePanelLeavesTheDesktop(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	c := newClient(t, ts)
	signUp(t, c, "both@example.com", "Bo Both")
	c.run()
	w, ui := desktopUI(t, c)
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })
	ctx := newBrowser(t)
	within(t, ctx, "sign in to the panel",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "both@example.com"),
		chromedp.SendKeys(`#password`, goodPassword),
		chromedp.Click(`#auth-submit`),
		textIs("status", "Online"),
	)
	// The panel's own sign-in was new: the desktop asks about it; answer it there.
	waitFor(t, "the desktop asks about the panel", func() bool { ui.Refresh(); return labelWith(w, "New sign-in: Headless Chrome") != nil })
	test.Tap(button(w, "Yes, it was me"))

	intruderSignIn(t, ts, "both@example.com", "intruder-3", "EVE-DESKTOP")
	waitFor(t, "the desktop shows the alert", func() bool { ui.Refresh(); return labelWith(w, "New sign-in: EVE-DESKTOP") != nil })
	within(t, ctx, "answer in the panel",
		visible("alert"),
		poll(`document.getElementById("alert-text").textContent.includes("EVE-DESKTOP") && document.getElementById("alert-text").textContent.includes("127.0.0.x")`),
		chromedp.Click(`#alert-me`),
		poll(`document.getElementById("alert").hidden`),
	)
	waitFor(t, "the alert gone from the desktop", func() bool { ui.Refresh(); return labelWith(w, "New sign-in:") == nil })
	ts.stop()
	waitFor(t, "offline", func() bool { return c.Snapshot().Conn == core.Offline })
	ts.start()
	waitFor(t, "back online", online(c))
	ui.Refresh()
	if labelWith(w, "New sign-in:") != nil {
		t.Error("the answered alert came back after a reconnect")
	}
}

// On the desktop the alert opens with the focus on the safe answer; with
// the window in the background the OS is told as well, once per alert.
func TestDesktopAlertInTheBackground(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "away@example.com", "Al Away")
	c.run()
	w, ui := desktopUI(t, c)
	var notes []string
	ui.Notify = func(title, body string) { notes = append(notes, title+": "+body) }
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })
	ui.SetForeground(false)
	intruderSignIn(t, ts, "away@example.com", "intruder-9", "EVE-AWAY")
	waitFor(t, "the desktop shows the alert", func() bool { ui.Refresh(); return labelWith(w, "New sign-in: EVE-AWAY") != nil })
	ui.Refresh()
	if len(notes) != 1 || !strings.Contains(notes[0], "Security alert: New sign-in: EVE-AWAY") {
		t.Fatalf("OS notifications %q; want one for the alert", notes)
	}
	if f := w.Canvas().Focused(); f != button(w, "Yes, it was me") {
		t.Errorf("focus on %v, want the safe answer", f)
	}
	ui.SetForeground(true)
	test.Tap(button(w, "Yes, it was me"))
	waitFor(t, "the alert answered", func() bool { ui.Refresh(); return labelWith(w, "New sign-in: EVE-AWAY") == nil })
	if len(notes) != 1 {
		t.Errorf("%d OS notifications, want 1", len(notes))
	}
}
