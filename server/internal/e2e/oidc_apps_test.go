package e2e

import (
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// Apps with access: a third-party application the user allowed is listed
// in the desktop app, and Remove there takes its access away: its session
// ends (the application is told) and its next sign-in asks again.
func TestDesktopAppsWithAccess(t *testing.T) {
	ts, rp, s := oidcApp(t)
	res := signInApp(t, ts, rp, s)
	c := newClient(t, ts)
	signIn(t, c, "ada@example.com")
	c.run()
	w, ui := desktopUI(t, c)
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })
	selectTab(w, "Security")
	waitFor(t, "the app listed", func() bool {
		ui.Refresh()
		return labelWith(w, "Can see: Who you are (your account id), Your name and profile picture, Your email address, Stay signed in") != nil
	})
	if labelWith(w, "Grafana") == nil {
		t.Fatal("the app's name is not shown")
	}
	// A second sign-in of the app, revoked from the desktop's list.
	other := signInApp(t, ts, rp, s)
	waitFor(t, "the app's session listed", func() bool { ui.Refresh(); return rowButton(w, "Grafana via", "Revoke") != nil })
	if n := len(c.Snapshot().View.Sessions); n != 4 {
		t.Errorf("sessions: %d, want the API's, the desktop's and the app's two", n)
	}
	test.Tap(rowButton(w, "Grafana via", "Revoke"))
	revoked := rp.logout().Session
	waitFor(t, "one app session left", func() bool {
		n := 0
		for _, x := range c.Snapshot().View.Sessions {
			if strings.HasPrefix(x.Device, "Grafana via") {
				n++
			}
		}
		return n == 1
	})
	left := ""
	for _, x := range c.Snapshot().View.Sessions {
		if strings.HasPrefix(x.Device, "Grafana via") {
			left = x.ID
		}
	}
	if want := map[any]string{res.Claims["sid"]: other.Claims["sid"].(string), other.Claims["sid"]: res.Claims["sid"].(string)}[left]; revoked != want {
		t.Errorf("revoked from the desktop: logout for %s, want %s (%s is left)", revoked, want, left)
	}
	ui.Refresh()
	test.Tap(find(w, func(b *widget.Button) bool { return b.Text == "Remove" }))
	if lt := rp.logout(); lt.Session != left {
		t.Errorf("removing the app ended %s, want %s", lt.Session, left)
	}
	waitFor(t, "the list empty", func() bool { ui.Refresh(); return labelWith(w, core.TextNoApps) != nil })
	for _, tok := range []string{res.Token.RefreshToken, other.Token.RefreshToken} {
		if _, code := rp.refresh(tok); code != "invalid_grant" {
			t.Errorf("the removed app's refresh token: %q", code)
		}
	}
	// Its next sign-in asks for consent again.
	resp, _ := getNoFollow(t, rp.authURL())
	loc, _ := resp.Location()
	var next struct{ Consent *struct{ App string } }
	call(t, ts, "POST", "/v1/oidc/requests/"+loc.Query().Get("id"), s.Token, map[string]any{}).decode(t, &next)
	if next.Consent == nil || next.Consent.App != "Grafana" {
		t.Errorf("after removal the app signed in without asking: %+v", next)
	}
	// Removing an app that has no access says so.
	if a := call(t, ts, "DELETE", "/v1/apps/grafana", s.Token, nil); a.status != http.StatusNotFound {
		t.Errorf("removing an app without access: %d %s", a.status, a.body)
	}
}

// rowButton finds the button with text in the list row whose labels
// include one containing sub.
func rowButton(w fyne.Window, sub, text string) *widget.Button {
	var found *widget.Button
	find(w, func(c *fyne.Container) bool {
		var btn *widget.Button
		labelled := false
		for _, o := range c.Objects {
			switch x := o.(type) {
			case *widget.Button:
				if x.Text == text {
					btn = x
				}
			case *fyne.Container:
				for _, in := range x.Objects {
					if l, ok := in.(*widget.Label); ok && strings.Contains(l.Text, sub) {
						labelled = true
					}
				}
			}
		}
		if btn != nil && labelled {
			found = btn
			return true
		}
		return false
	})
	return found
}
