package store

import (
	"errors"
	"time"
)

// Errors returned by the store; match them with errors.Is.
var (
	ErrNotFound   = errors.New("not found")
	ErrEmailTaken = errors.New("email address already registered")
)

// EndedError is returned for a session token that was valid once: the
// session was revoked or signed out. Reason says how, for the user.
type EndedError struct {
	Reason string
	At     time.Time
}

func (e *EndedError) Error() string { return "session ended: " + e.Reason }

// Account is one user account.
type Account struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	PasswordHash string    `json:"passwordHash"`
	DisplayName  string    `json:"displayName"`
	Created      time.Time `json:"created"`
	// Version increases with every change to what the account's clients see.
	Version uint64 `json:"version"`
}

// Session is one signed-in device. Only the hash of its token is stored.
type Session struct {
	ID         string    `json:"id"`
	AccountID  string    `json:"accountId"`
	TokenHash  string    `json:"tokenHash"`
	DeviceKind string    `json:"deviceKind"`
	Device     string    `json:"device"`
	Location   string    `json:"location"`
	Created    time.Time `json:"created"`
	LastActive time.Time `json:"lastActive"`
}

// Mutation is a client change to apply; see Store.ApplyMutations.
type Mutation struct {
	ID   uint64
	Name string
	Args []byte
}

// MutationResult is what became of one mutation: Err is nil when applied
// (or already applied earlier), or the rule it broke.
type MutationResult struct {
	ID  uint64
	Err error
}
