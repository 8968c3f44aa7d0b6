package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// SECURITY 35: turning 2FA on or off and new backup codes ask for the
// password again; after a re-entry the same session is spared a second
// prompt for account.StepUpWindow, and no other session is.
func TestStepUp(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	owner := apiSignUp(t, ts, "sudo@example.com", pw, "Sudo Owner", "d1")
	_, thief := apiSignIn(t, ts, "sudo@example.com", pw, "", "d2")

	stepUpNeeded := func(what string, a apiAnswer) {
		t.Helper()
		if a.status != http.StatusForbidden || a.code() != wire.CodeStepUp {
			t.Fatalf("%s: %d %s, want 403 step_up_required", what, a.status, a.body)
		}
	}
	// A session alone cannot start 2FA setup: a stolen one would lock the owner out.
	stepUpNeeded("setup with no password", call(t, ts, "POST", "/v1/2fa/setup", thief.Token, map[string]string{}))
	if a := call(t, ts, "POST", "/v1/2fa/setup", thief.Token, map[string]string{"password": "wrong pass 9?"}); a.code() != wire.CodeBadCredentials {
		t.Fatalf("setup with a wrong password: %d %s", a.status, a.body)
	}
	a := call(t, ts, "POST", "/v1/2fa/setup", owner.Token, map[string]string{"password": pw})
	if a.status != http.StatusOK {
		t.Fatalf("setup with the password: %d %s", a.status, a.body)
	}
	var su setup
	a.decode(t, &su)
	// Within the window, the next step needs no second prompt...
	ts.clock.Advance(2 * time.Minute)
	if a := call(t, ts, "POST", "/v1/2fa/enable", owner.Token, map[string]string{"code": oathtool(t, su.Secret, ts.clock.Now())}); a.status != http.StatusOK {
		t.Fatalf("enable within the window: %d %s", a.status, a.body)
	}
	// ...but another session's window stays shut.
	ts.clock.Advance(30 * time.Second)
	stepUpNeeded("the other session's new backup codes", call(t, ts, "POST", "/v1/2fa/backup-codes", thief.Token, map[string]string{"code": oathtool(t, su.Secret, ts.clock.Now())}))
	stepUpNeeded("the other session's disable", call(t, ts, "POST", "/v1/2fa/disable", thief.Token, map[string]string{"code": oathtool(t, su.Secret, ts.clock.Now())}))

	// The window closes after account.StepUpWindow.
	ts.clock.Advance(model.StepUpWindow)
	stepUpNeeded("new backup codes after the window", call(t, ts, "POST", "/v1/2fa/backup-codes", owner.Token, map[string]string{"code": oathtool(t, su.Secret, ts.clock.Now())}))
	if a := call(t, ts, "POST", "/v1/2fa/backup-codes", owner.Token, map[string]string{"password": pw, "code": oathtool(t, su.Secret, ts.clock.Now())}); a.status != http.StatusOK {
		t.Fatalf("new backup codes with the password: %d %s", a.status, a.body)
	}
	ts.clock.Advance(time.Minute)
	if a := call(t, ts, "POST", "/v1/2fa/disable", owner.Token, map[string]string{"code": oathtool(t, su.Secret, ts.clock.Now())}); a.status != http.StatusNoContent {
		t.Fatalf("disable within the reopened window: %d %s", a.status, a.body)
	}
	// The window spares the password, never the code.
	a = call(t, ts, "POST", "/v1/2fa/setup", owner.Token, map[string]string{})
	if a.status != http.StatusOK {
		t.Fatalf("setup again within the window: %d %s", a.status, a.body)
	}
	a.decode(t, &su)
	if a := call(t, ts, "POST", "/v1/2fa/enable", owner.Token, map[string]string{"code": "000000"}); a.code() != wire.CodeBadCredentials {
		t.Fatalf("enable with a wrong code inside the window: %d %s", a.status, a.body)
	}
}
