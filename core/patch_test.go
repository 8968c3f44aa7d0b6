package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/viewpatch"
	"github.com/dialnexa/account/sync/wire"
)

// serverPatch is how the server makes a view patch (syncsrv).
func serverPatch(t *testing.T, from, to model.View) (json.RawMessage, string) {
	t.Helper()
	from.Normalize() // as the server builds every view
	to.Normalize()
	a, _ := json.Marshal(from)
	b, _ := json.Marshal(to)
	raw := viewpatch.Make(a, b)
	if raw == nil {
		return nil, "" // not smaller than the view: the server sends the view
	}
	return raw, wire.ViewHash(b)
}

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// randomView is a view with some of everything, drawn from r.
func randomView(r *rand.Rand) model.View {
	v := model.View{Profile: model.Profile{AccountID: "a1", Email: "ada@example.com", DisplayName: fmt.Sprint("Ada ", r.IntN(5))}}
	if r.IntN(2) == 0 {
		v.Profile.Avatar = fmt.Sprint("av", r.IntN(3))
	}
	for i := range r.IntN(5) {
		v.Sessions = append(v.Sessions, model.Session{ID: fmt.Sprint("s", i+r.IntN(3)), DeviceKind: "Browser", Device: "Chrome", Location: "Berlin", Created: t0, LastActive: t0.Add(time.Duration(r.IntN(3)) * time.Minute)})
	}
	v.TwoFactor = model.TwoFactor{Enabled: r.IntN(2) == 0, BackupCodesLeft: r.IntN(10)}
	for i := range r.IntN(8) {
		v.Activity = append(v.Activity, model.Activity{Kind: model.ActSignIn, Detail: fmt.Sprint("Chrome ", i+r.IntN(4)), At: t0.Add(time.Duration(i) * time.Hour)})
	}
	if r.IntN(2) == 0 {
		v.EmailPrefs = map[string]bool{"security": r.IntN(2) == 0, "product": false}
	}
	for i := range r.IntN(10) {
		n := uint64(20 - i - r.IntN(3))
		v.Inbox = append(v.Inbox, model.Notification{ID: n, Type: "call_outcome", Title: fmt.Sprint("Call ", n), Body: "Done.", At: t0, Read: r.IntN(3) == 0})
	}
	v.Unread = r.IntN(10)
	for i := range r.IntN(3) {
		w := model.Workspace{ID: fmt.Sprint("w", i), Name: fmt.Sprint("Team ", r.IntN(3)), Role: "owner"}
		for j := range 1 + r.IntN(3) {
			w.Members = append(w.Members, model.Member{AccountID: fmt.Sprint("m", j), DisplayName: fmt.Sprint("M ", r.IntN(3)), Email: "m@example.com", Role: "member"})
		}
		if r.IntN(2) == 0 {
			w.Invitations = []model.Invitation{{ID: "i1", Email: "new@example.com", Role: "member", InvitedBy: "Ada", Sent: t0, Expires: t0.Add(72 * time.Hour)}}
		}
		v.Workspaces = append(v.Workspaces, w)
	}
	if r.IntN(3) == 0 {
		v.Alerts = []model.Alert{{ID: 1, SessionID: "s9", Device: "Firefox", Location: "Unknown", Address: "203.0.113.x", At: t0}}
	}
	return v
}

// A patch the server makes turns the view a client holds into the
// server's view exactly, whatever changed between them.
func TestPatchViewGivesTheServersView(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	patched := 0
	defer func() {
		if patched < 800 {
			t.Errorf("only %d of 2000 changes made a patch smaller than the view", patched)
		}
	}()
	for i := range 2000 {
		from, to := randomView(r), randomView(r)
		if i%3 == 0 {
			// A small change, as most are: one more notification.
			to = from.Clone()
			to.Inbox = append([]model.Notification{{ID: 99, Type: "call_outcome", Title: "New", At: t0}}, to.Inbox...)
			to.Unread++
		}
		p, hash := serverPatch(t, from, to)
		if p == nil {
			continue
		}
		patched++
		raw, err := patchView(from, p, hash)
		if err != nil {
			t.Fatalf("case %d: %v\npatch %s", i, err, p)
		}
		var got model.View
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		to.Normalize()
		want, _ := json.Marshal(to)
		if gotJSON, _ := json.Marshal(got); string(gotJSON) != string(want) {
			t.Fatalf("case %d: patched view\n%s\nwant\n%s", i, gotJSON, want)
		}
	}
}

// A patch for another view, or one whose result is not the server's, is
// refused as errPatch (the client then asks for the whole view).
func TestPatchViewRefusesWhatDoesNotFit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	from, to := randomView(r), randomView(r)
	from.Sessions = []model.Session{{ID: "s1", Created: t0, LastActive: t0}}
	to = from.Clone()
	to.Sessions[0].LastActive = t0.Add(time.Hour)
	p, hash := serverPatch(t, from, to)
	other := from.Clone()
	other.Sessions = nil // the patch's path is not there
	if _, err := patchView(other, p, hash); !errors.Is(err, errPatch) {
		t.Errorf("patch on a view without its path: %v, want errPatch", err)
	}
	changed := from.Clone()
	changed.Profile.DisplayName = "Someone Else" // applies, but the result differs
	if _, err := patchView(changed, p, hash); !errors.Is(err, errPatch) {
		t.Errorf("patch on another view: %v, want errPatch", err)
	}
	if _, err := patchView(from, json.RawMessage(`{"op":"nonsense"}`), hash); !errors.Is(err, errPatch) {
		t.Errorf("malformed patch: %v, want errPatch", err)
	}
	if _, err := patchView(from, p, hash); err != nil {
		t.Errorf("the right base: %v", err)
	}
}
