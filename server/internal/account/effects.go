package account

import (
	"context"
	"errors"
	"runtime/trace"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// Effects are what a change must cause outside the store once it is
// committed: sockets to revoke, views to push, events to deliver, mail to
// send. A transaction collects them as it goes; the Applier gets them only
// after its commit, and never for a transaction that failed.
type Effects struct {
	Accounts []Revocation // deleted accounts: every socket closes
	Sessions []Revocation // ended sessions: their sockets close
	Views    []string     // accounts whose view changed
	Events   []Delivery   // events for an account's connected clients
	Mail     bool         // the outbox has new mail
	Jobs     bool         // a job was added
}

// Revocation closes the sockets of an account or a session with a reason
// the user is shown.
type Revocation struct{ ID, Reason string }

// Delivery is an event for an account's connected clients.
type Delivery struct {
	AccountID string
	Event     store.Event
}

// Empty reports whether there is nothing to apply.
func (fx *Effects) Empty() bool {
	return len(fx.Accounts) == 0 && len(fx.Sessions) == 0 && len(fx.Views) == 0 && len(fx.Events) == 0 && !fx.Mail && !fx.Jobs
}

// Applier carries out committed effects: on one node it tells the node's
// sockets and mail worker.
type Applier interface {
	Apply(fx *Effects)
}

// ApplierFunc is a func as an Applier.
type ApplierFunc func(fx *Effects)

// Apply calls f(fx).
func (f ApplierFunc) Apply(fx *Effects) { f(fx) }

// txn is a store transaction that collects the effects of its change.
type txn struct {
	store.Tx
	fx *Effects
}

// pushView marks the account's view as changed: every connected client of
// it gets the new view.
func (t txn) pushView(accountID string) { t.fx.Views = append(t.fx.Views, accountID) }

// endSession ends a session with reason and closes its sockets. A
// session an application signed in to owes it a back-channel logout
// (queued by the store as the session ends): the outbox is woken.
func (t txn) endSession(ss store.Session, reason string, at time.Time) error {
	if err := t.EndSession(ss.ID, reason, at); err != nil {
		return err
	}
	t.fx.Sessions = append(t.fx.Sessions, Revocation{ss.ID, reason})
	if ss.AppID != "" {
		t.fx.Mail = true
	}
	return nil
}

// revokeAccount closes every socket of the account with reason, and wakes
// the outbox (its applications' sessions owe logouts).
func (t txn) revokeAccount(id, reason string) {
	t.fx.Accounts = append(t.fx.Accounts, Revocation{id, reason})
	t.fx.Mail = true
}

// deliver sends an event to the account's connected clients.
func (t txn) deliver(accountID string, e store.Event) {
	t.fx.Events = append(t.fx.Events, Delivery{accountID, e})
}

// wakeMail has the outbox worker look at the outbox now.
func (t txn) wakeMail() { t.fx.Mail = true }

// save stores the account as a change its clients see: its version goes
// up and its view is pushed.
func (t txn) save(a *store.Account) error {
	bump(a)
	t.pushView(a.ID)
	return t.PutAccount(*a)
}

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
	return t.save(&a)
}

// bump marks a change to what the account's clients see.
func bump(a *store.Account) { a.Version++ }

// change runs fn in one read-write transaction and hands its effects to
// the Applier after the commit.
func (s *Service) change(ctx context.Context, fn func(t txn) error) error {
	var fx Effects
	region := trace.StartRegion(ctx, "commit")
	err := s.store.Update(ctx, func(tx store.Tx) error {
		fx = Effects{} // a retried transaction starts again
		if err := fn(txn{tx, &fx}); err != nil {
			return err
		}
		return s.announceIn(tx, &fx)
	})
	region.End()
	if err == nil {
		defer trace.StartRegion(ctx, "apply").End()
		s.Publish(&fx)
	}
	return err
}

// announceIn records what the effects mean for services' session caches
// in the changes log and tells the other nodes about them, inside tx.
func (s *Service) announceIn(tx store.Tx, fx *Effects) error {
	if fx.Empty() {
		return nil
	}
	if err := s.recordChanges(tx, fx); err != nil {
		return err
	}
	if s.announce == nil {
		return nil
	}
	return s.announce(tx, fx)
}

// Publish hands committed effects to the Applier. Commands do it
// themselves; ApplyMutations leaves it to its caller, which answers the
// push first.
func (s *Service) Publish(fx *Effects) {
	if !fx.Empty() {
		s.fx.Apply(fx)
	}
}
