//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

var at = time.Date(2026, 11, 28, 14, 2, 0, 0, time.UTC)

func team(conn core.ConnState) core.Snapshot {
	return core.Snapshot{Conn: conn, Email: "ada@example.com", SessionID: "s1", HasView: true, View: model.View{
		Profile: model.Profile{AccountID: "acc-ada", Email: "ada@example.com", DisplayName: "Ada Lovelace"},
		Workspaces: []model.Workspace{
			{ID: "w-acme", Name: "Acme", Role: "owner", Members: []model.Member{
				{AccountID: "acc-ada", DisplayName: "Ada Lovelace", Email: "ada@example.com", Role: "owner"},
				{AccountID: "acc-grace", DisplayName: "Grace Hopper", Email: "grace@example.com", Role: "admin"},
			}, Invitations: []model.Invitation{{ID: "i1", Email: "ken@example.com", Role: "member", InvitedBy: "Ada Lovelace", Sent: at, Expires: at.Add(time.Hour)}}},
			{ID: "w-gamma", Name: "Gamma", Role: "member", Members: []model.Member{
				{AccountID: "acc-alan", DisplayName: "Alan Turing", Email: "alan@example.com", Role: "owner"},
				{AccountID: "acc-ada", DisplayName: "Ada Lovelace", Email: "ada@example.com", Role: "member"},
			}},
		},
		Passkeys: []model.Passkey{{ID: "pk1", Name: "Work laptop", Created: at}},
	}}
}

// testPanel is a panel over a real client on an IndexedDB store of its
// own, pointed at a server that is not there (nothing here sends).
func testPanel(t *testing.T) *panel {
	t.Helper()
	st, err := core.OpenStore("panel-test-" + t.Name())
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.NewClient(core.Config{Server: "http://127.0.0.1:1", Store: st})
	if err != nil {
		t.Fatal(err)
	}
	return &panel{c: c}
}

// query returns the element matching selector under root, failing when
// there is none.
func query(t *testing.T, root js.Value, selector string) js.Value {
	t.Helper()
	e := root.Call("querySelector", selector)
	if e.IsNull() {
		t.Fatalf("nothing matches %s in %s", selector, root.Get("outerHTML").String())
	}
	return e
}

func texts(root js.Value, selector string) []string {
	var out []string
	list := root.Call("querySelectorAll", selector)
	for i := range list.Length() {
		out = append(out, strings.TrimSpace(list.Index(i).Get("textContent").String()))
	}
	return out
}

// The workspace cards are the view model laid out: the owner's role
// buttons name whom they are for, the role picker offers what an
// invitation may, and a member may leave.
func TestDOMWorkspaceCards(t *testing.T) {
	v := newWorkspacesView(testPanel(t))
	v.render(team(core.Online))
	acme := query(t, v.list, `.workspace[data-id="w-acme"]`)
	role := query(t, acme, "button.set-role")
	if role.Get("dataset").Get("role").String() != "member" || role.Call("getAttribute", "aria-label").String() != "Make member: Grace Hopper" || role.Get("textContent").String() != "Make member" {
		t.Errorf("role button %s", role.Get("outerHTML"))
	}
	if got := texts(acme, "select.invite-role option"); strings.Join(got, ",") != "Member,Admin" {
		t.Errorf("invitation roles %q", got)
	}
	if l := query(t, acme, "input.invite-email").Call("closest", "label"); l.IsNull() || !strings.HasPrefix(l.Get("textContent").String(), core.TextInviteEmail) {
		t.Error("the invitation's email field has no visible label")
	}
	if l := query(t, acme, "select.invite-role").Call("closest", "label"); l.IsNull() || !strings.HasPrefix(l.Get("textContent").String(), core.TextInviteRole) {
		t.Error("the role picker has no visible label")
	}
	if got := query(t, acme, "select.invite-role").Get("value").String(); got != "member" {
		t.Errorf("invitation role %q by default", got)
	}
	if got := texts(acme, "li.invitation"); len(got) != 1 || !strings.HasPrefix(got[0], "ken@example.com · member · invited by Ada Lovelace") {
		t.Errorf("pending invitations %q", got)
	}
	if got := query(t, acme, "button.delete-workspace").Get("textContent").String(); got != "Delete workspace Acme" {
		t.Errorf("delete button %q", got)
	}
	gamma := query(t, v.list, `.workspace[data-id="w-gamma"]`)
	query(t, gamma, "button.leave")
	if !gamma.Call("querySelector", "button.set-role, form, button.show-audit").IsNull() {
		t.Errorf("a member's card offers managing: %s", gamma.Get("outerHTML"))
	}
}

// Offline, what needs the server is off and says why (its title).
func TestDOMControlsSayWhy(t *testing.T) {
	v := newWorkspacesView(testPanel(t))
	v.render(team(core.Offline))
	for _, sel := range []string{"button.set-role", "button.invite", "button.withdraw", "button.delete-workspace", "button.leave"} {
		b := query(t, v.list, sel)
		if !b.Get("disabled").Bool() || !strings.Contains(b.Call("getAttribute", "title").String(), "offline") {
			t.Errorf("%s offline: %s", sel, b.Get("outerHTML"))
		}
	}
	if !v.createBtn.Get("disabled").Bool() {
		t.Error("Create workspace is on offline")
	}
	v.render(team(core.Online))
	if b := query(t, v.list, "button.leave"); b.Get("disabled").Bool() || !b.Call("getAttribute", "title").IsNull() {
		t.Errorf("back online: %s", b.Get("outerHTML"))
	}
}

// Rebuilding the cards releases the listeners of the elements they
// replace: a tab left open holds the listeners of what it shows.
func TestDOMListenersAreReleased(t *testing.T) {
	v := newWorkspacesView(testPanel(t))
	v.render(team(core.Online))
	held := live
	for i := range 50 { // each one changes the cards: rebuilt
		v.render(team([]core.ConnState{core.Offline, core.Online}[i%2]))
	}
	if live != held {
		t.Errorf("listeners held: %d after one render, %d after 50 more that rebuilt the cards", held, live)
	}
	// A render that changes nothing of the cards keeps their elements.
	first := query(t, v.list, ".workspace")
	v.render(team(core.Online))
	if !query(t, v.list, ".workspace").Equal(first) {
		t.Error("a render that changed nothing rebuilt the cards")
	}
}

// The sign-in screen shows the fields of its form and nothing else.
func TestDOMSignInForms(t *testing.T) {
	a := newAuthView(testPanel(t))
	a.render(core.Snapshot{Notice: "You signed out on another device."})
	shown := func(e js.Value) bool { return !e.Get("hidden").Bool() }
	if !shown(a.pwRow) || shown(a.nameRow) || shown(a.confirmRow) || shown(a.codeRow) || !shown(a.forgot) || !shown(a.notice) {
		t.Errorf("sign-in form: %s", a.root.Get("outerHTML"))
	}
	if a.submit.Get("textContent").String() != "Sign in" || a.password.Get("autocomplete").String() != "current-password" {
		t.Errorf("sign-in: submit %q, autocomplete %q", a.submit.Get("textContent"), a.password.Get("autocomplete"))
	}
	a.setMode(core.AuthSignUp)
	if !shown(a.nameRow) || !shown(a.confirmRow) || shown(a.forgot) || a.password.Get("autocomplete").String() != "new-password" || a.submit.Get("textContent").String() != "Create account" {
		t.Errorf("sign-up form: %s", a.root.Get("outerHTML"))
	}
	a.setMode(core.AuthSignIn)
	a.st.NeedCode = true
	a.layout()
	if !shown(a.codeRow) || shown(a.passkey) {
		t.Errorf("second factor: %s", a.root.Get("outerHTML"))
	}
	a.st.Busy = true
	a.layout()
	if !a.submit.Get("disabled").Bool() {
		t.Error("the form can be sent twice")
	}
}

// A name being typed into a passkey's box survives a render that changes
// nothing of the list.
func TestDOMPasskeysKeepTyping(t *testing.T) {
	v := newPasskeysView(testPanel(t))
	v.render(team(core.Online))
	if !v.list.Call("querySelector", "#pk-rename-0").IsNull() {
		t.Fatal("a rename field is open before Rename")
	}
	query(t, v.list, "#pk-rename-open-0")
	v.renaming = "pk1" // what Rename does, without the panel around it
	v.render(team(core.Online))
	input := query(t, v.list, "#pk-rename-0")
	input.Set("value", "Work laptop (old)")
	v.render(team(core.Online))
	if got := query(t, v.list, "#pk-rename-0").Get("value").String(); got != "Work laptop (old)" {
		t.Errorf("typed name lost: %q", got)
	}
}
