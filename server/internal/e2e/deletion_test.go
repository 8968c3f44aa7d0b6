package e2e

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

func TestWorkspacesInvitationsAndTransfer(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	o := apiSignUp(t, ts, "owner@example.com", pw, "Olive Owner", "d1")
	m := apiSignUp(t, ts, "member@example.com", pw, "Max Member", "d2")
	x := apiSignUp(t, ts, "stranger@example.com", pw, "Xena Stranger", "d3")

	for _, bad := range []string{"", "A", strings.Repeat("w", 61)} {
		if a := call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": bad}); a.status != 400 {
			t.Errorf("workspace name %q: %d", bad, a.status)
		}
	}
	var created struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": "Acme Calls"}).decode(t, &created)
	if a := call(t, ts, "POST", "/v1/workspaces/"+created.ID+"/invitations", x.Token, map[string]string{"email": "x@example.com"}); a.status != 404 {
		t.Errorf("a stranger invites: %d, want 404", a.status)
	}
	if a := call(t, ts, "POST", "/v1/workspaces/"+created.ID+"/invitations", o.Token, map[string]string{"email": "member@example.com", "role": "owner"}); a.status != 400 {
		t.Errorf("invite as owner: %d, want 400", a.status)
	}
	if a := call(t, ts, "POST", "/v1/workspaces/"+created.ID+"/invitations", o.Token, map[string]string{"email": "Member@Example.com"}); a.status != http.StatusAccepted {
		t.Fatalf("invite: %d %s", a.status, a.body)
	}
	link := ts.inbox.waitFor(t, "member@example.com", "invited you to Acme Calls").link(t)
	tok := tokenOfLink(link)
	if a := call(t, ts, "POST", "/v1/invitations/accept", x.Token, map[string]string{"token": tok}); a.status != http.StatusForbidden {
		t.Fatalf("accept with another address: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/invitations/accept", m.Token, map[string]string{"token": tok}); a.status != http.StatusOK {
		t.Fatalf("accept: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/invitations/accept", m.Token, map[string]string{"token": tok}); a.code() != wire.CodeExpired {
		t.Errorf("second accept: %d %s", a.status, a.body)
	}
	// The owner hears of it in-app (email off by default for this type).
	ov := view(t, ts, o.Token)
	if ov.Unread != 1 || ov.Inbox[0].Type != model.NotifTeamMemberJoined || !strings.Contains(ov.Inbox[0].Body, "Max Member") {
		t.Fatalf("owner's bell after the join: %+v", ov.Inbox)
	}
	// Mail goes out in the order it was caused: once a mail caused after
	// the join has arrived, a team-member mail would have come first.
	call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "owner@example.com"})
	ts.inbox.waitFor(t, "owner@example.com", "Reset your DialNexa password")
	if n := ts.inbox.count("owner@example.com", "New team member"); n != 0 {
		t.Errorf("team-member mail sent with its email off by default")
	}
	mv := view(t, ts, m.Token)
	if len(mv.Workspaces) != 1 || mv.Workspaces[0].Role != "member" || len(mv.Workspaces[0].Members) != 2 {
		t.Fatalf("member's workspaces: %+v", mv.Workspaces)
	}
	names := mv.Workspaces[0].Members[0].DisplayName + "," + mv.Workspaces[0].Members[1].DisplayName
	if !strings.Contains(names, "Olive Owner") || !strings.Contains(names, "Max Member") {
		t.Errorf("member list shows %q, want display names", names)
	}
	// A display-name change shows in the teammates' member lists.
	ws := dialRaw(t, ts, o.Token, "rename")
	pushMutation(t, ws, 1, model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Olive O."})
	waitFor(t, "teammate sees the new name", func() bool {
		for _, mem := range view(t, ts, m.Token).Workspaces[0].Members {
			if mem.DisplayName == "Olive O." {
				return true
			}
		}
		return false
	})

	// Only the owner transfers, only to a member.
	if a := call(t, ts, "POST", "/v1/workspaces/"+created.ID+"/transfer", m.Token, map[string]string{"accountId": m.AccountID}); a.status != http.StatusForbidden {
		t.Errorf("member transfers: %d", a.status)
	}
	if a := call(t, ts, "POST", "/v1/workspaces/"+created.ID+"/transfer", o.Token, map[string]string{"accountId": x.AccountID}); a.status != 400 {
		t.Errorf("transfer to a non-member: %d", a.status)
	}
	if a := call(t, ts, "POST", "/v1/workspaces/"+created.ID+"/transfer", o.Token, map[string]string{"accountId": m.AccountID}); a.status != http.StatusNoContent {
		t.Fatalf("transfer: %d %s", a.status, a.body)
	}
	if r := view(t, ts, o.Token).Workspaces[0].Role; r != "admin" {
		t.Errorf("old owner's role %q, want admin", r)
	}
	if a := call(t, ts, "DELETE", "/v1/workspaces/"+created.ID, o.Token, nil); a.status != http.StatusForbidden {
		t.Errorf("admin deletes the workspace: %d", a.status)
	}
	if a := call(t, ts, "DELETE", "/v1/workspaces/"+created.ID, m.Token, nil); a.status != http.StatusNoContent {
		t.Errorf("new owner deletes the workspace: %d %s", a.status, a.body)
	}
	if len(view(t, ts, o.Token).Workspaces) != 0 {
		t.Error("deleted workspace still listed")
	}
}

// SECURITY 20 and the Danger Zone: the confirmation shows what goes; a
// mistyped email or wrong password changes nothing; an owner of a
// workspace with members is refused with the list; after a transfer it
// works, every session and socket ends, and nothing of the account is left
// in the store.
func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	o := apiSignUp(t, ts, "leaver@example.com", pw, "Lee Leaver", "d1")
	m := apiSignUp(t, ts, "stayer@example.com", pw, "Sam Stayer", "d2")
	var ws struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": "Shared Team"}).decode(t, &ws)
	var solo struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": "Just Me"}).decode(t, &solo)
	call(t, ts, "POST", "/v1/workspaces/"+ws.ID+"/invitations", o.Token, map[string]string{"email": "stayer@example.com"})
	call(t, ts, "POST", "/v1/invitations/accept", m.Token, map[string]string{"token": tokenOfLink(ts.inbox.waitFor(t, "stayer@example.com", "invited you").link(t))})

	res := map[string]any{
		"email": "leaver@example.com", "wallet": "12.50 USD",
		"agents":       []map[string]string{{"id": "ag-1", "label": "Renewals"}, {"id": "ag-2"}},
		"phoneNumbers": []map[string]string{{"id": "pn-1", "label": "+49 30 1234567"}},
		"recordings":   []map[string]string{{"id": "rec-1"}, {"id": "rec-2"}, {"id": "rec-3"}},
		"transcripts":  []map[string]string{{"id": "tr-1"}, {"id": "tr-2"}, {"id": "tr-3"}},
	}
	if a := call(t, ts, "POST", "/internal/v1/resources", ts.token, res); a.status != http.StatusNoContent {
		t.Fatalf("resources: %d %s", a.status, a.body)
	}
	event(t, ts, map[string]any{"type": "call_outcome", "email": "leaver@example.com", "agentId": "ag-1"})
	upload(t, ts, o.Token, pngBytes(testImage(64, 64)))

	var p struct {
		Agents, PhoneNumbers, Recordings, Transcripts int
		WalletBalance                                 string
		BlockingWorkspaces                            []struct{ ID, Name string }
	}
	call(t, ts, "GET", "/v1/account/deletion", o.Token, nil).decode(t, &p)
	if p.Agents != 2 || p.PhoneNumbers != 1 || p.Recordings != 3 || p.Transcripts != 3 || p.WalletBalance != "12.50 USD" || len(p.BlockingWorkspaces) != 1 || p.BlockingWorkspaces[0].Name != "Shared Team" {
		t.Fatalf("preview %+v", p)
	}

	if a := call(t, ts, "POST", "/v1/account/delete", o.Token, map[string]string{"email": "leaver@exampel.com", "password": pw}); a.status != 400 {
		t.Errorf("mistyped email: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/account/delete", o.Token, map[string]string{"email": "leaver@example.com", "password": "wrong pass 9?"}); a.status != 403 {
		t.Errorf("wrong password: %d %s", a.status, a.body)
	}
	a := call(t, ts, "POST", "/v1/account/delete", o.Token, map[string]string{"email": "LEAVER@example.com", "password": pw})
	if a.status != http.StatusConflict || !strings.Contains(a.body, "Shared Team") || strings.Contains(a.body, "Just Me") {
		t.Fatalf("owner of a shared workspace: %d %s, want 409 listing it", a.status, a.body)
	}
	if _, err := ts.account("leaver@example.com"); err != nil {
		t.Fatal("a refused deletion deleted something")
	}

	call(t, ts, "POST", "/v1/workspaces/"+ws.ID+"/transfer", o.Token, map[string]string{"accountId": m.AccountID})
	_, o2 := apiSignIn(t, ts, "leaver@example.com", pw, "", "d1")
	sock := dialRaw(t, ts, o2.Token, "doomed")
	if a := call(t, ts, "POST", "/v1/account/delete", o.Token, map[string]string{"email": "leaver@example.com", "password": pw}); a.status != http.StatusNoContent {
		t.Fatalf("delete after transfer: %d %s", a.status, a.body)
	}
	if r, ok := recvType[*wire.Revoked](t, sock); !ok || !strings.Contains(r.Reason, "deleted") {
		t.Errorf("socket got %+v, want revoked with the reason", r)
	}
	_, _, err := sock.Read(context.Background())
	if websocket.CloseStatus(err) != wire.CloseRevoked {
		t.Errorf("socket closed with %v, want 4001", err)
	}
	for _, tok := range []string{o.Token, o2.Token} {
		if a := call(t, ts, "GET", "/v1/me", tok, nil); a.status != http.StatusUnauthorized {
			t.Errorf("session after deletion: %d", a.status)
		}
	}
	if a, _ := apiSignIn(t, ts, "leaver@example.com", pw, "", "d1"); a.status != http.StatusUnauthorized {
		t.Errorf("sign-in after deletion: %d", a.status)
	}
	bye := ts.inbox.waitFor(t, "leaver@example.com", "account was deleted")
	if !strings.Contains(bye.Body, "12.50 USD") {
		t.Errorf("goodbye mail lacks the forfeited balance:\n%s", bye.Body)
	}
	waitFor(t, "outbox delivered", func() bool { return len(outbox(t, ts)) == 0 })

	// Nothing of the account is left: no key or value mentions its id,
	// email, resources or name.
	for _, needle := range []string{o.AccountID, "leaver@example.com", "ag-1", "pn-1", "rec-1", "tr-1", "12.50 USD", "Lee Leaver", "Just Me"} {
		ts.st.Dump(func(bucket, k, v []byte) {
			if bytes.Contains(k, []byte(needle)) || bytes.Contains(v, []byte(needle)) {
				t.Errorf("after deletion, bucket %s still holds %q (key %q)", bucket, needle, k)
			}
		})
	}
	// The teammate's workspace lives on without the deleted account; its
	// audit log keeps what happened, naming nobody.
	mv := view(t, ts, m.Token)
	if len(mv.Workspaces) != 1 || len(mv.Workspaces[0].Members) != 1 || mv.Workspaces[0].Role != "owner" {
		t.Errorf("teammate's workspace after the deletion: %+v", mv.Workspaces)
	}
	tm := &team{t: t, ts: ts, id: ws.ID, owner: m}
	entries := tm.wholeAudit(m.Token)
	if len(entries) == 0 || entries[0].Summary != "A deleted account left the workspace." || entries[0].Actor.AccountID != "" {
		t.Errorf("audit log after the deletion: %+v", entries)
	}
	for _, e := range entries {
		if strings.Contains(e.Summary, "Lee Leaver") || strings.Contains(e.Summary, "leaver@") {
			t.Errorf("the audit log still names the deleted account: %q", e.Summary)
		}
	}
	if b, ok := ts.st.(*store.Bolt); ok { // the file's own consistency check
		if err := b.Check(); err != nil {
			t.Errorf("store check: %v", err)
		}
	}
}
