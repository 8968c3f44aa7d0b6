package e2e

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

const pw = "violet kettle 42?"

// SECURITY 1: lengths counted in characters, long passwords kept whole.
func TestPasswordLengthsAndNoTruncation(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	for _, tc := range []struct {
		name, pw string
		ok       bool
	}{
		{"7 code points", "abcde1!", false},
		{"8", "quiet8!x", true},
		{"64", strings.Repeat("kettle", 10) + "ab7!", true},
		{"128", strings.Repeat("meadow", 21) + "a7!", true},
	} {
		email := strings.ReplaceAll(tc.name, " ", "") + "@len.example.com"
		a := call(t, ts, "POST", "/v1/signup", "", map[string]any{"email": email, "password": tc.pw, "displayName": "Len Test", "bearer": true})
		if ok := a.status == http.StatusCreated; ok != tc.ok {
			t.Errorf("%s: sign-up %d %s, want ok=%v", tc.name, a.status, a.body, tc.ok)
		}
		if tc.ok {
			if a, _ := apiSignIn(t, ts, email, tc.pw, "", ""); a.status != http.StatusOK {
				t.Errorf("%s: sign-in with the same password: %d", tc.name, a.status)
			}
		}
	}
	long := strings.Repeat("violet", 14)
	apiSignUp(t, ts, "long@len.example.com", long+"A1!", "Long Pw", "")
	if a, _ := apiSignIn(t, ts, "long@len.example.com", long+"B1!", "", ""); a.status != http.StatusUnauthorized {
		t.Errorf("a password differing only after byte 72 signed in: %d", a.status)
	}
}

// SECURITY 2 and 3: the change needs the current password; weak and
// context passwords are refused with a reason; a refused change keeps the
// old password.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "rear.admiral@example.com", pw, "Grace Hopper", "d1")
	other, _ := apiSignIn(t, ts, "rear.admiral@example.com", pw, "", "d1")
	_ = other
	for _, tc := range []struct{ name, newPw, want string }{
		{"common", "Password1!", "commonly used"},
		{"season and year", "Summer2024!", "commonly used"},
		{"email local part", "rearadmiral1!", "email address"},
		{"display name", "Grace Hopper1!", "name"},
		{"seed rule", "short1!", "at least 8"},
		{"no special", "longenough1", "special"},
	} {
		a := call(t, ts, "POST", "/v1/password", s.Token, map[string]any{"currentPassword": pw, "newPassword": tc.newPw})
		if a.status != http.StatusBadRequest || a.code() != wire.CodeInvalidArgument || !strings.Contains(a.err.Message, tc.want) {
			t.Errorf("%s: %d %s, want 400 mentioning %q", tc.name, a.status, a.body, tc.want)
		}
	}
	a := call(t, ts, "POST", "/v1/password", s.Token, map[string]any{"currentPassword": "wrong pass 9?", "newPassword": "amber falcon 77#"})
	if a.status != http.StatusForbidden || a.code() != wire.CodeBadCredentials {
		t.Fatalf("wrong current password: %d %s", a.status, a.body)
	}
	if a, _ := apiSignIn(t, ts, "rear.admiral@example.com", pw, "", "d1"); a.status != http.StatusOK {
		t.Fatalf("old password stopped working after refused changes: %d", a.status)
	}

	// A good change: the other session stays signed in (the default), the
	// owner is told by mail, and it shows in the security activity.
	_, second := apiSignIn(t, ts, "rear.admiral@example.com", pw, "", "d1")
	a = call(t, ts, "POST", "/v1/password", s.Token, map[string]any{"currentPassword": pw, "newPassword": "amber falcon 77#"})
	if a.status != http.StatusNoContent {
		t.Fatalf("change: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "GET", "/v1/me", second.Token, nil); a.status != http.StatusOK {
		t.Errorf("other session after a plain change: %d, want still signed in", a.status)
	}
	if a, _ := apiSignIn(t, ts, "rear.admiral@example.com", pw, "", "d1"); a.status != http.StatusUnauthorized {
		t.Errorf("old password after change: %d, want 401", a.status)
	}
	if a, _ := apiSignIn(t, ts, "rear.admiral@example.com", "amber falcon 77#", "", "d1"); a.status != http.StatusOK {
		t.Errorf("new password: %d", a.status)
	}
	ts.inbox.waitFor(t, "rear.admiral@example.com", "password was changed")
	if !strings.Contains(me(t, ts, s.Token), "password_changed") {
		t.Error("password change missing from the security activity")
	}

	// Opt-in: sign out the other devices too.
	a = call(t, ts, "POST", "/v1/password", s.Token, map[string]any{"currentPassword": "amber falcon 77#", "newPassword": "copper meadow 58&", "signOutOthers": true})
	if a.status != http.StatusNoContent {
		t.Fatalf("change with sign-out: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "GET", "/v1/me", second.Token, nil); a.status != http.StatusUnauthorized {
		t.Errorf("other session after change with sign-out: %d, want 401", a.status)
	}
	if a := call(t, ts, "GET", "/v1/me", s.Token, nil); a.status != http.StatusOK {
		t.Errorf("the changing session itself: %d, want still signed in", a.status)
	}
}

func me(t *testing.T, ts *testServer, token string) string {
	t.Helper()
	a := call(t, ts, "GET", "/v1/me", token, nil)
	if a.status != http.StatusOK {
		t.Fatalf("GET /v1/me: %d %s", a.status, a.body)
	}
	return a.body
}

// SECURITY 4, 7 and 10: argon2id parameters, salts, token entropy, and a
// store that holds only hashes of tokens.
func TestStoredSecretsAreHashes(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s1 := apiSignUp(t, ts, "one@example.com", pw, "User One", "")
	apiSignUp(t, ts, "two@example.com", pw, "User Two", "")
	a1, _ := ts.account("one@example.com")
	a2, _ := ts.account("two@example.com")
	for _, a := range []store.Account{a1, a2} {
		if !strings.HasPrefix(a.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("hash %q is not argon2id m=19456 t=2 p=1", a.PasswordHash)
		}
	}
	if a1.PasswordHash == a2.PasswordHash {
		t.Error("one password for two users gives one hash: not salted")
	}
	_, s2 := apiSignIn(t, ts, "one@example.com", pw, "", "")
	if s1.Token == s2.Token {
		t.Error("two sign-ins got the same token")
	}
	for _, tok := range []string{s1.Token, s2.Token} {
		if b, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(b)*8 < 128 {
			t.Errorf("token %q has %d bits, want at least 128", tok, len(b)*8)
		}
	}
	call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "one@example.com"})
	reset := ts.inbox.waitFor(t, "one@example.com", "Reset your DialNexa password").link(t)
	resetTok := reset[strings.Index(reset, "token=")+len("token="):]
	// The mail with the link waits in the outbox only until it is sent:
	// the worker removes it after the SMTP server took it, a moment after
	// the inbox has it.
	waitFor(t, "the reset mail out of the outbox", func() bool { return len(outbox(t, ts)) == 0 })
	ts.st.Dump(func(bucket, k, v []byte) {
		for _, secret := range []string{s1.Token, s2.Token, resetTok, pw} {
			if bytes.Contains(k, []byte(secret)) || bytes.Contains(v, []byte(secret)) {
				t.Errorf("bucket %s holds a secret in the clear (key %q)", bucket, k)
			}
		}
	})
}

// SECURITY 8, 9, 11 and 12: the forgotten-password flow.
func TestForgotPasswordAndReset(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "ada@example.com", pw, "Ada", "d1")
	_, s2 := apiSignIn(t, ts, "ada@example.com", pw, "", "d1")
	apiSignUp(t, ts, "later@example.com", pw, "Later", "d9")

	// Existing and missing addresses get the same answer; a forged Host
	// does not change the link.
	a := call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "ADA@example.com"}, "Host", "evil.example")
	b := call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "nobody@example.com"})
	if a.status != http.StatusAccepted || a.status != b.status || a.body != b.body {
		t.Fatalf("forgot: existing %d %s vs missing %d %s; want the same 202", a.status, a.body, b.status, b.body)
	}
	m := ts.inbox.waitFor(t, "ada@example.com", "Reset your DialNexa password")
	link := m.link(t)
	if !strings.HasPrefix(link, "https://account.dialnexa.test/reset#token=") || strings.Contains(m.Raw, "evil.example") {
		t.Fatalf("reset link %q is not on the configured origin", link)
	}
	if !strings.Contains(m.Body, "1 hour") {
		t.Errorf("reset mail does not say how long the link works:\n%s", m.Body)
	}
	// Mail goes out in the order it was caused: once a reset asked for
	// after the missing address's has arrived, any mail for that address
	// would have come first.
	call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "later@example.com"})
	ts.inbox.waitFor(t, "later@example.com", "Reset your DialNexa password")
	if n := ts.inbox.count("nobody@example.com", ""); n != 0 {
		t.Errorf("a missing address got %d mails", n)
	}
	tok := link[strings.Index(link, "token=")+len("token="):]

	// Weak password: refused, link still good.
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": tok, "newPassword": "Password1!"}); a.code() != wire.CodeInvalidArgument {
		t.Fatalf("reset to a common password: %d %s", a.status, a.body)
	}
	// 59:59 after the mail: still works; every session ends.
	ts.clock.Advance(59*time.Minute + 59*time.Second)
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": tok, "newPassword": "amber falcon 77#"}); a.status != http.StatusOK {
		t.Fatalf("reset at 59:59: %d %s", a.status, a.body)
	}
	for _, sess := range []session{s, s2} {
		if a := call(t, ts, "GET", "/v1/me", sess.Token, nil); a.status != http.StatusUnauthorized || a.code() != wire.CodeRevoked {
			t.Errorf("session after reset: %d %s, want 401 revoked", a.status, a.body)
		}
	}
	ts.inbox.waitFor(t, "ada@example.com", "password was reset")
	if a, _ := apiSignIn(t, ts, "ada@example.com", "amber falcon 77#", "", "d1"); a.status != http.StatusOK {
		t.Errorf("sign-in with the new password: %d", a.status)
	}
	// Used once: a second use fails.
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": tok, "newPassword": "copper meadow 58&"}); a.code() != wire.CodeExpired {
		t.Errorf("second use of the link: %d %s, want expired", a.status, a.body)
	}

	// A new link fails at 60:01.
	ts.clock.Advance(time.Hour) // clear the per-address limit
	call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "ada@example.com"})
	waitFor(t, "second reset mail", func() bool { return ts.inbox.count("ada@example.com", "Reset your") == 2 })
	var links []string
	for _, m := range ts.inbox.all() {
		if strings.Contains(m.Subject, "Reset your") {
			links = append(links, m.link(t))
		}
	}
	tok2 := links[1][strings.Index(links[1], "token=")+len("token="):]
	ts.clock.Advance(time.Hour + time.Second)
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": tok2, "newPassword": "copper meadow 58&"}); a.code() != wire.CodeExpired {
		t.Errorf("link at 60:01: %d %s, want expired", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": "not-a-token", "newPassword": "copper meadow 58&"}); a.code() != wire.CodeExpired {
		t.Errorf("made-up token: %d %s, want expired", a.status, a.body)
	}
}

// SECURITY 5: throttling per account, persisted, never locking the owner
// out for good.
func TestSignInThrottling(t *testing.T) {
	ts := startServer(t)
	apiSignUp(t, ts, "target@example.com", pw, "Target", "d1")
	// The count is kept per account, whatever address the attempts come
	// from (the server never trusts forwarding headers for it).
	fail := func(i int) apiAnswer {
		a, _ := apiSignIn(t, ts, "target@example.com", "wrong guess 1!", "", "", "X-Forwarded-For", "10.0.0."+string(rune('0'+i%10)))
		return a
	}
	for i := range 5 {
		if a := fail(i); a.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i+1, a.status, a.body)
		}
	}
	// The sixth attempt must wait, even with the right password.
	a, _ := apiSignIn(t, ts, "target@example.com", pw, "", "")
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") == "" {
		t.Fatalf("attempt after 5 failures: %d %s, want 429 with Retry-After", a.status, a.body)
	}
	// Restart: the count survives.
	ts.stop()
	ts.start()
	if a, _ := apiSignIn(t, ts, "target@example.com", pw, "", ""); a.status != http.StatusTooManyRequests {
		t.Fatalf("after restart: %d, want still throttled", a.status)
	}
	for i := 5; i < 100; i++ {
		ts.clock.Advance(16 * time.Minute)
		if a := fail(i); a.status != http.StatusUnauthorized {
			t.Fatalf("failure %d after waiting: %d %s", i+1, a.status, a.body)
		}
	}
	// 100 consecutive failures: password sign-in stops, even correct.
	ts.clock.Advance(24 * time.Hour)
	a, _ = apiSignIn(t, ts, "target@example.com", pw, "", "")
	if a.status != http.StatusTooManyRequests || !strings.Contains(a.err.Message, "Forgot password") {
		t.Fatalf("after 100 failures: %d %s, want 429 pointing to reset", a.status, a.body)
	}
	// The owner resets by mail and is back in.
	call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "target@example.com"})
	link := ts.inbox.waitFor(t, "target@example.com", "Reset your").link(t)
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": link[strings.Index(link, "token=")+6:], "newPassword": "amber falcon 77#"}); a.status != http.StatusOK {
		t.Fatalf("reset: %d %s", a.status, a.body)
	}
	if a, _ := apiSignIn(t, ts, "target@example.com", "amber falcon 77#", "", ""); a.status != http.StatusOK {
		t.Fatalf("sign-in after reset: %d %s", a.status, a.body)
	}
	// An unknown address is throttled the same way, revealing nothing.
	for range 5 {
		apiSignIn(t, ts, "ghost@example.com", "wrong guess 1!", "", "")
	}
	if a, _ := apiSignIn(t, ts, "ghost@example.com", "wrong guess 1!", "", ""); a.status != http.StatusTooManyRequests {
		t.Errorf("unknown address after 5 failures: %d, want 429 like a real account", a.status)
	}
}
