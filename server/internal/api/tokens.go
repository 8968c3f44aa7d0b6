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
// has not expired (it works until its expiry instant, inclusive) and, for
// reset and email-change links, no credential of the account changed since
// it was issued; otherwise store.ErrNotFound, the same for unknown, used,
// expired and superseded links.
func liveToken(tx store.Tx, hash, kind string, now time.Time) (store.Token, error) {
	t, err := tx.Token(hash)
	if err != nil || t.Kind != kind || now.After(t.Expires) {
		return store.Token{}, store.ErrNotFound
	}
	if kind == tokenReset || kind == tokenEmail {
		a, err := tx.Account(t.AccountID)
		if err != nil || a.LinkEpoch != t.Epoch {
			return store.Token{}, store.ErrNotFound
		}
	}
	return t, nil
}

// endLinks makes every outstanding reset and email-change link of a stop
// working: call it, in the same transaction, with every credential change.
func endLinks(a *store.Account) { a.LinkEpoch++ }
