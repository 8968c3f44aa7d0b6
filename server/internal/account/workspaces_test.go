package account_test

import (
	"testing"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/store"
)

// join has owner create a workspace (once) and bring member in with role
// through an invitation mail; it returns the workspace's id.
func join(t *testing.T, e *env, owner, member store.Session, role string) string {
	t.Helper()
	wss := workspaces(t, e, owner.AccountID)
	var id string
	if len(wss) > 0 {
		id = wss[0].ID
	} else {
		var err error
		if id, err = e.svc.CreateWorkspace(e.ctx, owner, "Call Centre"); err != nil {
			t.Fatal(err)
		}
	}
	email := e.account(member.AccountID).Email
	if _, err := e.svc.Invite(e.ctx, owner, id, email, role); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AcceptInvitation(e.ctx, member, e.linkToken(email)); err != nil {
		t.Fatal(err)
	}
	return id
}

func workspaces(t *testing.T, e *env, accountID string) []store.Workspace {
	t.Helper()
	var wss []store.Workspace
	if err := e.st.View(e.ctx, func(tx store.Tx) (err error) { wss, err = tx.Workspaces(accountID); return }); err != nil {
		t.Fatal(err)
	}
	return wss
}

func TestInvitationAndRoles(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada")
	bob := e.signUp("bob@example.com", "Bob")
	eve := e.signUp("eve@example.com", "Eve")
	id, err := e.svc.CreateWorkspace(e.ctx, ada, " Call Centre ")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.CreateWorkspace(e.ctx, ada, "x")
	refused(t, err, account.Invalid, account.NoReason)

	// An outsider cannot see or touch the workspace.
	_, err = e.svc.Invite(e.ctx, eve, id, "mallory@example.com", "admin")
	refused(t, err, account.NotFound, account.NoReason)
	_, err = e.svc.Invite(e.ctx, ada, id, "bob@example.com", "owner")
	refused(t, err, account.Invalid, account.NoReason)
	e.fx.take()

	// Invited at a second address first, then at Bob's: one pending each.
	if _, err := e.svc.Invite(e.ctx, ada, id, "bob@example.com", "member"); err != nil {
		t.Fatal(err)
	}
	if fx := e.fx.take(); len(fx) != 1 || !fx[0].Mail || !views(fx)[ada.AccountID] {
		t.Fatalf("invitation published %+v", fx)
	}
	tok := e.linkToken("bob@example.com")
	// Eve cannot use Bob's invitation.
	_, err = e.svc.AcceptInvitation(e.ctx, eve, tok)
	refused(t, err, account.Forbidden, account.NoReason)
	name, err := e.svc.AcceptInvitation(e.ctx, bob, tok)
	if err != nil || name != "Call Centre" {
		t.Fatalf("accept: %q, %v", name, err)
	}
	fxs := e.fx.take()
	if v := views(fxs); !v[ada.AccountID] || !v[bob.AccountID] {
		t.Fatalf("accepting pushed views %v, want the owner's and the newcomer's", v)
	}
	inbox := inbox(t, e, ada.AccountID)
	if len(inbox) == 0 || inbox[0].Type != model.NotifTeamMemberJoined {
		t.Fatalf("the owner's inbox %+v, want New team member joined", inbox)
	}
	// The link works once.
	_, err = e.svc.AcceptInvitation(e.ctx, bob, tok)
	refused(t, err, account.Invalid, account.Expired)

	// A member may not invite or change roles; the owner may.
	_, err = e.svc.Invite(e.ctx, bob, id, "carol@example.com", "member")
	refused(t, err, account.Forbidden, account.NoReason)
	refused(t, e.svc.ChangeRole(e.ctx, bob, id, bob.AccountID, "admin"), account.Forbidden, account.NoReason)
	refused(t, e.svc.ChangeRole(e.ctx, ada, id, eve.AccountID, "admin"), account.Invalid, account.NoReason)
	if err := e.svc.ChangeRole(e.ctx, ada, id, bob.AccountID, "admin"); err != nil {
		t.Fatal(err)
	}
	// Now an admin, Bob invites; removed, his pending invitation drops.
	if _, err := e.svc.Invite(e.ctx, bob, id, "carol@example.com", "member"); err != nil {
		t.Fatal(err)
	}
	if got := workspaces(t, e, ada.AccountID)[0].Invitations; len(got) != 1 || got[0].InvitedBy != bob.AccountID {
		t.Fatalf("pending invitations %+v", got)
	}
	if err := e.svc.RemoveMember(e.ctx, ada, id, bob.AccountID); err != nil {
		t.Fatal(err)
	}
	if got := workspaces(t, e, ada.AccountID)[0].Invitations; len(got) != 0 {
		t.Fatalf("invitations of a removed admin still pending: %+v", got)
	}
	refused(t, e.svc.RemoveMember(e.ctx, ada, id, ada.AccountID), account.Forbidden, account.NoReason)

	// The audit log has it all, newest first, for the owner only.
	page, err := e.svc.WorkspaceAudit(e.ctx, ada, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, en := range page.Entries {
		actions = append(actions, en.Action)
	}
	want := []string{model.AuditMemberRemoved, model.AuditInvitationSent, model.AuditRoleChanged, model.AuditInvitationAccepted, model.AuditInvitationSent, model.AuditWorkspaceCreated}
	if len(actions) != len(want) {
		t.Fatalf("audit actions %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("audit actions %v, want %v", actions, want)
		}
	}
	_, err = e.svc.WorkspaceAudit(e.ctx, bob, id, 0)
	refused(t, err, account.NotFound, account.NoReason)
}

func inbox(t *testing.T, e *env, accountID string) []store.Notification {
	t.Helper()
	var ns []store.Notification
	if err := e.st.View(e.ctx, func(tx store.Tx) (err error) { ns, err = tx.Notifications(accountID, 50); return }); err != nil {
		t.Fatal(err)
	}
	return ns
}

func TestDeleteAccount(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada")
	phone := e.signIn("ada@example.com", "phone")
	bob := e.signUp("bob@example.com", "Bob")
	id := join(t, e, ada, bob, "member")
	if err := e.svc.ReportResources(e.ctx, account.Resources{Email: "ada@example.com", Wallet: "12.50 USD", Agents: []store.Resource{{ID: "agent-1"}}}); err != nil {
		t.Fatal(err)
	}
	refused(t, e.svc.ReportResources(e.ctx, account.Resources{Email: "nobody@example.com"}), account.NotFound, account.NoReason)
	refused(t, e.svc.ReportResources(e.ctx, account.Resources{AccountID: ada.AccountID, Agents: []store.Resource{{ID: "bad id!"}}}), account.Invalid, account.NoReason)
	e.fx.take()

	confirm := account.DeleteAccount{Email: "ada@example.com", Password: password}
	refused(t, e.svc.DeleteAccount(e.ctx, ada, account.DeleteAccount{Email: "bob@example.com", Password: password}), account.Invalid, account.NoReason)
	refused(t, e.svc.DeleteAccount(e.ctx, ada, account.DeleteAccount{Email: "ada@example.com", Password: "not it at all 1!"}), account.Forbidden, account.BadCredentials)
	// Owning a workspace with a member blocks it, with the list.
	blocked := refused(t, e.svc.DeleteAccount(e.ctx, ada, confirm), account.Conflict, account.NoReason)
	if len(blocked.Blocking) != 1 || blocked.Blocking[0].ID != id || blocked.Blocking[0].Members != 2 {
		t.Fatalf("blocking workspaces %+v", blocked.Blocking)
	}
	if fx := e.fx.take(); len(fx) != 0 {
		t.Fatalf("refused deletions published %+v", fx)
	}
	p, err := e.svc.DeletionPreview(e.ctx, ada)
	if err != nil || p.Agents != 1 || p.WalletBalance != "12.50 USD" {
		t.Fatalf("preview %+v, %v", p, err)
	}

	if err := e.svc.TransferOwnership(e.ctx, ada, id, bob.AccountID); err != nil {
		t.Fatal(err)
	}
	e.fx.take()
	if err := e.svc.DeleteAccount(e.ctx, ada, confirm); err != nil {
		t.Fatal(err)
	}
	fxs := e.fx.take()
	if len(fxs) != 1 || len(fxs[0].Accounts) != 1 || fxs[0].Accounts[0].ID != ada.AccountID || !fxs[0].Mail || !views(fxs)[bob.AccountID] {
		t.Fatalf("deletion published %+v, want every socket of the account closed, a goodbye mail and Bob's view", fxs)
	}
	if _, err := e.svc.Authenticate(e.ctx, "anything"); err == nil {
		t.Fatal("authenticated after deletion")
	}
	err = e.st.View(e.ctx, func(tx store.Tx) error {
		if _, err := tx.Account(ada.AccountID); err != store.ErrNotFound {
			t.Errorf("the account reads %v after deletion", err)
		}
		if _, err := tx.SessionByToken(phone.TokenHash); err == nil {
			t.Error("a session of the deleted account is live")
		}
		ws, err := tx.Workspace(id)
		if err != nil || len(ws.Members) != 1 || ws.Owner() != bob.AccountID {
			t.Errorf("the workspace after deletion: %+v, %v", ws, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
