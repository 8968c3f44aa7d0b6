package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// SECURITY: an approved browser sign-in the app has not collected yet is
// bound to the approver's credentials and session. A password reset, a
// password change, support's second-factor reset, the approving session's
// revocation and the approver's account deletion each end it: the app's
// next poll is refused as expired (never 200, never 500) and no session is
// created.
func TestApprovedBrowserSignInEndsWithTheApproval(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	approve := func(token string) core.BrowserSignIn {
		t.Helper()
		b := startBrowserSignIn(t, ts)
		if a := call(t, ts, "POST", "/v1/signin/browser/"+b.Code+"/approve", token, map[string]string{"password": pw}); a.status != http.StatusNoContent {
			t.Fatalf("approve: %d %s", a.status, a.body)
		}
		return b
	}
	sessions := func(accountID string) int {
		t.Helper()
		var n int
		err := ts.st.View(context.Background(), func(tx store.Tx) error {
			all, err := tx.Sessions(accountID)
			n = len(all)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	refusedPoll := func(b core.BrowserSignIn, accountID, what string) {
		t.Helper()
		before := sessions(accountID)
		a := call(t, ts, "POST", "/v1/signin/browser/poll", "", map[string]string{"request": b.Request})
		if a.status != http.StatusNotFound || a.code() != wire.CodeExpired || !contains(a.body, "Start again") {
			t.Errorf("%s: poll answered %d %s, want 404 expired saying to start again", what, a.status, a.body)
		}
		if after := sessions(accountID); after != before {
			t.Errorf("%s: the refused poll changed the account's sessions from %d to %d", what, before, after)
		}
	}

	// An approval that still holds signs the app in, after an unrelated
	// change of the account.
	ok := apiSignUp(t, ts, "holds@example.com", pw, "Holds", "laptop")
	b := approve(ok.Token)
	if a := call(t, ts, "POST", "/v1/workspaces", ok.Token, map[string]string{"name": "Holds Ltd"}); a.status != http.StatusCreated {
		t.Fatalf("create a workspace: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/signin/browser/poll", "", map[string]string{"request": b.Request}); a.status != http.StatusOK {
		t.Fatalf("poll of an approval that holds: %d %s", a.status, a.body)
	}

	// A password reset through the mailed link.
	reset := apiSignUp(t, ts, "reset@example.com", pw, "Reset", "laptop")
	b = approve(reset.Token)
	link := resetLink(t, ts, "reset@example.com", 1)
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": link, "newPassword": "amber falcon 77#"}); a.status != http.StatusOK {
		t.Fatalf("reset: %d %s", a.status, a.body)
	}
	refusedPoll(b, reset.AccountID, "after a password reset")

	// A password change by the approving session itself, which stays
	// signed in: the credential changed.
	change := apiSignUp(t, ts, "change@example.com", pw, "Change", "laptop")
	b = approve(change.Token)
	if a := call(t, ts, "POST", "/v1/password", change.Token, map[string]any{"currentPassword": pw, "newPassword": "amber falcon 77#", "signOutOthers": true}); a.status != http.StatusNoContent {
		t.Fatalf("change password: %d %s", a.status, a.body)
	}
	refusedPoll(b, change.AccountID, "after a password change that signed out other devices")

	// Support turns off the second factor (sessions stay).
	support := apiSignUp(t, ts, "support@example.com", pw, "Support", "laptop")
	enable2FA(t, ts, support.Token)
	b = approve(support.Token)
	if a := call(t, ts, "POST", "/internal/v1/support/disable-2fa", ts.token, map[string]string{"email": "support@example.com", "note": "ticket 4711"}); a.status != http.StatusOK {
		t.Fatalf("support 2FA reset: %d %s", a.status, a.body)
	}
	refusedPoll(b, support.AccountID, "after support reset the second factor")

	// The approving session is revoked from another device.
	revoked := apiSignUp(t, ts, "revoked@example.com", pw, "Revoked", "laptop")
	_, other := apiSignIn(t, ts, "revoked@example.com", pw, "", "phone")
	b = approve(revoked.Token)
	if a := call(t, ts, "DELETE", "/v1/sessions/"+revoked.SessionID, other.Token, nil); a.status != http.StatusNoContent {
		t.Fatalf("revoke the approving session: %d %s", a.status, a.body)
	}
	refusedPoll(b, revoked.AccountID, "after the approving session was revoked")

	// The approver deletes their account.
	gone := apiSignUp(t, ts, "gone@example.com", pw, "Gone", "laptop")
	b = approve(gone.Token)
	if a := call(t, ts, "POST", "/v1/account/delete", gone.Token, map[string]string{"email": "gone@example.com", "password": pw}); a.status != http.StatusNoContent {
		t.Fatalf("delete the account: %d %s", a.status, a.body)
	}
	refusedPoll(b, gone.AccountID, "after the approver deleted the account")
}

// SECURITY: polling browser sign-ins and looking up or answering their
// codes are limited in the store (every node counts the same): polls per
// address, and per request with RFC 8628's slow_down; code lookups and
// answers per account and per address. The clock is the server's fake, so
// nothing refills while the test runs.
func TestBrowserSignInIsLimited(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	poll := func(request string) apiAnswer {
		return call(t, ts, "POST", "/v1/signin/browser/poll", "", map[string]string{"request": request})
	}
	// answers counts the statuses of n calls and checks the first refusal.
	answers := func(what string, n int, f func(i int) apiAnswer) map[int]int {
		t.Helper()
		seen := map[int]int{}
		for i := range n {
			a := f(i)
			if a.status == http.StatusTooManyRequests && seen[http.StatusTooManyRequests] == 0 {
				if a.code() != wire.CodeRateLimited || a.header.Get("Retry-After") == "" {
					t.Errorf("%s: the first refusal is %s (Retry-After %q), want rate_limited with Retry-After", what, a.body, a.header.Get("Retry-After"))
				}
			}
			seen[a.status]++
		}
		return seen
	}

	// Invented secrets from one address.
	seen := answers("invented secrets", 80, func(i int) apiAnswer { return poll(fmt.Sprintf("invented-%d", i)) })
	if seen[http.StatusNotFound] != 30 || seen[http.StatusTooManyRequests] != 50 {
		t.Errorf("80 polls with invented secrets from one address: %v, want 30 not found and then 50 refused", seen)
	}
	ts.clock.Advance(time.Minute)

	// A real request polled faster than every 2 seconds is told to slow
	// down; at the pace asked for it is not.
	b := startBrowserSignIn(t, ts)
	for i := range 3 {
		if a := poll(b.Request); a.status != http.StatusConflict {
			t.Fatalf("poll %d of a waiting request: %d %s", i+1, a.status, a.body)
		}
	}
	a := poll(b.Request)
	if a.status != http.StatusTooManyRequests || a.code() != wire.CodeSlowDown || a.header.Get("Retry-After") != "5" {
		t.Fatalf("a fourth poll at once: %d %s (Retry-After %q), want 429 slow_down, Retry-After 5", a.status, a.body, a.header.Get("Retry-After"))
	}
	for i := range 5 {
		ts.clock.Advance(2 * time.Second)
		if a := poll(b.Request); a.status != http.StatusConflict {
			t.Fatalf("poll %d every 2 seconds: %d %s", i+1, a.status, a.body)
		}
	}

	// Code lookups by one signed-in account: it has 10, its address 20.
	one := apiSignUp(t, ts, "looker@example.com", pw, "Looker", "laptop")
	seen = answers("lookups by one account", 80, func(i int) apiAnswer {
		return call(t, ts, "GET", fmt.Sprintf("/v1/signin/browser/WRNG-%04d", i), one.Token, nil)
	})
	if seen[http.StatusNotFound] != 10 || seen[http.StatusTooManyRequests] != 70 {
		t.Errorf("80 code lookups by one account: %v, want 10 not found and then 70 refused", seen)
	}
	if a := call(t, ts, "POST", "/v1/signin/browser/"+b.Code+"/approve", one.Token, map[string]string{}); a.status != http.StatusTooManyRequests {
		t.Errorf("an approval by the account over its limit: %d %s, want 429", a.status, a.body)
	}
	// A second account from the same address finds the address spent
	// (every refused lookup of the first counted against it too), until
	// it refills.
	two := apiSignUp(t, ts, "other-looker@example.com", pw, "Other", "laptop")
	if a := call(t, ts, "POST", "/v1/signin/browser/WRNG-0000/deny", two.Token, map[string]string{}); a.status != http.StatusTooManyRequests {
		t.Errorf("a denial by a second account from the spent address: %d %s, want 429", a.status, a.body)
	}
	ts.clock.Advance(40 * time.Second)
	seen = answers("denials by the second account", 40, func(i int) apiAnswer {
		return call(t, ts, "POST", fmt.Sprintf("/v1/signin/browser/WRNG-%04d/deny", i), two.Token, map[string]string{})
	})
	if seen[http.StatusNotFound] != 10 || seen[http.StatusTooManyRequests] != 30 {
		t.Errorf("40 denials by the second account after 40 s: %v, want 10 not found and then 30 refused", seen)
	}

	// Once the limits refill, the request is approved and collected.
	ts.clock.Advance(5 * time.Minute)
	if a := call(t, ts, "POST", "/v1/signin/browser/"+b.Code+"/approve", two.Token, map[string]string{"password": pw}); a.status != http.StatusNoContent {
		t.Fatalf("approve after the limits refilled: %d %s", a.status, a.body)
	}
	if a := poll(b.Request); a.status != http.StatusOK {
		t.Fatalf("poll after the approval: %d %s", a.status, a.body)
	}
}
