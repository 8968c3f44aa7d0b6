package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/sync/wire"
)

func tokenOfLink(link string) string { return link[strings.Index(link, "token=")+len("token="):] }

// SECURITY 13 and the seed's email rules: the change needs the current
// password and happens only when the 24-hour single-use link is used; the
// old address is told and stops working; a taken address gets the same
// answer and takes nothing over; another account's session cannot use the
// link.
func TestChangeEmail(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "old@example.com", pw, "Mover", "d1")
	other := apiSignUp(t, ts, "taken@example.com", pw, "Someone Else", "d9")

	for _, tc := range []struct {
		name   string
		body   map[string]string
		status int
		code   wire.Code
	}{
		{"no password", map[string]string{"newEmail": "new@example.com"}, 403, wire.CodeBadCredentials},
		{"wrong password", map[string]string{"newEmail": "new@example.com", "password": "wrong pass 9?"}, 403, wire.CodeBadCredentials},
		{"display-name form", map[string]string{"newEmail": "New <new@example.com>", "password": pw}, 400, wire.CodeInvalidArgument},
		{"cyrillic look-alike", map[string]string{"newEmail": "n\u0435w@example.com", "password": pw}, 400, wire.CodeInvalidArgument},
		{"header injection", map[string]string{"newEmail": "new@example.com\r\nBcc: x@evil.example", "password": pw}, 400, wire.CodeInvalidArgument},
		{"same address", map[string]string{"newEmail": "OLD@example.com", "password": pw}, 400, wire.CodeInvalidArgument},
	} {
		if a := call(t, ts, "POST", "/v1/email", s.Token, tc.body); a.status != tc.status || a.code() != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, a.status, a.body, tc.status, tc.code)
		}
	}

	// A taken address: the same answer, no mail, nothing changes.
	taken := call(t, ts, "POST", "/v1/email", s.Token, map[string]string{"newEmail": "Taken@example.com", "password": pw})
	ok := call(t, ts, "POST", "/v1/email", s.Token, map[string]string{"newEmail": "new@example.com", "password": pw})
	if taken.status != http.StatusAccepted || taken.body != ok.body {
		t.Fatalf("taken %d %s vs free %d %s: want the same 202", taken.status, taken.body, ok.status, ok.body)
	}
	m := ts.inbox.waitFor(t, "new@example.com", "Confirm your new DialNexa email")
	if ts.inbox.count("taken@example.com", "Confirm") != 0 {
		t.Error("the owner of a taken address got a verification mail")
	}
	link := m.link(t)
	if !strings.HasPrefix(link, "https://account.dialnexa.test/verify-email#token=") || !strings.Contains(m.Body, "24 hours") {
		t.Fatalf("verification mail: link %q\n%s", link, m.Body)
	}
	// Nothing has changed yet.
	if !strings.Contains(me(t, ts, s.Token), `"email":"old@example.com"`) {
		t.Error("the address changed before the link was used")
	}
	if a, _ := apiSignIn(t, ts, "old@example.com", pw, "", "d1"); a.status != http.StatusOK {
		t.Errorf("old address before verification: %d", a.status)
	}

	// Another account's session cannot use the link.
	if a := call(t, ts, "POST", "/v1/email/verify", other.Token, map[string]string{"token": tokenOfLink(link)}); a.status != http.StatusForbidden {
		t.Fatalf("verify from another account's session: %d %s", a.status, a.body)
	}

	ts.clock.Advance(24*time.Hour - time.Second)
	if a := call(t, ts, "POST", "/v1/email/verify", "", map[string]string{"token": tokenOfLink(link)}); a.status != http.StatusOK {
		t.Fatalf("verify at 23:59:59: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/email/verify", "", map[string]string{"token": tokenOfLink(link)}); a.code() != wire.CodeExpired {
		t.Errorf("second use: %d %s, want expired", a.status, a.body)
	}
	notice := ts.inbox.waitFor(t, "old@example.com", "email address was changed")
	if !strings.Contains(notice.Body, "new@example.com") {
		t.Errorf("old-address notice lacks the new address:\n%s", notice.Body)
	}
	if a, _ := apiSignIn(t, ts, "old@example.com", pw, "", "d1"); a.status != http.StatusUnauthorized {
		t.Errorf("old address after the change: %d, want 401", a.status)
	}
	if a, _ := apiSignIn(t, ts, "new@example.com", pw, "", "d1"); a.status != http.StatusOK {
		t.Errorf("new address after the change: %d", a.status)
	}
	if body := me(t, ts, s.Token); !strings.Contains(body, `"email":"new@example.com"`) || !strings.Contains(body, "email_changed") {
		t.Errorf("view after the change: %s", body)
	}
	if acc, _ := ts.account("taken@example.com"); acc.ID != other.AccountID {
		t.Error("the taken address changed hands")
	}

	// A link used after 24 hours fails.
	ts.clock.Advance(time.Hour)
	call(t, ts, "POST", "/v1/email", s.Token, map[string]string{"newEmail": "newer@example.com", "password": pw})
	late := ts.inbox.waitFor(t, "newer@example.com", "Confirm").link(t)
	ts.clock.Advance(24*time.Hour + time.Second)
	if a := call(t, ts, "POST", "/v1/email/verify", "", map[string]string{"token": tokenOfLink(late)}); a.code() != wire.CodeExpired {
		t.Errorf("link after 24h: %d %s, want expired", a.status, a.body)
	}
}
