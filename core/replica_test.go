//go:build !js

package core

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
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
	if err := r.UpdateMeta(func(m *Meta) error { m.SessionID = testSession; return nil }); err != nil {
		t.Fatal(err)
	}
	return r
}

// testSession is the session the test replicas are signed in with.
const testSession = "s1"

func TestReplicaRebasesPendingOnConfirmed(t *testing.T) {
	r := newTestReplica(t)
	if _, err := r.Confirm(testSession, 1, model.View{Profile: model.Profile{DisplayName: "Ada", Email: "a@x.io"}}, false); err != nil {
		t.Fatal(err)
	}
	m, err := r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Ada L"})
	if err != nil {
		t.Fatal(err)
	}
	// A server change to another field arrives: the pending name stays on top.
	r.Confirm(testSession, 2, model.View{Profile: model.Profile{DisplayName: "Ada", Email: "new@x.io"}}, false)
	v, version, pending, _ := r.View()
	if v.Profile.DisplayName != "Ada L" || v.Profile.Email != "new@x.io" || version != 2 || pending != 1 {
		t.Fatalf("rebased view = %+v v%d pending %d; want Ada L, new@x.io, v2, 1 pending", v.Profile, version, pending)
	}
	// An older view is ignored.
	if changed, _ := r.Confirm(testSession, 1, model.View{}, false); changed {
		t.Error("an older view replaced a newer one")
	}
	// The server applies it: the ack empties the queue, the view holds.
	r.Confirm(testSession, 3, model.View{Profile: model.Profile{DisplayName: "Ada L", Email: "new@x.io"}}, false)
	if err := r.Ack(testSession, m.ID); err != nil {
		t.Fatal(err)
	}
	v, _, pending, _ = r.View()
	if v.Profile.DisplayName != "Ada L" || pending != 0 {
		t.Fatalf("after ack: %q pending %d, want Ada L and 0", v.Profile.DisplayName, pending)
	}
}

func TestReplicaRefusedMutationQueuesNothing(t *testing.T) {
	r := newTestReplica(t)
	r.Confirm(testSession, 1, model.View{Profile: model.Profile{DisplayName: "Ada"}}, false)
	_, err := r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "A"})
	if !errors.Is(err, model.ErrInvalid) {
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
	if err := r.Ack(testSession, 41); err != nil {
		t.Fatal(err)
	}
	m, err := r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Grace"})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != 42 {
		t.Errorf("next mutation id = %d, want 42 (after the server's 41)", m.ID)
	}
}

func TestReplicaWritesForAnEndedSessionAreRefused(t *testing.T) {
	r := newTestReplica(t)
	if _, err := r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Ada L"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Wipe("revoked"); err != nil {
		t.Fatal(err)
	}
	// A connection of the old session finishing its work after the wipe
	// must not bring anything back.
	if _, err := r.Confirm(testSession, 9, model.View{Profile: model.Profile{Email: "ada@example.com"}}, true); !errors.Is(err, errSignedOut) {
		t.Errorf("Confirm after wipe = %v, want errSignedOut", err)
	}
	if err := r.Ack(testSession, 1); !errors.Is(err, errSignedOut) {
		t.Errorf("Ack after wipe = %v, want errSignedOut", err)
	}
	if err := r.SetAvatar(testSession, Avatar{Hash: "h", PNG: []byte{1}}); !errors.Is(err, errSignedOut) {
		t.Errorf("SetAvatar after wipe = %v, want errSignedOut", err)
	}
	if _, err := r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Ada M"}); !errors.Is(err, errNotSignedIn) {
		t.Errorf("Mutate after wipe = %v, want errNotSignedIn", err)
	}
	if _, _, pending, ok := r.View(); ok || pending != 0 || r.Avatar() != nil {
		t.Errorf("after wipe: view %v, %d pending, avatar %v; want nothing", ok, pending, r.Avatar())
	}
	if m := r.Meta(); m.Token != "" || m.SessionID != "" || m.LastMutationID != 1 {
		t.Errorf("meta after wipe %+v: want no session and the mutation id kept", m)
	}
}

// Many writers of the meta record at once, with a wipe among them: no
// update is lost and nothing written after the wipe revives the session.
func TestReplicaUpdateMetaUnderOneLock(t *testing.T) {
	r := newTestReplica(t)
	const writers, each = 8, 25
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				r.UpdateMeta(func(m *Meta) error { m.LastEventSeq++; return nil })
			}
		})
	}
	wg.Wait()
	if got := r.Meta().LastEventSeq; got != writers*each {
		t.Fatalf("LastEventSeq = %d after %d increments: updates were lost", got, writers*each)
	}

	wiped := make(chan struct{})
	wg.Go(func() { r.Wipe("signed out"); close(wiped) })
	wg.Go(func() {
		<-wiped
		err := r.UpdateMeta(func(m *Meta) error {
			if m.SessionID != testSession {
				return errSignedOut
			}
			m.LastEventSeq = 1000
			return nil
		})
		if !errors.Is(err, errSignedOut) {
			t.Errorf("session-bound update after the wipe = %v, want errSignedOut", err)
		}
	})
	wg.Wait()
	if m := r.Meta(); m.SessionID != "" || m.LastEventSeq == 1000 {
		t.Errorf("meta after wipe and a late write: %+v", m)
	}
}

func TestReplicaRenumbersAQueueTheServerCannotReach(t *testing.T) {
	r := newTestReplica(t)
	for range 3 {
		r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Grace"})
	}
	// The queue starts right after the server's position: nothing to do.
	if moved, err := r.Renumber(testSession, 0); err != nil || moved {
		t.Fatalf("Renumber(0) with the queue at 1 = %v, %v; want nothing to do", moved, err)
	}
	r.Ack(testSession, 1) // queue: 2, 3
	// A server restored from a backup stands at 0: ids 2 and 3 would wait
	// forever behind the lost 1.
	moved, err := r.Renumber(testSession, 0)
	if err != nil || !moved {
		t.Fatalf("Renumber(0) with the queue at 2 = %v, %v; want renumbered", moved, err)
	}
	var ids []uint64
	for _, m := range r.Pending(0) {
		ids = append(ids, m.ID)
	}
	if len(ids) != 2 || ids[0] != 1 || ids[1] != 2 || r.Meta().LastMutationID != 2 {
		t.Errorf("queue ids %v, last id %d; want [1 2] and 2", ids, r.Meta().LastMutationID)
	}
	m, _ := r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Grace H"})
	if m.ID != 3 {
		t.Errorf("next id %d, want 3", m.ID)
	}
}

// With nothing queued, a server restored below the client's numbering
// still moves it: the next change follows the server's last, not the ids
// the restore lost.
func TestReplicaRenumbersAnEmptyQueueAfterARestore(t *testing.T) {
	r := newTestReplica(t)
	for range 3 {
		r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Grace"})
	}
	r.Ack(testSession, 3) // all applied, then the server is restored to 1
	moved, err := r.Renumber(testSession, 1)
	if err != nil || !moved || r.Meta().LastMutationID != 1 {
		t.Fatalf("Renumber(1) with an empty queue at 3 = %v, %v, last id %d; want moved to 1", moved, err, r.Meta().LastMutationID)
	}
	if m, _ := r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Grace H"}); m.ID != 2 {
		t.Errorf("next id %d, want 2", m.ID)
	}
	if moved, _ := r.Renumber(testSession, 1); moved {
		t.Error("renumbered a queue that already follows the server")
	}
}
