package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// team is a workspace with its owner, for workspace tests.
type team struct {
	t     *testing.T
	ts    *testServer
	id    string
	owner session
}

func newTeam(t *testing.T, ts *testServer, owner session, name string) *team {
	t.Helper()
	var ws struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", owner.Token, map[string]string{"name": name}).decode(t, &ws)
	return &team{t: t, ts: ts, id: ws.ID, owner: owner}
}

// invite sends an invitation as token and returns the link token from the
// n-th invitation mail to email.
func (tm *team) invite(token, email, role string, n int) string {
	tm.t.Helper()
	if r := call(tm.t, tm.ts, "POST", "/v1/workspaces/"+tm.id+"/invitations", token, map[string]string{"email": email, "role": role}); r.status != http.StatusAccepted {
		tm.t.Fatalf("invite %s: %d %s", email, r.status, r.body)
	}
	return tokenOfLink(tm.ts.inbox.waitForNth(tm.t, email, "invited you", n).link(tm.t))
}

func (tm *team) join(s session, linkToken string) {
	tm.t.Helper()
	if r := call(tm.t, tm.ts, "POST", "/v1/invitations/accept", s.Token, map[string]string{"token": linkToken}); r.status != http.StatusOK {
		tm.t.Fatalf("accept: %d %s", r.status, r.body)
	}
}

// pending returns the workspace's pending invitations as token sees them.
func (tm *team) pending(token string) []model.Invitation {
	tm.t.Helper()
	for _, w := range view(tm.t, tm.ts, token).Workspaces {
		if w.ID == tm.id {
			return w.Invitations
		}
	}
	tm.t.Fatalf("workspace %s not in the view", tm.id)
	return nil
}

func (tm *team) audit(token string, before uint64) (core.AuditPage, apiAnswer) {
	tm.t.Helper()
	path := "/v1/workspaces/" + tm.id + "/audit"
	if before > 0 {
		path += "?before=" + strconv.FormatUint(before, 10)
	}
	a := call(tm.t, tm.ts, "GET", path, token, nil)
	var p core.AuditPage
	if a.status == http.StatusOK {
		a.decode(tm.t, &p)
	}
	return p, a
}

// wholeAudit reads every page of the audit log.
func (tm *team) wholeAudit(token string) []model.AuditEntry {
	tm.t.Helper()
	var all []model.AuditEntry
	var before uint64
	for range 10 {
		p, _ := tm.audit(token, before)
		if len(p.Entries) > model.AuditPage {
			tm.t.Fatalf("page of %d entries", len(p.Entries))
		}
		all = append(all, p.Entries...)
		if before = p.Next; before == 0 {
			break
		}
	}
	return all
}

// SECURITY 37: owners and admins see pending invitations and withdraw
// them; a withdrawn link stops working; inviting an address again replaces
// its invitation; an invitation whose sender may no longer invite leaves
// the list.
func TestPendingInvitationsListedAndWithdrawn(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	o := apiSignUp(t, ts, "lead@example.com", pw, "Lea Lead", "d1")
	adm := apiSignUp(t, ts, "adm@example.com", pw, "Adam Admin", "d2")
	mem := apiSignUp(t, ts, "mem@example.com", pw, "Mel Member", "d3")
	guest := apiSignUp(t, ts, "guest@example.com", pw, "Gus Guest", "d4")
	tm := newTeam(t, ts, o, "Support Line")
	tm.join(adm, tm.invite(o.Token, "adm@example.com", "admin", 1))
	tm.join(mem, tm.invite(adm.Token, "mem@example.com", "member", 1))

	first := tm.invite(o.Token, "guest@example.com", "member", 1)
	tm.invite(adm.Token, "later@example.com", "admin", 1)
	got := tm.pending(o.Token)
	if len(got) != 2 || got[0].Email != "guest@example.com" || got[0].InvitedBy != "Lea Lead" || got[1].Email != "later@example.com" || got[1].Role != "admin" || got[1].InvitedBy != "Adam Admin" {
		t.Fatalf("pending invitations seen by the owner: %+v", got)
	}
	if !got[0].Expires.Equal(got[0].Sent.Add(7 * 24 * time.Hour)) {
		t.Errorf("invitation sent %v expires %v, want 7 days later", got[0].Sent, got[0].Expires)
	}
	if len(tm.pending(adm.Token)) != 2 {
		t.Error("an admin does not see the pending invitations")
	}
	if p := tm.pending(mem.Token); len(p) != 0 {
		t.Errorf("a member sees pending invitations: %+v", p)
	}

	// Inviting the same address again replaces its invitation; the old link dies.
	second := tm.invite(o.Token, "guest@example.com", "admin", 2)
	if got = tm.pending(o.Token); len(got) != 2 || got[1].Email != "guest@example.com" || got[1].Role != "admin" {
		t.Fatalf("after inviting again: %+v", got)
	}
	if r := call(t, ts, "POST", "/v1/invitations/accept", guest.Token, map[string]string{"token": first}); r.code() != wire.CodeExpired {
		t.Fatalf("the replaced link: %d %s", r.status, r.body)
	}

	// A member may not withdraw; an admin may, and the link stops working.
	withdraw := func(token, id string) apiAnswer {
		return call(t, ts, "DELETE", "/v1/workspaces/"+tm.id+"/invitations/"+id, token, nil)
	}
	if r := withdraw(mem.Token, got[1].ID); r.status != http.StatusForbidden {
		t.Fatalf("a member withdraws: %d %s", r.status, r.body)
	}
	if r := withdraw(adm.Token, got[1].ID); r.status != http.StatusNoContent {
		t.Fatalf("an admin withdraws: %d %s", r.status, r.body)
	}
	if r := withdraw(o.Token, got[1].ID); r.status != http.StatusNotFound || !contains(r.body, "already accepted, withdrawn or has expired") {
		t.Fatalf("withdrawing twice: %d %s", r.status, r.body)
	}
	if r := call(t, ts, "POST", "/v1/invitations/accept", guest.Token, map[string]string{"token": second}); r.code() != wire.CodeExpired {
		t.Fatalf("a withdrawn link: %d %s", r.status, r.body)
	}
	if v := view(t, ts, guest.Token); len(v.Workspaces) != 0 {
		t.Fatalf("joined through a withdrawn invitation: %+v", v.Workspaces)
	}

	// The admin who sent the remaining one is removed: it leaves the list.
	if got = tm.pending(o.Token); len(got) != 1 || got[0].Email != "later@example.com" {
		t.Fatalf("before removing its sender: %+v", got)
	}
	if r := call(t, ts, "DELETE", "/v1/workspaces/"+tm.id+"/members/"+adm.AccountID, o.Token, nil); r.status != http.StatusNoContent {
		t.Fatalf("remove the admin: %d %s", r.status, r.body)
	}
	if got = tm.pending(o.Token); len(got) != 0 {
		t.Fatalf("an invitation from a removed admin is still listed: %+v", got)
	}
	// Expired ones leave it too.
	tm.invite(o.Token, "slow@example.com", "member", 1)
	ts.clock.Advance(7*24*time.Hour + time.Minute)
	if got = tm.pending(o.Token); len(got) != 0 {
		t.Fatalf("an expired invitation is listed: %+v", got)
	}
}

// The audit log records every workspace action with actor, target and
// time, shows the actors' current names to owners and admins only, newest
// first and paged, and forgets nothing but what retention and account
// deletion remove.
func TestWorkspaceAuditLog(t *testing.T) {
	ts := startServer(t)
	o := apiSignUp(t, ts, "chief@example.com", pw, "Cleo Chief", "d1")
	a := apiSignUp(t, ts, "second@example.com", pw, "Sid Second", "d2")
	m := apiSignUp(t, ts, "third@example.com", pw, "Tia Third", "d3")
	tm := newTeam(t, ts, o, "Outbound")
	tm.join(a, tm.invite(o.Token, "second@example.com", "member", 1))
	ts.clock.Advance(time.Minute)
	if r := call(t, ts, "PUT", "/v1/workspaces/"+tm.id+"/members/"+a.AccountID+"/role", o.Token, map[string]string{"role": "admin"}); r.status != http.StatusNoContent {
		t.Fatalf("make an admin: %d %s", r.status, r.body)
	}
	if r := call(t, ts, "PUT", "/v1/workspaces/"+tm.id+"/members/"+a.AccountID+"/role", a.Token, map[string]string{"role": "member"}); r.status != http.StatusForbidden {
		t.Fatalf("an admin changes roles: %d %s", r.status, r.body)
	}
	tm.invite(a.Token, "nobody@example.com", "member", 1)
	inv := tm.pending(o.Token)[0]
	call(t, ts, "DELETE", "/v1/workspaces/"+tm.id+"/invitations/"+inv.ID, a.Token, nil)
	tm.join(m, tm.invite(a.Token, "third@example.com", "member", 1))
	if r := call(t, ts, "DELETE", "/v1/workspaces/"+tm.id+"/members/"+m.AccountID, a.Token, nil); r.status != http.StatusNoContent {
		t.Fatalf("remove a member: %d %s", r.status, r.body)
	}
	if r := call(t, ts, "POST", "/v1/workspaces/"+tm.id+"/transfer", o.Token, map[string]string{"accountId": a.AccountID}); r.status != http.StatusNoContent {
		t.Fatalf("transfer: %d %s", r.status, r.body)
	}
	if r := call(t, ts, "DELETE", "/v1/workspaces/"+tm.id+"/members/"+o.AccountID, o.Token, nil); r.status != http.StatusNoContent {
		t.Fatalf("leave: %d %s", r.status, r.body)
	}
	// Names are shown as they are now.
	c := newClient(t, ts)
	if err := c.SignIn(t.Context(), "chief@example.com", pw, ""); err != nil {
		t.Fatal(err)
	}
	c.run()
	if err := c.SetDisplayName("Cleo Renamed"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new name synced", func() bool {
		return view(t, ts, a.Token).Profile.AccountID != "" && nameOf(t, ts, o.Token) == "Cleo Renamed"
	})

	want := []string{
		"Cleo Renamed left the workspace.",
		"Cleo Renamed transferred ownership to Sid Second.",
		"Sid Second removed Tia Third from the workspace.",
		"Tia Third accepted an invitation from Sid Second and joined as member.",
		"Sid Second invited third@example.com as member.",
		"Sid Second withdrew the invitation of nobody@example.com.",
		"Sid Second invited nobody@example.com as member.",
		"Cleo Renamed made Sid Second an admin.",
		"Sid Second accepted an invitation from Cleo Renamed and joined as member.",
		"Cleo Renamed invited second@example.com as member.",
		"Cleo Renamed created the workspace.",
	}
	page, r := tm.audit(a.Token, 0)
	if r.status != http.StatusOK {
		t.Fatalf("audit log: %d %s", r.status, r.body)
	}
	var got []string
	for _, e := range page.Entries {
		got = append(got, e.Summary)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	last := page.Entries[len(page.Entries)-1]
	if last.Actor.AccountID != o.AccountID || last.Action != model.AuditWorkspaceCreated || last.At.IsZero() || page.Next != 0 || page.RetentionDays != 365 {
		t.Errorf("oldest entry %+v, next %d, retention %d", last, page.Next, page.RetentionDays)
	}
	if e := page.Entries[3]; e.Target.AccountID != a.AccountID || e.Actor.AccountID != m.AccountID || e.Role != "member" {
		t.Errorf("accepted entry: %+v", e)
	}
	// Members and outsiders do not see it.
	ts.clock.Advance(30 * 24 * time.Hour)
	tm.join(m, tm.invite(a.Token, "third@example.com", "member", 2))
	if _, r := tm.audit(m.Token, 0); r.status != http.StatusForbidden {
		t.Errorf("a member reads the audit log: %d", r.status)
	}
	if _, r := tm.audit(o.Token, 0); r.status != http.StatusNotFound {
		t.Errorf("a former member reads the audit log: %d", r.status)
	}

	// Paged, newest first, without gaps or repeats.
	for i := range 60 {
		role := []string{"admin", "member"}[i%2]
		if r := call(t, ts, "PUT", "/v1/workspaces/"+tm.id+"/members/"+m.AccountID+"/role", a.Token, map[string]string{"role": role}); r.status != http.StatusNoContent {
			t.Fatalf("role change %d: %d %s", i, r.status, r.body)
		}
	}
	all := tm.wholeAudit(a.Token)
	if len(all) != 60+2+len(want) {
		t.Fatalf("%d entries over all pages, want %d", len(all), 60+2+len(want))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq >= all[i-1].Seq {
			t.Fatalf("entries out of order at %d: %d after %d", i, all[i].Seq, all[i-1].Seq)
		}
	}

	// Retention: entries older than a year go (pruned at start and hourly).
	ts.clock.Advance(model.AuditRetention - 30*24*time.Hour + time.Hour)
	ts.stop()
	ts.start()
	waitFor(t, "old entries pruned", func() bool {
		return len(tm.wholeAudit(a.Token)) == 2+60 // the rejoin and the role changes are younger than a year
	})
}

// nameOf returns the display name the account's view shows.
func nameOf(t *testing.T, ts *testServer, token string) string {
	return view(t, ts, token).Profile.DisplayName
}

// PRIVACY: an address invited, which joined, changed its email and then
// deleted its account, leaves no address behind in the audit log: the
// invitation named the account from the move on, and the deletion made it
// "a deleted account".
func TestAuditLogForgetsADeletedAccountsEarlierAddress(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	o := apiSignUp(t, ts, "owen@example.com", pw, "Owen", "d1")
	u := apiSignUp(t, ts, "u62-early@example.com", pw, "Uma", "d2")
	tm := newTeam(t, ts, o, "Dialers")
	tm.join(u, tm.invite(o.Token, "u62-early@example.com", "admin", 1))
	verify := emailLink(t, ts, u.Token, "u62-later@example.com", pw)
	if r := call(t, ts, "POST", "/v1/email/verify", "", map[string]string{"token": verify}); r.status != http.StatusOK {
		t.Fatalf("verify the new email: %d %s", r.status, r.body)
	}
	summaries := func() string {
		var got []string
		for _, e := range tm.wholeAudit(o.Token) {
			got = append(got, e.Summary)
		}
		return strings.Join(got, "\n")
	}
	if got := summaries(); !strings.Contains(got, "Owen invited Uma as admin.") || strings.Contains(got, "u62") {
		t.Errorf("after the email change the invitation names the account, not its earlier address:\n%s", got)
	}
	if r := call(t, ts, "POST", "/v1/account/delete", u.Token, map[string]string{"email": "u62-later@example.com", "password": pw}); r.status != http.StatusNoContent {
		t.Fatalf("delete the account: %d %s", r.status, r.body)
	}
	got := summaries()
	if strings.Contains(got, "u62") || strings.Contains(got, "Uma") || !strings.Contains(got, "Owen invited a deleted account as admin.") {
		t.Errorf("after the deletion the audit log still names the account:\n%s", got)
	}
}
