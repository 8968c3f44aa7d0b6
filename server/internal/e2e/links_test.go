package e2e

import (
	"net/http"
	"testing"

	"github.com/dialnexa/account/sync/wire"
)

func resetLink(t *testing.T, ts *testServer, email string, n int) string {
	t.Helper()
	if a := call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": email}); a.status != http.StatusAccepted {
		t.Fatalf("forgot: %d %s", a.status, a.body)
	}
	return tokenOfLink(ts.inbox.waitForNth(t, email, "Reset your DialNexa password", n).link(t))
}

func emailLink(t *testing.T, ts *testServer, token, newEmail, password string) string {
	t.Helper()
	if a := call(t, ts, "POST", "/v1/email", token, map[string]string{"newEmail": newEmail, "password": password}); a.status != http.StatusAccepted {
		t.Fatalf("email change: %d %s", a.status, a.body)
	}
	return tokenOfLink(ts.inbox.waitFor(t, newEmail, "Confirm your new DialNexa email").link(t))
}

func mustExpire(t *testing.T, a apiAnswer, what string) {
	t.Helper()
	if a.code() != wire.CodeExpired {
		t.Errorf("%s: %d %s, want the link refused as expired", what, a.status, a.body)
	}
}

// SECURITY: every credential change ends every outstanding reset and
// email-change link of the account, and using one reset link ends the
// others.
func TestLinksDieWithCredentials(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	const newPw = "amber falcon 77#"

	// An intruder who knew the password asks to move the account to their
	// address; the owner resets the password: the intruder's link is dead.
	a := apiSignUp(t, ts, "owner-a@example.com", pw, "Owner A", "d1")
	intruder := emailLink(t, ts, a.Token, "intruder@example.com", pw)
	reset := resetLink(t, ts, "owner-a@example.com", 1)
	if r := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": reset, "newPassword": newPw}); r.status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	mustExpire(t, call(t, ts, "POST", "/v1/email/verify", "", map[string]string{"token": intruder}), "email-change link after a password reset")

	// A reset link dies when the password is changed.
	b := apiSignUp(t, ts, "owner-b@example.com", pw, "Owner B", "d1")
	old := resetLink(t, ts, "owner-b@example.com", 1)
	if r := call(t, ts, "POST", "/v1/password", b.Token, map[string]any{"currentPassword": pw, "newPassword": newPw}); r.status != http.StatusNoContent {
		t.Fatalf("change password: %d %s", r.status, r.body)
	}
	mustExpire(t, call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": old, "newPassword": "cobalt meadow 19%"}), "reset link after a password change")

	// Using one reset link ends the others.
	apiSignUp(t, ts, "owner-c@example.com", pw, "Owner C", "d1")
	first := resetLink(t, ts, "owner-c@example.com", 1)
	second := resetLink(t, ts, "owner-c@example.com", 2)
	if r := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": second, "newPassword": newPw}); r.status != http.StatusOK {
		t.Fatalf("reset with the second link: %d %s", r.status, r.body)
	}
	mustExpire(t, call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": first, "newPassword": "cobalt meadow 19%"}), "the other reset link after one was used")

	// A reset link dies when the email address changes.
	d := apiSignUp(t, ts, "owner-d@example.com", pw, "Owner D", "d1")
	pending := resetLink(t, ts, "owner-d@example.com", 1)
	move := emailLink(t, ts, d.Token, "moved-d@example.com", pw)
	if r := call(t, ts, "POST", "/v1/email/verify", "", map[string]string{"token": move}); r.status != http.StatusOK {
		t.Fatalf("verify email: %d %s", r.status, r.body)
	}
	mustExpire(t, call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": pending, "newPassword": newPw}), "reset link after an email change")

	// A reset link dies when support resets the second factor.
	e := apiSignUp(t, ts, "owner-e@example.com", pw, "Owner E", "d1")
	enable2FA(t, ts, e.Token)
	before := resetLink(t, ts, "owner-e@example.com", 1)
	if r := call(t, ts, "POST", "/internal/v1/support/disable-2fa", ts.token, map[string]string{"email": "owner-e@example.com", "note": "ticket 77"}); r.status != http.StatusOK {
		t.Fatalf("support 2FA reset: %d %s", r.status, r.body)
	}
	mustExpire(t, call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": before, "newPassword": newPw}), "reset link after support reset the second factor")

	// A link issued after the change works.
	fresh := resetLink(t, ts, "owner-e@example.com", 2)
	if r := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": fresh, "newPassword": newPw}); r.status != http.StatusOK {
		t.Fatalf("a link issued after the change: %d %s", r.status, r.body)
	}
}
