package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/dialnexa/account/sync/wire"
)

// SECURITY: an invitation carries its sender's authority, which must still
// hold when it is accepted: one sent by an admin removed since makes nobody
// anything.
func TestInvitationFromARemovedAdminIsVoid(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	o := apiSignUp(t, ts, "boss@example.com", pw, "Boss Owner", "d1")
	a := apiSignUp(t, ts, "admin@example.com", pw, "Ada Admin", "d2")
	n := apiSignUp(t, ts, "newbie@example.com", pw, "Nat Newbie", "d3")
	var ws struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": "Call Centre"}).decode(t, &ws)

	invite := func(token, email, role string, n int) string {
		t.Helper()
		if r := call(t, ts, "POST", "/v1/workspaces/"+ws.ID+"/invitations", token, map[string]string{"email": email, "role": role}); r.status != http.StatusAccepted {
			t.Fatalf("invite %s: %d %s", email, r.status, r.body)
		}
		return tokenOfLink(ts.inbox.waitForNth(t, email, "invited you", n).link(t))
	}
	if r := call(t, ts, "POST", "/v1/invitations/accept", a.Token, map[string]string{"token": invite(o.Token, "admin@example.com", "admin", 1)}); r.status != http.StatusOK {
		t.Fatalf("admin joins: %d %s", r.status, r.body)
	}
	fromAdmin := invite(a.Token, "newbie@example.com", "admin", 1)
	// The owner removes the admin before the invitation is used.
	if r := call(t, ts, "DELETE", "/v1/workspaces/"+ws.ID+"/members/"+a.AccountID, o.Token, nil); r.status != http.StatusNoContent && r.status != http.StatusOK {
		t.Fatalf("remove the admin: %d %s", r.status, r.body)
	}
	r := call(t, ts, "POST", "/v1/invitations/accept", n.Token, map[string]string{"token": fromAdmin})
	if r.code() != wire.CodeExpired || !contains(r.body, "can no longer invite") {
		t.Fatalf("accepting the removed admin's invitation: %d %s, want it refused", r.status, r.body)
	}
	if v := view(t, ts, n.Token); len(v.Workspaces) != 0 {
		t.Fatalf("the invitee joined anyway: %+v", v.Workspaces)
	}
	// An invitation from someone who may still invite works.
	if r := call(t, ts, "POST", "/v1/invitations/accept", n.Token, map[string]string{"token": invite(o.Token, "newbie@example.com", "member", 2)}); r.status != http.StatusOK {
		t.Fatalf("the owner's invitation: %d %s", r.status, r.body)
	}
	if v := view(t, ts, n.Token); len(v.Workspaces) != 1 || v.Workspaces[0].Role != "member" {
		t.Fatalf("after the owner's invitation: %+v", v.Workspaces)
	}
}

// Invitation mail is limited per inviting account, with a clear error
// saying when more may be sent.
func TestInvitationMailIsLimited(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	o := apiSignUp(t, ts, "sender@example.com", pw, "Sam Sender", "d1")
	var ws struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": "Busy Team"}).decode(t, &ws)
	invite := func(i int) apiAnswer {
		return call(t, ts, "POST", "/v1/workspaces/"+ws.ID+"/invitations", o.Token, map[string]string{"email": fmt.Sprintf("person%d@example.com", i)})
	}
	for i := range 20 {
		if r := invite(i); r.status != http.StatusAccepted {
			t.Fatalf("invitation %d: %d %s", i+1, r.status, r.body)
		}
	}
	r := invite(20)
	if r.status != http.StatusTooManyRequests || r.code() != wire.CodeRateLimited || r.header.Get("Retry-After") == "" || !contains(r.body, "you can send another in 3 minutes") {
		t.Fatalf("21st invitation in an hour: %d %s (Retry-After %q), want 429 saying when", r.status, r.body, r.header.Get("Retry-After"))
	}
	// An outsider's attempts count for nothing.
	x := apiSignUp(t, ts, "outsider@example.com", pw, "Out Sider", "d2")
	if r := call(t, ts, "POST", "/v1/workspaces/"+ws.ID+"/invitations", x.Token, map[string]string{"email": "z@example.com"}); r.status != http.StatusNotFound {
		t.Fatalf("outsider: %d", r.status)
	}
	ts.clock.Advance(3 * time.Minute)
	if r := invite(21); r.status != http.StatusAccepted {
		t.Fatalf("after the wait: %d %s", r.status, r.body)
	}
}
