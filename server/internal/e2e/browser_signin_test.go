package e2e

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/chromedp/chromedp"

	"github.com/dialnexa/account/app"
	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// The desktop app signs in through the browser as a native OAuth client:
// the real core client and the app's screen (Fyne's driver) "open" the
// system browser on the server's sign-in page, Chromium (with a virtual
// authenticator holding the account's passkey) signs in there without a
// password, and the code comes back to the app's loopback port; the app
// then has a session of its own (its own device entry, not the
// browser's).
func TestDesktopSignsInThroughTheBrowser(t *testing.T) {
	ts, base := startServerOnLocalhost(t)
	ctx, c, w, ui := browserWithPasskey(t, ts, base)
	opened := make(chan string, 1)
	ui.OpenURL = func(u *url.URL) error { opened <- u.String(); return nil }
	test.Tap(button(w, core.TextBrowserSignIn))
	link := openedLink(t, w, opened)
	if u, _ := url.Parse(link); u.Scheme+"://"+u.Host != base || u.Path != "/oidc/authorize" || labelWith(w, core.TextNativeSignInWaiting) == nil {
		t.Fatalf("the app opened %s", link)
	}
	saveWindowShot(t, w, "desktop-sign-in-browser.png")
	within(t, ctx, "the browser at the server's sign-in",
		chromedp.Navigate(link),
		pollAcross(`document.getElementById("auth-form") !== null && document.getElementById("auth-for-app") !== null`),
	)
	within(t, ctx, "sign in with the passkey",
		chromedp.Click(`#auth-passkey`),
		pollAcross(`document.body.innerText.includes("You are signed in to the DialNexa app")`),
	)
	signedInApp(t, c, w, ui)
}

// Where no browser can be opened on this computer, the app says so and
// shows an address and a code to approve on another device.
func TestDesktopSignsInWithACodeWithoutABrowser(t *testing.T) {
	ts, base := startServerOnLocalhost(t)
	ctx, c, w, ui := browserWithPasskey(t, ts, base)
	ui.OpenURL = func(u *url.URL) error { return errors.New("no browser") }
	test.Tap(button(w, core.TextBrowserSignIn))
	var link string
	waitFor(t, "the address and code shown", func() bool {
		if l := labelWith(w, base+"/link#code="); l != nil {
			link = l.Text
		}
		return link != "" && labelWith(w, core.TextNoBrowser) != nil
	})
	u, _ := url.Parse(link)
	code := u.Fragment[len("code="):]
	if labelWith(w, code) == nil {
		t.Fatalf("the app shows %s but not its code", link)
	}
	within(t, ctx, "sign in on the other device with the passkey and approve",
		chromedp.Navigate(link),
		visible("link-signin"),
		chromedp.Click(`#link-passkey`),
		visible("link-ask"),
		textIs("link-code", code),
		chromedp.Click(`#link-approve`),
		visible("link-done"),
	)
	saveScreenshot(t, ctx, "panel-approve-app-sign-in.png")
	signedInApp(t, c, w, ui)
}

// browserWithPasskey signs up an account, adds a passkey to it in
// Chromium (then signs the browser out) and opens the desktop app.
func browserWithPasskey(t *testing.T, ts *testServer, base string) (context.Context, *testClient, fyne.Window, *app.UI) {
	apiSignUp(t, ts, "via-browser@example.com", goodPassword, "Via Browser", "laptop")
	ctx := newBrowser(t)
	virtualAuthenticator(t, ctx)
	within(t, ctx, "add a passkey in the browser, then sign out",
		panelSignIn(base, "via-browser@example.com", goodPassword),
		screen("security"),
		chromedp.SendKeys(`#pk-name`, "Browser key"),
		chromedp.SendKeys(`#pk-password`, goodPassword),
		chromedp.Click(`#pk-add`),
		poll(`document.querySelector('#pk-list li[data-passkey="Browser key"]') !== null`),
		chromedp.Click(`#signout`),
		chromedp.WaitVisible(`#auth-form`),
	)
	c := newClient(t, ts)
	w, ui := desktopUI(t, c)
	return ctx, c, w, ui
}

// openedLink waits for the app to open the browser.
func openedLink(t *testing.T, w fyne.Window, opened chan string) string {
	t.Helper()
	select {
	case link := <-opened:
		return link
	case <-time.After(20 * time.Second):
		l := find(w, func(l *widget.Label) bool { return l.Importance == widget.DangerImportance && l.Text != "" })
		msg := ""
		if l != nil {
			msg = l.Text
		}
		t.Fatalf("the app did not open the browser (%q)", msg)
		return ""
	}
}

// signedInApp checks the app signed in with a desktop session of its own
// beside the first device's and the browser's.
func signedInApp(t *testing.T, c *testClient, w fyne.Window, ui *app.UI) {
	t.Helper()
	// The app's wait ends on its own goroutine, which updates the screen:
	// the test touches the screen again only after it.
	ui.Wait()
	c.run()
	if !waitUntilOK(30*time.Second, func() bool { ui.Refresh(); return online(c)() }) {
		l := find(w, func(l *widget.Label) bool { return l.Importance == widget.DangerImportance && l.Text != "" })
		msg := ""
		if l != nil {
			msg = l.Text
		}
		t.Fatalf("the app did not sign in: %q, %+v", msg, c.Snapshot().Conn)
	}
	s := c.Snapshot()
	mine := slices.IndexFunc(s.View.Sessions, func(x model.Session) bool { return x.ID == s.SessionID })
	if mine < 0 || s.View.Sessions[mine].DeviceKind != "Desktop app" {
		t.Fatalf("the app's session %q is not its own desktop entry: %+v", s.SessionID, s.View.Sessions)
	}
	browsers := 0
	for _, x := range s.View.Sessions {
		if strings.Contains(x.Device, "Chrome") {
			browsers++
		}
	}
	if browsers != 1 || len(s.View.Sessions) != 3 {
		t.Errorf("sessions after the browser sign-in: %+v (want the first device, the browser's and the app's)", s.View.Sessions)
	}
}

// The request behind a browser sign-in: single use, bound to the app's
// secret, refused once denied, and unknown to a wrong code.
func TestBrowserSignInRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	owner := apiSignUp(t, ts, "requests@example.com", goodPassword, "Requests", "laptop")
	start := func() core.BrowserSignIn { return startBrowserSignIn(t, ts) }
	poll := func(b core.BrowserSignIn) apiAnswer {
		return call(t, ts, "POST", "/v1/signin/browser/poll", "", map[string]string{"request": b.Request})
	}
	b := start()
	if a := poll(b); a.status != http.StatusConflict {
		t.Fatalf("poll before approval: %d %s, want 409 (waiting)", a.status, a.body)
	}
	if a := call(t, ts, "GET", "/v1/signin/browser/"+b.Code, "", nil); a.status != http.StatusUnauthorized {
		t.Fatalf("the request shown to nobody signed in: %d", a.status)
	}
	if a := call(t, ts, "POST", "/v1/signin/browser/WRNG-CODE/approve", owner.Token, map[string]string{}); a.code() != wire.CodeExpired {
		t.Fatalf("approve a wrong code: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/signin/browser/"+b.Code+"/approve", owner.Token, map[string]string{}); a.status != http.StatusNoContent {
		t.Fatalf("approve: %d %s", a.status, a.body)
	}
	a := poll(b)
	var s session
	a.decode(t, &s)
	if a.status != http.StatusOK || s.AccountID != owner.AccountID || s.Token == "" || s.Token == owner.Token {
		t.Fatalf("poll after approval: %d %s", a.status, a.body)
	}
	if a := poll(b); a.status != http.StatusNotFound {
		t.Fatalf("a request used twice: %d %s", a.status, a.body)
	}

	d := start()
	if a := call(t, ts, "POST", "/v1/signin/browser/"+d.Code+"/deny", owner.Token, map[string]string{}); a.status != http.StatusNoContent {
		t.Fatalf("deny: %d %s", a.status, a.body)
	}
	if a := poll(d); a.status != http.StatusForbidden {
		t.Fatalf("poll after denial: %d %s", a.status, a.body)
	}
	e := start()
	ts.clock.Advance(11 * 60e9)
	if a := call(t, ts, "POST", "/v1/signin/browser/"+e.Code+"/approve", owner.Token, map[string]string{"password": goodPassword}); a.code() != wire.CodeExpired {
		t.Fatalf("approve an expired request: %d %s", a.status, a.body)
	}
}

// startBrowserSignIn starts a desktop app's sign-in through the browser,
// as the app does.
func startBrowserSignIn(t *testing.T, ts *testServer) core.BrowserSignIn {
	t.Helper()
	var b core.BrowserSignIn
	a := call(t, ts, "POST", "/v1/signin/browser", "", map[string]any{"deviceId": "app-1", "device": map[string]string{"kind": "desktop", "os": "linux", "name": "host"}})
	if a.status != http.StatusCreated {
		t.Fatalf("start a browser sign-in: %d %s", a.status, a.body)
	}
	a.decode(t, &b)
	return b
}

// saveWindowShot keeps the desktop window as a screenshot (checked not
// blank).
func saveWindowShot(t *testing.T, w interface{ Canvas() fyne.Canvas }, name string) {
	t.Helper()
	writeShot(t, shotDir(t), name, w.Canvas().Capture())
}

func waitUntilOK(d time.Duration, cond func() bool) bool {
	return waitUntil(d, cond) == nil
}
