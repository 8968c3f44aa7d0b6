package api

import (
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// Kinds of single-use link tokens, stored hashed.
const (
	tokenReset  = "reset"
	tokenEmail  = "email"
	tokenInvite = "invite"
)

// liveToken returns the link token with the hash if it is of the kind and
// has not expired (it works until its expiry instant, inclusive); otherwise
// store.ErrNotFound, the same for unknown, used and expired links.
func liveToken(tx store.Tx, hash, kind string, now time.Time) (store.Token, error) {
	t, err := tx.Token(hash)
	if err != nil || t.Kind != kind || now.After(t.Expires) {
		return store.Token{}, store.ErrNotFound
	}
	return t, nil
}
