package e2e

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// The desktop Security screen lists the account's passkeys (added in a
// browser; here through the API with a software authenticator), renames
// one and removes it after saying it was the only second factor and
// asking for the password.
func TestDesktopPasskeys(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "fyne-keys@example.com", "Fyne Keys")
	addPasskey(t, ts, tokenOf(t, c), "Phone", newSoftKey(c.Snapshot().View.Profile.AccountID))
	c.run()
	w, ui := desktopUI(t, c)
	waitFor(t, "online with the passkey", func() bool {
		ui.Refresh()
		return labelWith(w, "Online") != nil && len(c.Snapshot().View.Passkeys) == 1
	})
	selectTab(w, "Security")
	ui.Refresh()
	if labelWith(w, core.TextAddPasskeyInBrowser) == nil || labelWith(w, "never used") == nil {
		t.Fatal("the Passkeys card does not list the passkey or say where to add one")
	}
	writeShot(t, shotDir(t), "desktop-security-passkeys.png", w.Canvas().Capture())

	// Renamed on demand: the name shows once until Rename opens a field.
	if find(w, func(e *widget.Entry) bool { return e.Text == "Phone" }) != nil {
		t.Fatal("the name is shown twice: a field is open before Rename")
	}
	test.Tap(button(w, "Rename"))
	name := find(w, func(e *widget.Entry) bool { return e.Text == "Phone" })
	if name == nil {
		t.Fatal("no name field after Rename")
	}
	name.SetText("Old phone")
	test.Tap(button(w, core.TextSaveName))
	waitFor(t, "renamed", func() bool {
		ui.Refresh()
		return labelWith(w, "Old phone") != nil && labelWith(w, core.TextPasskeyRenamed) != nil
	})

	test.Tap(button(w, "Remove"))
	if labelWith(w, "only second factor") == nil {
		t.Fatal("removing the only second factor does not say what it means")
	}
	test.Type(entry(w, core.TextYourPassword), goodPassword)
	test.Tap(button(w, "Remove passkey"))
	waitFor(t, "removed", func() bool {
		ui.Refresh()
		return len(c.Snapshot().View.Passkeys) == 0 && labelWith(w, "No passkeys yet.") != nil
	})
}
