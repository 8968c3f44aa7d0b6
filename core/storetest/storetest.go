// Package storetest is the behavioural contract of core.Store, run against
// every implementation (bbolt natively, IndexedDB in the browser).
package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

// Opener returns a function that opens one and the same store each time it
// is called (the caller closes the previous one first).
type Opener func(t *testing.T) func() core.Store

// Run runs the contract against the stores newStore makes.
func Run(t *testing.T, newStore Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func() core.Store)
	}{
		{"NewStoreIsEmpty", newStoreIsEmpty},
		{"CommitSurvivesReopen", commitSurvivesReopen},
		{"DropThroughRemovesAcked", dropThroughRemovesAcked},
		{"WipeKeepsOnlyNewMeta", wipeKeepsOnlyNewMeta},
		{"ThousandMutationsInOrder", thousandMutationsInOrder},
		{"AvatarCachedAndWiped", avatarCachedAndWiped},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

func mut(id uint64) core.Mutation {
	args, _ := json.Marshal(model.SetDisplayName{DisplayName: fmt.Sprintf("Name %d", id)})
	return core.Mutation{ID: id, Name: model.MutSetDisplayName, Args: args, Created: time.Unix(int64(id), 0).UTC()}
}

func load(t *testing.T, s core.Store) core.State {
	t.Helper()
	st, err := s.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return st
}

func commit(t *testing.T, s core.Store, c core.Change) {
	t.Helper()
	if err := s.Commit(c); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

func ids(ms []core.Mutation) []uint64 {
	out := make([]uint64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func newStoreIsEmpty(t *testing.T, open func() core.Store) {
	s := open()
	defer s.Close()
	st := load(t, s)
	if st.Confirmed != nil || len(st.Pending) != 0 || st.Meta.ClientID != "" {
		t.Fatalf("new store holds %+v, want the zero State", st)
	}
}

func commitSurvivesReopen(t *testing.T, open func() core.Store) {
	s := open()
	meta := core.Meta{Schema: core.SchemaVersion, ClientID: "c1", DeviceID: "d1", LastMutationID: 2, SessionID: "s1", Token: "tok"}
	view := core.Confirmed{Version: 5, View: model.View{Profile: model.Profile{DisplayName: "Ada", Email: "ada@example.com"}}}
	commit(t, s, core.Change{Meta: &meta, Confirmed: &view, Append: []core.Mutation{mut(1), mut(2)}})
	s.Close()

	s = open()
	defer s.Close()
	st := load(t, s)
	if st.Meta != meta {
		t.Errorf("meta after reopen = %+v, want %+v", st.Meta, meta)
	}
	if st.Confirmed == nil || st.Confirmed.Version != 5 || st.Confirmed.View.Profile.DisplayName != "Ada" {
		t.Errorf("confirmed after reopen = %+v, want version 5 with Ada", st.Confirmed)
	}
	if got := ids(st.Pending); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("pending ids = %v, want [1 2]", got)
	}
	if string(st.Pending[1].Args) != string(mut(2).Args) || st.Pending[1].Name != model.MutSetDisplayName {
		t.Errorf("pending[1] = %+v, want %+v", st.Pending[1], mut(2))
	}
}

func dropThroughRemovesAcked(t *testing.T, open func() core.Store) {
	s := open()
	defer s.Close()
	commit(t, s, core.Change{Append: []core.Mutation{mut(1), mut(2), mut(3), mut(10)}})
	commit(t, s, core.Change{DropThrough: 3, Append: []core.Mutation{mut(11)}})
	if got := ids(load(t, s).Pending); len(got) != 2 || got[0] != 10 || got[1] != 11 {
		t.Fatalf("pending after DropThrough 3 = %v, want [10 11]", got)
	}
}

func wipeKeepsOnlyNewMeta(t *testing.T, open func() core.Store) {
	s := open()
	meta := core.Meta{Schema: core.SchemaVersion, ClientID: "c1", DeviceID: "d1", SessionID: "s1", Token: "secret"}
	commit(t, s, core.Change{Meta: &meta, Confirmed: &core.Confirmed{Version: 1}, Append: []core.Mutation{mut(1)}})
	kept := core.Meta{Schema: core.SchemaVersion, ClientID: "c1", DeviceID: "d1", Notice: "revoked"}
	commit(t, s, core.Change{Wipe: true, Meta: &kept})
	s.Close()
	s = open()
	defer s.Close()
	st := load(t, s)
	if st.Confirmed != nil || len(st.Pending) != 0 || st.Meta != kept {
		t.Fatalf("after wipe: %+v, want only %+v", st, kept)
	}
}

func thousandMutationsInOrder(t *testing.T, open func() core.Store) {
	s := open()
	defer s.Close()
	for i := uint64(1); i <= 1000; i += 100 {
		batch := make([]core.Mutation, 100)
		for j := range batch {
			batch[j] = mut(i + uint64(j))
		}
		commit(t, s, core.Change{Append: batch})
	}
	got := ids(load(t, s).Pending)
	if len(got) != 1000 {
		t.Fatalf("pending has %d mutations, want 1000", len(got))
	}
	for i, id := range got {
		if id != uint64(i+1) {
			t.Fatalf("pending[%d] = %d, want %d (order lost)", i, id, i+1)
		}
	}
	commit(t, s, core.Change{DropThrough: 1000})
	if n := len(load(t, s).Pending); n != 0 {
		t.Fatalf("after dropping all, %d remain", n)
	}
}

func avatarCachedAndWiped(t *testing.T, open func() core.Store) {
	s := open()
	pic := core.Avatar{Hash: "abc123", PNG: []byte("\x89PNG fake picture bytes \x00\xff")}
	commit(t, s, core.Change{Avatar: &pic})
	s.Close()
	s = open()
	st := load(t, s)
	if st.Avatar == nil || st.Avatar.Hash != pic.Hash || string(st.Avatar.PNG) != string(pic.PNG) {
		t.Fatalf("avatar after reopen = %+v, want %+v", st.Avatar, pic)
	}
	commit(t, s, core.Change{Avatar: &core.Avatar{}})
	if st := load(t, s); st.Avatar != nil {
		t.Fatalf("avatar after removal = %+v, want none", st.Avatar)
	}
	commit(t, s, core.Change{Avatar: &pic})
	commit(t, s, core.Change{Wipe: true})
	if st := load(t, s); st.Avatar != nil {
		t.Fatalf("avatar after wipe = %+v, want none", st.Avatar)
	}
	s.Close()
}
