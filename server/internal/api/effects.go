package api

import (
	"context"
	"errors"

	"github.com/dialnexa/account/server/internal/store"
)

// effects are what a change must cause outside the store once it is
// committed: sockets to revoke, views to push, events to deliver, mail to
// send. A transaction collects them as it goes; they are applied only
// after its commit, and never for a transaction that failed.
type effects struct {
	accounts []revocation // deleted accounts: every socket closes
	sessions []revocation // ended sessions: their sockets close
	views    []string     // accounts whose view changed
	events   []accountEvent
	mail     bool
}

type revocation struct{ id, reason string }

type accountEvent struct {
	account string
	event   store.Event
}

// txn is a store transaction that collects the effects of its change.
type txn struct {
	store.Tx
	fx *effects
}

// pushView marks the account's view as changed: every connected client of
// it gets the new view.
func (t txn) pushView(accountID string) { t.fx.views = append(t.fx.views, accountID) }

// revokeSession closes the session's sockets with reason.
func (t txn) revokeSession(id, reason string) {
	t.fx.sessions = append(t.fx.sessions, revocation{id, reason})
}

// revokeAccount closes every socket of the account with reason.
func (t txn) revokeAccount(id, reason string) {
	t.fx.accounts = append(t.fx.accounts, revocation{id, reason})
}

// deliver sends an event to the account's connected clients.
func (t txn) deliver(accountID string, e store.Event) {
	t.fx.events = append(t.fx.events, accountEvent{accountID, e})
}

// wakeMail has the outbox worker look at the outbox now.
func (t txn) wakeMail() { t.fx.mail = true }

// bumpView marks a change to what another account's clients see (a
// teammate's member list) and pushes its view; an account deleted
// meanwhile is skipped.
func (t txn) bumpView(accountID string) error {
	a, err := t.Account(accountID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	bump(&a)
	t.pushView(accountID)
	return t.PutAccount(a)
}

// change runs fn in one read-write transaction and applies its effects
// after the commit.
func (s *Server) change(ctx context.Context, fn func(t txn) error) error {
	var fx effects
	err := s.store.Update(ctx, func(tx store.Tx) error { return fn(txn{tx, &fx}) })
	if err == nil {
		s.apply(&fx)
	}
	return err
}

// apply carries out committed effects: revocations first, so a revoked
// socket is sent nothing more, then views (each account once), events and
// mail.
func (s *Server) apply(fx *effects) {
	for _, r := range fx.accounts {
		s.hub.RevokeAccount(r.id, r.reason)
	}
	for _, r := range fx.sessions {
		s.hub.RevokeSession(r.id, r.reason)
	}
	seen := map[string]bool{}
	for _, id := range fx.views {
		if !seen[id] {
			seen[id] = true
			s.pushView(id)
		}
	}
	for _, ev := range fx.events {
		s.pushEvent(ev.account, ev.event)
	}
	if fx.mail {
		s.wakeMail()
	}
}
