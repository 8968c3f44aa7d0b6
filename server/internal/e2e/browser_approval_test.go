package e2e

import (
	"context"
	"net/http"
	"testing"

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
	ts := startServer(t)
	start := func() core.BrowserSignIn {
		t.Helper()
		var b core.BrowserSignIn
		a := call(t, ts, "POST", "/v1/signin/browser", "", map[string]any{"deviceId": "app-1", "device": map[string]string{"kind": "desktop", "os": "linux", "name": "host"}})
		if a.status != http.StatusCreated {
			t.Fatalf("start: %d %s", a.status, a.body)
		}
		a.decode(t, &b)
		return b
	}
	approve := func(token string) core.BrowserSignIn {
		t.Helper()
		b := start()
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
