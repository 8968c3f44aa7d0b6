//go:build !js

package core

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/dialnexa/account/core/account"
)

func newTestReplica(t *testing.T) *Replica {
	t.Helper()
	st, err := OpenStore(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	n := 0
	r, err := openReplica(st, func() string { n++; return string(rune('a' + n)) }, func() time.Time { return time.Unix(0, 0) })
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReplicaRebasesPendingOnConfirmed(t *testing.T) {
	r := newTestReplica(t)
	if _, err := r.Confirm(1, account.View{Profile: account.Profile{DisplayName: "Ada", Email: "a@x.io"}}, false); err != nil {
		t.Fatal(err)
	}
	m, err := r.Mutate(account.MutSetDisplayName, account.SetDisplayName{DisplayName: "Ada L"})
	if err != nil {
		t.Fatal(err)
	}
	// A server change to another field arrives: the pending name stays on top.
	r.Confirm(2, account.View{Profile: account.Profile{DisplayName: "Ada", Email: "new@x.io"}}, false)
	v, version, pending, _ := r.View()
	if v.Profile.DisplayName != "Ada L" || v.Profile.Email != "new@x.io" || version != 2 || pending != 1 {
		t.Fatalf("rebased view = %+v v%d pending %d; want Ada L, new@x.io, v2, 1 pending", v.Profile, version, pending)
	}
	// An older view is ignored.
	if changed, _ := r.Confirm(1, account.View{}, false); changed {
		t.Error("an older view replaced a newer one")
	}
	// The server applies it: the ack empties the queue, the view holds.
	r.Confirm(3, account.View{Profile: account.Profile{DisplayName: "Ada L", Email: "new@x.io"}}, false)
	if err := r.Ack(m.ID); err != nil {
		t.Fatal(err)
	}
	v, _, pending, _ = r.View()
	if v.Profile.DisplayName != "Ada L" || pending != 0 {
		t.Fatalf("after ack: %q pending %d, want Ada L and 0", v.Profile.DisplayName, pending)
	}
}

func TestReplicaRefusedMutationQueuesNothing(t *testing.T) {
	r := newTestReplica(t)
	r.Confirm(1, account.View{Profile: account.Profile{DisplayName: "Ada"}}, false)
	_, err := r.Mutate(account.MutSetDisplayName, account.SetDisplayName{DisplayName: "A"})
	if !errors.Is(err, account.ErrInvalid) {
		t.Fatalf("Mutate(too short) = %v, want ErrInvalid", err)
	}
	if _, _, pending, _ := r.View(); pending != 0 {
		t.Fatalf("refused change queued: %d pending", pending)
	}
	if r.Meta().LastMutationID != 0 {
		t.Errorf("refused change used a mutation id")
	}
}

func TestReplicaAckFromRestoredStoreAdvancesIDs(t *testing.T) {
	r := newTestReplica(t)
	if err := r.Ack(41); err != nil {
		t.Fatal(err)
	}
	m, err := r.Mutate(account.MutSetDisplayName, account.SetDisplayName{DisplayName: "Grace"})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != 42 {
		t.Errorf("next mutation id = %d, want 42 (after the server's 41)", m.ID)
	}
}
