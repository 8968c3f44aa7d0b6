package e2e

import (
	"net/http"
	"testing"

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
	test.Tap(find(w, func(b *widget.Button) bool { return b.Text == "Remove" }))
	if lt := rp.logout(); lt.Session != res.Claims["sid"] {
		t.Errorf("removing the app ended %s, want %s", lt.Session, res.Claims["sid"])
	}
	waitFor(t, "the list empty", func() bool { ui.Refresh(); return labelWith(w, core.TextNoApps) != nil })
	if _, code := rp.refresh(res.Token.RefreshToken); code != "invalid_grant" {
		t.Errorf("the removed app's refresh token: %q", code)
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
