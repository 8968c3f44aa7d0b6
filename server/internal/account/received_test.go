package account_test

import (
	"testing"

	"github.com/dialnexa/account/server/internal/account"
)

// An invitation to an address that has an account is listed in that
// account's view, to accept or decline there; withdrawn, it leaves the
// list; another account cannot answer it.
func TestReceivedInvitations(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada")
	bob := e.signUp("bob@example.com", "Bob")
	eve := e.signUp("eve@example.com", "Eve")
	id, err := e.svc.CreateWorkspace(e.ctx, ada, "Call Centre")
	if err != nil {
		t.Fatal(err)
	}
	listed := func() []string {
		t.Helper()
		v, _, err := e.svc.View(e.ctx, bob.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, in := range v.Invited {
			out = append(out, in.Workspace+"/"+in.InvitedBy+"/"+in.Role)
		}
		return out
	}
	invitation := func() string {
		t.Helper()
		v, _, _ := e.svc.View(e.ctx, bob.AccountID)
		if len(v.Invited) != 1 {
			t.Fatalf("invited %+v", v.Invited)
		}
		return v.Invited[0].ID
	}

	e.fx.take()
	if _, err := e.svc.Invite(e.ctx, ada, id, "bob@example.com", "admin"); err != nil {
		t.Fatal(err)
	}
	if got := listed(); len(got) != 1 || got[0] != "Call Centre/Ada/admin" {
		t.Fatalf("listed %q", got)
	}
	if !views(e.fx.take())[bob.AccountID] {
		t.Error("the invitation did not push the invitee's view")
	}
	// Withdrawn: off the list.
	if err := e.svc.WithdrawInvitation(e.ctx, ada, id, invitation()); err != nil {
		t.Fatal(err)
	}
	if got := listed(); len(got) != 0 {
		t.Fatalf("a withdrawn invitation is listed: %q", got)
	}
	// Declined from the list.
	e.svc.Invite(e.ctx, ada, id, "bob@example.com", "member")
	refused(t, e.svc.DeclineReceived(e.ctx, eve, id, invitation()), account.Forbidden, account.NoReason)
	if err := e.svc.DeclineReceived(e.ctx, bob, id, invitation()); err != nil {
		t.Fatal(err)
	}
	if got := listed(); len(got) != 0 {
		t.Fatalf("a declined invitation is listed: %q", got)
	}
	// Accepted from the list: a member, off the list.
	e.svc.Invite(e.ctx, ada, id, "bob@example.com", "member")
	if name, err := e.svc.AcceptReceived(e.ctx, bob, id, invitation()); err != nil || name != "Call Centre" {
		t.Fatalf("accept: %q, %v", name, err)
	}
	if got := listed(); len(got) != 0 {
		t.Fatalf("an accepted invitation is listed: %q", got)
	}
	if wss := workspaces(t, e, bob.AccountID); len(wss) != 1 || wss[0].Role(bob.AccountID) != "member" {
		t.Errorf("bob's workspaces %+v", wss)
	}
}
