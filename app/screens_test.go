package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

// fakeController serves a fixed snapshot and records the workspace
// actions the screens take; any other action is a test failure (the
// embedded nil Controller panics).
type fakeController struct {
	Controller
	snap  core.Snapshot
	calls []string
}

func (f *fakeController) Snapshot() core.Snapshot { return f.snap }
func (f *fakeController) StepUpOpen() bool        { return false }

func (f *fakeController) SetRole(_ context.Context, ws, who, role string) error {
	f.calls = append(f.calls, fmt.Sprintf("SetRole %s %s %s", ws, who, role))
	return nil
}

func (f *fakeController) Invite(_ context.Context, ws, email, role string) (string, error) {
	f.calls = append(f.calls, fmt.Sprintf("Invite %s %s %s", ws, email, role))
	return "Invitation sent to " + email + ".", nil
}

func (f *fakeController) RemoveMember(_ context.Context, ws, who string) error {
	f.calls = append(f.calls, fmt.Sprintf("RemoveMember %s %s", ws, who))
	return nil
}

func teamSnapshot(conn core.ConnState) core.Snapshot {
	at := time.Date(2026, 11, 28, 14, 2, 0, 0, time.UTC)
	return core.Snapshot{Conn: conn, Email: "ada@example.com", SessionID: "s1", HasView: true, View: model.View{
		Profile:  model.Profile{AccountID: "acc-ada", Email: "ada@example.com", DisplayName: "Ada Lovelace"},
		Sessions: []model.Session{{ID: "s1", DeviceKind: "Desktop app", Device: "ada-laptop", Location: "Berlin", Created: at, LastActive: at}},
		Workspaces: []model.Workspace{
			{ID: "w-acme", Name: "Acme", Role: "owner", Members: []model.Member{
				{AccountID: "acc-ada", DisplayName: "Ada Lovelace", Email: "ada@example.com", Role: "owner"},
				{AccountID: "acc-grace", DisplayName: "Grace Hopper", Email: "grace@example.com", Role: "admin"},
			}},
			{ID: "w-gamma", Name: "Gamma", Role: "member", Members: []model.Member{
				{AccountID: "acc-alan", DisplayName: "Alan Turing", Email: "alan@example.com", Role: "owner"},
				{AccountID: "acc-ada", DisplayName: "Ada Lovelace", Email: "ada@example.com", Role: "member"},
			}},
		},
	}}
}

// buttonIn finds the button with text in the workspaces screen.
func buttonIn(t *testing.T, w *workspacesScreen, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(w.content, func(b *widget.Button) {
		if b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q on the workspaces screen", text)
	}
	return found
}

// The workspaces screen lays out core's workspace cards and calls the
// actions of the card it is on, run here against a fake.
func TestWorkspacesScreenAgainstAFake(t *testing.T) {
	f := &fakeController{snap: teamSnapshot(core.Online)}
	u := newTestUI(t, f)
	w := u.workspaces

	test.Tap(buttonIn(t, w, "Make member"))
	var email *widget.Entry
	var role *widget.Select
	walk(w.content, func(e *widget.Entry) {
		if e.PlaceHolder == core.TextInviteEmail {
			email = e
		}
	})
	walk(w.content, func(s *widget.Select) {
		if s.Selected == "Member" {
			role = s
		}
	})
	if email == nil || role == nil {
		t.Fatal("the owner's card has no invitation form")
	}
	test.Type(email, "ken@example.com")
	role.SetSelected("Admin")
	test.Tap(buttonIn(t, w, "Invite"))
	if w.info.Text != "Invitation sent to ken@example.com." {
		t.Errorf("info %q after inviting", w.info.Text)
	}
	test.Tap(buttonIn(t, w, core.TextLeaveWorkspace))

	want := []string{"SetRole w-acme acc-grace member", "Invite w-acme ken@example.com admin", "RemoveMember w-gamma acc-ada"}
	if fmt.Sprint(f.calls) != fmt.Sprint(want) {
		t.Errorf("actions taken %q, want %q", f.calls, want)
	}

	f.snap = teamSnapshot(core.Offline)
	u.render()
	for _, text := range []string{"Make member", "Invite", core.TextLeaveWorkspace, "Delete workspace Acme", core.TextCreateWorkspace} {
		if !buttonIn(t, w, text).Disabled() {
			t.Errorf("%q is on while offline", text)
		}
	}
}

// walk calls fn for every visible object of type T laid out under root.
func walk[T fyne.CanvasObject](root fyne.CanvasObject, fn func(T)) {
	for _, o := range test.LaidOutObjects(root) {
		if v, ok := o.(T); ok && o.Visible() {
			fn(v)
		}
	}
}

// The Security screen's index scrolls to each part.
func TestSecurityIndexScrollsToItsParts(t *testing.T) {
	f := &fakeController{snap: teamSnapshot(core.Online)}
	u := newTestUI(t, f)
	u.showTab("security")
	s := u.security
	if n := len(s.index.Objects); n != len(core.SecurityParts) {
		t.Fatalf("%d index entries, want %d", n, len(core.SecurityParts))
	}
	for i, part := range core.SecurityParts {
		b := s.index.Objects[i].(*widget.Button)
		if b.Text != part.Name {
			t.Errorf("index entry %d: %q, want %q", i, b.Text, part.Name)
		}
	}
	test.Tap(s.index.Objects[3].(*widget.Button)) // Active sessions
	if got, want := s.scroll.Offset.Y, u.sessions.content.Position().Y; got <= 0 || got > want {
		t.Errorf("scrolled to %v, the sessions card is at %v", got, want)
	}
}

// Every control of every screen is reached with Tab, in the order the
// screen lays them out (top to bottom, left to right within a row), and
// every field says what it is for.
func TestEveryControlIsReachedByTabInOrder(t *testing.T) {
	out := &fakeController{snap: core.Snapshot{Conn: core.SignedOut}}
	u := newTestUI(t, out)
	tabOrder(t, "Sign in", u.win.Canvas(), u.root)
	f := &fakeController{snap: teamSnapshot(core.Online)}
	u = newTestUI(t, f)
	for _, sc := range core.Screens {
		u.showTab(sc.Route)
		tabOrder(t, sc.Name, u.win.Canvas(), u.tabs.Selected().Content)
	}
}

// tabOrder checks the controls of content on canvas c: each reached by
// Tab, in layout order, each field saying what it is for.
func tabOrder(t *testing.T, name string, c fyne.Canvas, content fyne.CanvasObject) {
	t.Helper()
	test.LaidOutObjects(content) // laid out, as on screen
	var want []fyne.Focusable
	visibleTree(content, func(o fyne.CanvasObject) {
		if fo, ok := o.(fyne.Focusable); ok && !isDisabled(o) {
			want = append(want, fo)
		}
		if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == "" && !e.Disabled() {
			t.Errorf("%s: a field with nothing saying what it is for (text %q)", name, e.Text)
		}
	})
	if len(want) == 0 {
		t.Fatalf("%s: no controls", name)
	}
	t.Logf("%s: %d controls", name, len(want))
	c.Unfocus()
	reached := map[fyne.Focusable]bool{}
	var order []fyne.Focusable
	for range 4 * len(want) {
		c.FocusNext()
		fo := c.Focused()
		if fo == nil || reached[fo] {
			continue
		}
		reached[fo] = true
		order = append(order, fo)
	}
	for _, w := range want {
		if !reached[w] {
			t.Errorf("%s: Tab never reaches %T %s", name, w, describe(w))
		}
	}
	d := fyne.CurrentApp().Driver()
	var last fyne.Position
	for i, fo := range order {
		o, ok := fo.(fyne.CanvasObject)
		if !ok || !inside(content, o) {
			continue
		}
		p := d.AbsolutePositionForObject(o)
		if i > 0 && (p.Y+1 < last.Y || p.Y < last.Y+1 && p.X+1 < last.X && p.Y+1 > last.Y) {
			t.Errorf("%s: Tab goes back up to %T %s", name, fo, describe(fo))
		}
		last = p
	}
}

// visibleTree calls fn for o and what it shows, skipping what is hidden
// (with all it holds).
func visibleTree(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			visibleTree(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			visibleTree(c, fn)
		}
	}
}

func isDisabled(o fyne.CanvasObject) bool {
	d, ok := o.(fyne.Disableable)
	return ok && d.Disabled()
}

func inside(root, o fyne.CanvasObject) bool {
	for _, x := range test.LaidOutObjects(root) {
		if x == o {
			return true
		}
	}
	return false
}

func describe(f fyne.Focusable) string {
	switch w := f.(type) {
	case *widget.Button:
		return "button " + w.Text
	case *widget.Entry:
		return "field " + w.PlaceHolder
	case *widget.Check:
		return "box " + w.Text
	case *widget.Select:
		return "picker " + w.PlaceHolder
	}
	return ""
}

// A newer desktop release the server announced is said in the header,
// with its link, also when this app is too old to sync.
func TestUpdateIsAnnounced(t *testing.T) {
	snap := teamSnapshot(core.Outdated)
	snap.Update = &core.Release{Version: "1.4.2", URL: "https://dialnexa.com/download"}
	f := &fakeController{snap: snap}
	u := newTestUI(t, f)
	if !u.updateRow.Visible() || u.update.Text != "DialNexa Account 1.4.2 is available" || u.updateLink.URL.String() != "https://dialnexa.com/download" {
		t.Fatalf("update row: visible %v, %q, %v", u.updateRow.Visible(), u.update.Text, u.updateLink.URL)
	}
	if u.status.Text != core.OutdatedText {
		t.Errorf("status %q beside the update", u.status.Text)
	}
	f.snap.Update = nil
	u.render()
	if u.updateRow.Visible() {
		t.Error("the update row stays without a newer release")
	}
}

func (f *fakeController) AcceptReceived(_ context.Context, ws, id string) (string, error) {
	f.calls = append(f.calls, fmt.Sprintf("AcceptReceived %s %s", ws, id))
	return "You joined Delta.", nil
}

func (f *fakeController) DeclineReceived(_ context.Context, ws, id string) (string, error) {
	f.calls = append(f.calls, fmt.Sprintf("DeclineReceived %s %s", ws, id))
	return "You declined the invitation.", nil
}

// An invitation the account received is answered on the Workspaces
// screen and in the bell.
func TestReceivedInvitationsAreAnswered(t *testing.T) {
	snap := teamSnapshot(core.Online)
	snap.View.Invited = []model.Invited{{ID: "inv9", WorkspaceID: "w-delta", Workspace: "Delta", InvitedBy: "Ken Thompson", Role: "admin", Expires: time.Date(2026, 12, 5, 14, 2, 0, 0, time.UTC)}}
	f := &fakeController{snap: snap}
	u := newTestUI(t, f)
	test.Tap(buttonIn(t, u.workspaces, core.TextAccept))
	if w := u.workspaces.info.Text; w != "You joined Delta." {
		t.Errorf("info %q", w)
	}
	var decline *widget.Button
	for _, o := range test.LaidOutObjects(u.bell.list) {
		if b, ok := o.(*widget.Button); ok && b.Text == core.TextDecline {
			decline = b
		}
	}
	if decline == nil {
		t.Fatal("the bell does not offer the invitation")
	}
	test.Tap(decline)
	want := []string{"AcceptReceived w-delta inv9", "DeclineReceived w-delta inv9"}
	if fmt.Sprint(f.calls) != fmt.Sprint(want) {
		t.Errorf("calls %q, want %q", f.calls, want)
	}
}
