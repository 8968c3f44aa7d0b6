package account_test

import (
	"testing"

	"github.com/dialnexa/account/server/internal/account"
)

// A new account starts in its device's time zone (one the server does not
// know leaves it on UTC); the zone can be changed to one the server knows,
// and the view carries it.
func TestTimeZone(t *testing.T) {
	e := newEnv(t)
	ns, err := e.svc.SignUp(e.ctx, origin, account.SignUp{Email: "tz@example.com", Password: password, DisplayName: "Tess Zone", DeviceID: "d1", TimeZone: "America/Los_Angeles"})
	if err != nil {
		t.Fatal(err)
	}
	ss := e.session(ns)
	if v, _, err := e.svc.View(e.ctx, ss.AccountID); err != nil || v.Profile.TimeZone != "America/Los_Angeles" {
		t.Fatalf("view after sign-up: %q, %v", v.Profile.TimeZone, err)
	}
	odd, err := e.svc.SignUp(e.ctx, origin, account.SignUp{Email: "tz2@example.com", Password: password, DisplayName: "Odd Zone", DeviceID: "d2", TimeZone: "Mars/Olympus"})
	if err != nil {
		t.Fatalf("an unknown device zone refused the sign-up: %v", err)
	}
	if v, _, _ := e.svc.View(e.ctx, e.session(odd).AccountID); v.Profile.TimeZone != "" {
		t.Errorf("an unknown zone was kept: %q", v.Profile.TimeZone)
	}
	e.fx.take()
	if err := e.svc.SetTimeZone(e.ctx, ss, "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := e.svc.View(e.ctx, ss.AccountID); v.Profile.TimeZone != "Europe/Berlin" {
		t.Errorf("after the change: %q", v.Profile.TimeZone)
	}
	if fx := e.fx.take(); !views(fx)[ss.AccountID] {
		t.Error("the change did not push the account's view")
	}
	refused(t, e.svc.SetTimeZone(e.ctx, ss, "Mars/Olympus"), account.Invalid, account.NoReason)
}
