package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/app"
	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

func desktopUI(t *testing.T, c *testClient) (fyne.Window, *app.UI) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(900, 1400))
	ui := app.New(w, c)
	ui.RunActionsInline()
	return w, ui
}

func selectTab(w fyne.Window, name string) {
	tabs := find(w, func(*container.AppTabs) bool { return true })
	for i, it := range tabs.Items {
		if it.Text == name {
			tabs.SelectIndex(i)
		}
	}
	// Lay the new tab out at the window's size, as a frame would.
	size := w.Canvas().Size()
	w.Resize(size.AddWidthHeight(1, 1))
	w.Resize(size)
}

// The desktop screens, through Fyne's test driver against a real server:
// 2FA setup with an oathtool code, backup codes saved to a file, sign-in
// asking for the code, and a live alert whose button revokes the new
// session.
func TestDesktopTwoFactorAndAlert(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "fyne2fa@example.com", "Fyne Twofa")
	c.run()
	w, ui := desktopUI(t, c)
	var saved []byte
	ui.SaveFile = func(name string, data []byte) { saved = data }
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })
	selectTab(w, "Security")

	// Step-up: the password is asked for first.
	if labelWith(w, core.StepUpHint) == nil {
		t.Error("the 2FA card does not say it asks for the password")
	}
	test.Tap(button(w, "Enable 2FA"))
	if labelWith(w, "Enter your password to continue.") == nil {
		t.Fatal("Enable 2FA without the password does not ask for it")
	}
	test.Type(entry(w, "Your password"), goodPassword)
	test.Tap(button(w, "Enable 2FA"))
	secret := find(w, func(e *widget.Entry) bool { return len(e.Text) >= 32 && e.Disabled() })
	if secret == nil {
		t.Fatal("no secret shown after Enable 2FA")
	}
	if entry(w, "Your password") != nil {
		t.Error("the password is asked for again within the step-up window")
	}
	test.Type(entry(w, "6-digit code from the app"), oathtool(t, secret.Text, ts.clock.Now()))
	test.Tap(button(w, "Confirm and turn on"))
	codes := find(w, func(l *widget.Label) bool { return strings.Count(l.Text, "\n") == 9 })
	if codes == nil {
		t.Fatalf("backup codes not shown; error: %v", labelWith(w, "code"))
	}
	firstCodes := codes.Text
	test.Tap(button(w, "Save backup codes to a file…"))
	if !strings.Contains(string(saved), strings.Split(codes.Text, "\n")[0]) {
		t.Fatalf("saved file %q lacks the codes", saved)
	}
	test.Tap(button(w, "I have saved them"))
	waitFor(t, "2FA shown as on", func() bool { ui.Refresh(); return labelWith(w, "On. Sign-in asks") != nil })

	// After the server's window has closed, new backup codes ask for the
	// password again (the server decides, whatever this client's clock says).
	ts.clock.Advance(model.StepUpWindow + time.Minute)
	test.Type(entry(w, "6-digit code or a backup code"), oathtool(t, secret.Text, ts.clock.Now()))
	test.Tap(button(w, "Generate new backup codes"))
	if labelWith(w, "Enter your password to continue.") == nil || entry(w, "Your password") == nil {
		t.Fatal("new backup codes after the window do not ask for the password")
	}
	ts.clock.Advance(30 * time.Second)
	test.Type(entry(w, "Your password"), goodPassword)
	e := entry(w, "6-digit code or a backup code")
	e.SetText(oathtool(t, secret.Text, ts.clock.Now()))
	test.Tap(button(w, "Generate new backup codes"))
	if find(w, func(l *widget.Label) bool { return strings.Count(l.Text, "\n") == 9 && l.Text != firstCodes }) == nil {
		t.Fatalf("no new backup codes after the password; error: %v", labelWith(w, "password"))
	}
	test.Tap(button(w, "I have saved them"))

	// Sign out and in again: the code is asked for.
	test.Tap(button(w, "Sign out"))
	test.Type(entry(w, "Email"), "fyne2fa@example.com")
	test.Type(entry(w, "Password"), goodPassword)
	test.Tap(button(w, "Sign in"))
	codeEntry := entry(w, "Code from your authenticator")
	if codeEntry == nil {
		t.Fatal("no code field after the password")
	}
	ts.clock.Advance(30 * time.Second)
	test.Type(codeEntry, oathtool(t, secret.Text, ts.clock.Now()))
	test.Tap(button(w, "Sign in"))
	waitFor(t, "signed in with the code", func() bool { ui.Refresh(); return c.Snapshot().SignedIn() && labelWith(w, "Online") != nil })

	// A sign-in from a new device raises the alert, live; one click
	// revokes that session.
	ts.clock.Advance(30 * time.Second)
	_, intruder := apiSignIn(t, ts, "fyne2fa@example.com", goodPassword, oathtool(t, secret.Text, ts.clock.Now()), "intruder-laptop")
	waitFor(t, "the alert", func() bool { ui.Refresh(); return labelWith(w, "New sign-in:") != nil })
	test.Tap(button(w, "No: revoke that session"))
	if a := call(t, ts, "GET", "/v1/me", intruder.Token, nil); a.status != http.StatusUnauthorized {
		t.Fatalf("intruder session after revoke from the alert: %d", a.status)
	}
	ui.Refresh()
	if labelWith(w, "New sign-in:") != nil {
		t.Error("alert still shown after revoking")
	}
	if c.Snapshot().Conn == core.SignedOut {
		t.Error("revoking from the alert signed this device out")
	}
}

// Offline, the security screen says so and its actions are disabled.
func TestDesktopSecurityOfflineSaysSo(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "offsec@example.com", "Off Sec")
	c.run()
	w, ui := desktopUI(t, c)
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })
	ts.stop()
	waitFor(t, "offline", func() bool { ui.Refresh(); return c.Snapshot().Conn == core.Offline })
	selectTab(w, "Security")
	ui.Refresh()
	if labelWith(w, "You are offline. Security settings need a connection") == nil {
		t.Error("no offline notice on the security screen")
	}
	for _, name := range []string{"Change password", "Enable 2FA"} {
		if b := button(w, name); b == nil || !b.Disabled() {
			t.Errorf("%q enabled offline", name)
		}
	}
	if err := c.ChangePassword(t.Context(), goodPassword, "amber falcon 77#", false); err == nil || !strings.Contains(core.UserMessage(err), "offline") {
		t.Errorf("ChangePassword offline = %v, want the offline message", err)
	}
}
