package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dialnexa/account/core/model"
)

// Replica is the client's copy of the account: the confirmed view from the
// server and the queue of local mutations not yet acknowledged. What the UI
// shows is the confirmed view with the queue applied on top, recomputed on
// every change from either side. Every change is committed to the Store
// before it is visible. It is safe for concurrent use.
type Replica struct {
	mu    sync.Mutex
	store Store
	state State
	now   func() time.Time
}

// openReplica loads the replica from st, giving a new store its identity.
func openReplica(st Store, newID func() string, now func() time.Time) (*Replica, error) {
	s, err := st.Load()
	if err != nil {
		return nil, fmt.Errorf("load local store: %w", err)
	}
	r := &Replica{store: st, state: s, now: now}
	if s.Meta.ClientID == "" || s.Meta.DeviceID == "" || s.Meta.Schema != SchemaVersion {
		m := s.Meta
		m.Schema = SchemaVersion
		if m.ClientID == "" {
			m.ClientID = newID()
		}
		if m.DeviceID == "" {
			m.DeviceID = newID()
		}
		if err := r.commit(Change{Meta: &m}); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Replica) commit(c Change) error {
	if err := r.store.Commit(c); err != nil {
		return fmt.Errorf("save to local store: %w", err)
	}
	r.state.apply(c)
	return nil
}

// errSignedOut refuses a write made for a session that is no longer the
// replica's (it was wiped or another sign-in replaced it meanwhile): a wipe
// wins over every write racing with it.
var errSignedOut = errors.New("signed out")

// Meta returns a copy of the client's identity and session. Never write a
// changed copy back: use UpdateMeta, which cannot lose a concurrent change.
func (r *Replica) Meta() Meta {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state.Meta
}

// UpdateMeta reads the meta record, lets fn change it and commits it, all
// under the replica's lock, so no other write can slip in between. If fn
// returns an error nothing is written and the error is returned.
func (r *Replica) UpdateMeta(fn func(*Meta) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.state.Meta
	if err := fn(&m); err != nil {
		return err
	}
	if m == r.state.Meta {
		return nil
	}
	return r.commit(Change{Meta: &m})
}

// inSession returns errSignedOut unless session is the replica's current
// session. Call with r.mu held.
func (r *Replica) inSession(session string) error {
	if session == "" || r.state.Meta.SessionID != session {
		return errSignedOut
	}
	return nil
}

// View returns the view to show (confirmed plus pending), its confirmed
// version, the number of pending mutations, and whether any view exists.
func (r *Replica) View() (v model.View, version uint64, pending int, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rebased()
}

func (r *Replica) rebased() (model.View, uint64, int, bool) {
	if r.state.Confirmed == nil {
		return model.View{}, 0, len(r.state.Pending), false
	}
	v := r.state.Confirmed.View.Clone()
	for _, m := range r.state.Pending {
		// A mutation the rules now refuse is left out of the view; the
		// server will refuse it too and say why.
		w := v.Clone()
		if model.Apply(&w, m.Name, m.Args) == nil {
			v = w
		}
	}
	return v, r.state.Confirmed.Version, len(r.state.Pending), true
}

// Mutate checks a change against the rules on the current view and, if it
// passes, queues it durably. A refused change queues nothing and returns
// the *account.RuleError; without a session it returns errNotSignedIn.
func (r *Replica) Mutate(name string, args any) (Mutation, error) {
	b, err := json.Marshal(args)
	if err != nil {
		return Mutation{}, fmt.Errorf("encode %s: %w", name, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state.Meta.SessionID == "" {
		return Mutation{}, errNotSignedIn
	}
	v, _, _, _ := r.rebased()
	if err := model.Apply(&v, name, b); err != nil {
		return Mutation{}, err
	}
	meta := r.state.Meta
	meta.LastMutationID++
	m := Mutation{ID: meta.LastMutationID, Name: name, Args: b, Created: r.now()}
	if err := r.commit(Change{Meta: &meta, Append: []Mutation{m}}); err != nil {
		return Mutation{}, err
	}
	return m, nil
}

// Pending returns the queued mutations with id above after, oldest first.
func (r *Replica) Pending(after uint64) []Mutation {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Mutation
	for _, m := range r.state.Pending {
		if m.ID > after {
			out = append(out, m)
		}
	}
	return out
}

// Confirm stores a view the server sent to session. A view older than the
// one held is ignored unless force is set (the welcome after a reconnect is
// always authoritative). It reports whether anything changed, and returns
// errSignedOut if session is no longer the replica's.
func (r *Replica) Confirm(session string, version uint64, v model.View, force bool) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.inSession(session); err != nil {
		return false, err
	}
	if c := r.state.Confirmed; c != nil && !force && version <= c.Version {
		return false, nil
	}
	return true, r.commit(Change{Confirmed: &Confirmed{Version: version, View: v}})
}

// Ack drops the queued mutations the server has applied (id <= last), as
// the server told session; errSignedOut if session is no longer the
// replica's.
func (r *Replica) Ack(session string, last uint64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.inSession(session); err != nil {
		return err
	}
	var c Change
	if p := r.state.Pending; len(p) > 0 && p[0].ID <= last {
		c.DropThrough = last
	}
	if last > r.state.Meta.LastMutationID {
		// The server has seen ids this store has not (a store restored from
		// a backup): continue after them, or new changes would be skipped
		// as replays.
		m := r.state.Meta
		m.LastMutationID = last
		c.Meta = &m
	}
	if c.DropThrough == 0 && c.Meta == nil {
		return nil
	}
	return r.commit(c)
}

// Renumber makes the queue continue right after last, the server's last
// applied mutation, when the server stands below the queue with ids missing
// in between (the server was restored from a backup: the changes it lost
// cannot be sent again). The server applies mutations strictly in order, so
// without this the queue would wait forever on ids it will never see.
// It reports whether the queue was renumbered.
func (r *Replica) Renumber(session string, last uint64) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.inSession(session); err != nil {
		return false, err
	}
	p := r.state.Pending
	if len(p) == 0 && r.state.Meta.LastMutationID > last {
		// Nothing waits, but the server stands below what this client
		// numbered (it was restored from a backup): the next change
		// follows the server's last, or the server would wait for the
		// missing ones forever.
		meta := r.state.Meta
		meta.LastMutationID = last
		return true, r.commit(Change{Meta: &meta})
	}
	if len(p) == 0 || p[0].ID <= last+1 {
		return false, nil
	}
	moved := make([]Mutation, len(p))
	for i, m := range p {
		m.ID = last + 1 + uint64(i)
		moved[i] = m
	}
	meta := r.state.Meta
	meta.LastMutationID = moved[len(moved)-1].ID
	return true, r.commit(Change{DropThrough: p[len(p)-1].ID, Meta: &meta, Append: moved})
}

// Wipe removes the account's data (view, queue, session and token), keeping
// the device's identity, and records notice as the reason.
func (r *Replica) Wipe(notice string) error { return r.wipe(notice, false) }

// WipeSigningOut is Wipe for the user's own sign-out: the session's token
// is kept, with SignOutPending, until the server is told (ClearSignOut).
func (r *Replica) WipeSigningOut(notice string) error { return r.wipe(notice, true) }

func (r *Replica) wipe(notice string, signingOut bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	// The event position goes with the view: a client with no view starts
	// from the next welcome's position.
	old := r.state.Meta
	m := Meta{Schema: SchemaVersion, ClientID: old.ClientID, DeviceID: old.DeviceID, LastMutationID: old.LastMutationID, Notice: notice}
	switch {
	case signingOut && old.SessionID != "":
		m.Token, m.SignOutPending = old.Token, true
	case old.SignOutPending && old.SessionID == "":
		// An earlier sign-out not yet told stays to be told.
		m.Token, m.SignOutPending = old.Token, true
	}
	return r.commit(Change{Wipe: true, Meta: &m})
}

// ClearSignOut forgets a pending sign-out's token once the server was
// told, unless a session was adopted meanwhile.
func (r *Replica) ClearSignOut(token string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.state.Meta
	if !m.SignOutPending || m.SessionID != "" || m.Token != token {
		return nil
	}
	m.Token, m.SignOutPending = "", false
	// As a wipe, so that no freed page of the store keeps the token.
	return r.commit(Change{Wipe: true, Meta: &m})
}

// Avatar returns the cached profile picture, or nil.
func (r *Replica) Avatar() *Avatar {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state.Avatar
}

// SetAvatar caches a profile picture for session; an empty Hash removes
// it. It returns errSignedOut if session is no longer the replica's.
func (r *Replica) SetAvatar(session string, a Avatar) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.inSession(session); err != nil {
		return err
	}
	return r.commit(Change{Avatar: &a})
}

// Confirmed returns the view last confirmed by the server and its version
// (ok false when there is none).
func (r *Replica) Confirmed() (v model.View, version uint64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state.Confirmed == nil {
		return model.View{}, 0, false
	}
	return r.state.Confirmed.View.Clone(), r.state.Confirmed.Version, true
}

// Version returns the confirmed view's version (0 when there is none).
func (r *Replica) Version() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state.Confirmed == nil {
		return 0
	}
	return r.state.Confirmed.Version
}

// PendingCount returns how many mutations wait to be acknowledged.
func (r *Replica) PendingCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.state.Pending)
}
