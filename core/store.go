package core

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/dialnexa/account/core/model"
)

// SchemaVersion is the version of the local store's format. A store written
// with another version is discarded and resynced, never migrated by hand.
const SchemaVersion = 1

// ErrLocked is returned when another instance holds the local store.
var ErrLocked = errors.New("the account data is in use by another DialNexa window")

// Meta is the client's identity and session, kept with its data.
type Meta struct {
	Schema int `json:"schema"`
	// ClientID names this installation to the sync server (for mutation ids).
	ClientID string `json:"clientId"`
	// DeviceID identifies the device across sign-ins; kept when wiping.
	DeviceID string `json:"deviceId"`
	// LastMutationID is the last id given to a local mutation.
	LastMutationID uint64 `json:"lastMutationId"`
	// LastEventSeq is the last server event this client has handled.
	LastEventSeq uint64 `json:"lastEventSeq,omitempty"`
	// Account and session of the signed-in user; empty when signed out.
	AccountID string `json:"accountId,omitempty"`
	SessionID string `json:"sessionId,omitempty"`
	Email     string `json:"email,omitempty"`
	// Token is the desktop app's bearer token. The browser panel never
	// stores one: its session is an HttpOnly cookie.
	Token string `json:"token,omitempty"`
	// TokenInKeychain says the token is in the OS keychain (and written
	// here empty).
	TokenInKeychain bool `json:"tokenInKeychain,omitempty"`
	// Notice is why the client was last signed out, shown on sign-in.
	Notice string `json:"notice,omitempty"`
	// SignOutPending says the user signed out (the account's data is
	// already wiped) and the server has not been told yet: Token, when
	// the desktop app has one, is kept only to tell it. The client tells
	// it as soon as it can.
	SignOutPending bool `json:"signOutPending,omitempty"`
}

// Confirmed is the last account view the server confirmed.
type Confirmed struct {
	Version uint64     `json:"version"`
	View    model.View `json:"view"`
}

// Mutation is one pending local change, waiting to be pushed.
type Mutation struct {
	ID      uint64          `json:"id"`
	Name    string          `json:"name"`
	Args    json.RawMessage `json:"args"`
	Created time.Time       `json:"created"`
}

// Avatar is the cached profile picture (a square PNG) and its hash.
type Avatar struct {
	Hash string `json:"hash"`
	PNG  []byte `json:"png"`
}

// State is everything a Store holds.
type State struct {
	Meta      Meta
	Confirmed *Confirmed // nil before the first sync
	Pending   []Mutation // oldest first
	Avatar    *Avatar    // nil when none is cached
}

// Change is one atomic update of a Store. Fields left zero are untouched.
type Change struct {
	Meta      *Meta
	Confirmed *Confirmed
	// Append adds mutations to the end of the pending queue.
	Append []Mutation
	// DropThrough removes pending mutations with ID <= DropThrough.
	DropThrough uint64
	// Avatar replaces the cached picture; an empty Hash removes it.
	Avatar *Avatar
	// Wipe removes the confirmed view, the whole queue and the cached
	// picture (before Meta, Confirmed, Append and Avatar are written).
	Wipe bool
}

// Store is the client's local, durable state. Load returns what was last
// committed (the zero State for a new store). Commit applies a Change in one
// transaction: when it returns nil the change survives a crash; on error
// nothing of it was applied. A Store is used by one Client at a time but its
// methods are safe to call from any goroutine. A store whose content cannot
// be read (corrupt, or another SchemaVersion) loads as empty, keeping only
// device identity where it can.
type Store interface {
	Load() (State, error)
	Commit(Change) error
	Close() error
}

// apply is the in-memory meaning of a Change, shared by the store
// implementations' tests and the replica.
func (s *State) apply(c Change) {
	if c.Wipe {
		s.Confirmed = nil
		s.Pending = nil
		s.Avatar = nil
	}
	if c.DropThrough > 0 {
		i := 0
		for i < len(s.Pending) && s.Pending[i].ID <= c.DropThrough {
			i++
		}
		s.Pending = append([]Mutation(nil), s.Pending[i:]...)
	}
	if c.Meta != nil {
		s.Meta = *c.Meta
	}
	if c.Confirmed != nil {
		cc := *c.Confirmed
		s.Confirmed = &cc
	}
	s.Pending = append(s.Pending, c.Append...)
	if c.Avatar != nil {
		if c.Avatar.Hash == "" {
			s.Avatar = nil
		} else {
			a := *c.Avatar
			s.Avatar = &a
		}
	}
}
