package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

// offlineClient is a real client whose store holds a signed-in account
// synced earlier, pointed at a server that is not there: the app opened
// offline.
func offlineClient(t *testing.T) (*core.Client, *core.BoltStore) {
	t.Helper()
	st, err := core.OpenStore(filepath.Join(t.TempDir(), "account.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	meta := core.Meta{Schema: core.SchemaVersion, ClientID: "client-1", DeviceID: "device-1", AccountID: "acc-1", SessionID: "sess-1", Email: "ada@example.com", Token: "token"}
	view := core.Confirmed{Version: 3, View: model.View{
		Profile:  model.Profile{AccountID: "acc-1", Email: "ada@example.com", DisplayName: "Ada"},
		Sessions: []model.Session{{ID: "sess-1", DeviceKind: "Desktop app", Device: "DialNexa desktop on Linux", Location: "Unknown", Created: time.Unix(1700000000, 0), LastActive: time.Unix(1700000100, 0)}, {ID: "sess-2", DeviceKind: "Desktop", Device: "Chrome on Windows", Location: "Unknown", Created: time.Unix(1700000200, 0)}},
	}}
	if err := st.Commit(core.Change{Meta: &meta, Confirmed: &view}); err != nil {
		t.Fatal(err)
	}
	c, err := core.NewClient(core.Config{Server: "http://127.0.0.1:1", Store: st, Desktop: true})
	if err != nil {
		t.Fatal(err)
	}
	return c, st
}

func newTestUI(t *testing.T, c Controller) *UI {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	u := New(w, c)
	u.RunActionsInline()
	w.Resize(WindowSize)
	return u
}

func TestTooShortNameShowsErrorAndQueuesNothing(t *testing.T) {
	c, st := offlineClient(t)
	u := newTestUI(t, c)
	p := u.profile
	if got := p.current.Text; got != "Ada" {
		t.Fatalf("profile shows %q, want Ada from the local store", got)
	}
	p.name.SetText("")
	test.Type(p.name, " A ")
	test.Tap(p.save)
	if !strings.Contains(p.errLabel.Text, "at least 2") {
		t.Errorf("error label = %q, want the 2-character rule", p.errLabel.Text)
	}
	state, _ := st.Load()
	if len(state.Pending) != 0 {
		t.Errorf("a refused name was queued: %d pending", len(state.Pending))
	}
	if p.pending.Visible() {
		t.Error("pending badge shown for a refused change")
	}
}

func TestPendingChangeShowsAsPending(t *testing.T) {
	c, st := offlineClient(t)
	u := newTestUI(t, c)
	p := u.profile
	if !strings.HasPrefix(u.status.Text, "Offline") {
		t.Errorf("status = %q, want Offline", u.status.Text)
	}
	p.name.SetText("")
	test.Type(p.name, "Ada Lovelace")
	test.Tap(p.save)
	if p.errLabel.Text != "" {
		t.Fatalf("error = %q, want none", p.errLabel.Text)
	}
	if p.current.Text != "Ada Lovelace" {
		t.Errorf("profile shows %q, want the new name at once", p.current.Text)
	}
	if !p.pending.Visible() {
		t.Error("pending badge hidden, want 'Waiting to sync'")
	}
	if want := "Offline — 1 change waiting"; u.status.Text != want {
		t.Errorf("status = %q, want %q", u.status.Text, want)
	}
	state, _ := st.Load()
	if len(state.Pending) != 1 {
		t.Errorf("%d pending in the store, want 1", len(state.Pending))
	}
}

func TestSessionsListMarksThisDeviceAndNeedsConnectionToRevoke(t *testing.T) {
	c, _ := offlineClient(t)
	u := newTestUI(t, c)
	rows := u.sessions.list.Objects
	if len(rows) != 2 {
		t.Fatalf("%d session rows, want 2", len(rows))
	}
	if !u.sessions.offline.Visible() {
		t.Error("offline notice hidden while offline")
	}
	for id, b := range u.sessions.revoke {
		if !b.Disabled() {
			t.Errorf("revoke %s enabled offline", id)
		}
	}
	md := markup(t, u)
	if !strings.Contains(md, "DialNexa desktop on Linux (this device)") || strings.Contains(md, "Chrome on Windows (this device)") {
		t.Errorf("this device not marked on exactly its own session:\n%s", md)
	}
}

func TestMarkupIsShownAsText(t *testing.T) {
	c, _ := offlineClient(t)
	u := newTestUI(t, c)
	if err := c.SetDisplayName("<b>Ada</b>"); err != nil {
		t.Fatal(err)
	}
	u.Refresh()
	if u.profile.current.Text != "<b>Ada</b>" {
		t.Errorf("display name shown as %q, want the literal text", u.profile.current.Text)
	}
}

func markup(t *testing.T, u *UI) string {
	t.Helper()
	u.tabs.SelectIndex(1)
	var b strings.Builder
	for _, o := range test.LaidOutObjects(u.win.Content()) {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}
