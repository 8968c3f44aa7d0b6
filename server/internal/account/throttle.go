package account

import (
	"context"
	gosync "sync"
	"time"

	model "github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// Sign-in throttling, after NIST SP 800-63B 5.2.2: an account accepts at
// most maxFailures consecutive failed attempts (password or second factor).
// After freeFailures, each attempt must wait a delay that doubles up to
// maxDelay, so guessing is slow but the owner is never kept out long; at
// maxFailures, password sign-in stops until the password is reset by mail.
// The counters live in the account record, so they survive a restart.
const (
	maxFailures  = 100
	freeFailures = 5
	maxDelay     = 15 * time.Minute
)

// throttleWait returns how long the account must wait before the next
// attempt (0: now), and whether attempts are stopped until a reset.
func throttleWait(failures int, last, now time.Time) (time.Duration, bool) {
	if failures >= maxFailures {
		return 0, true
	}
	if failures < freeFailures {
		return 0, false
	}
	delay := min(time.Second<<min(failures-freeFailures, 20), maxDelay)
	if wait := last.Add(delay).Sub(now); wait > 0 {
		return wait, false
	}
	return 0, false
}

// throttled refuses an attempt while the account (or unknown address) must
// wait; nil lets it go ahead.
func (s *Service) throttled(failures int, last time.Time) *Error {
	wait, stopped := throttleWait(failures, last, s.now())
	switch {
	case stopped:
		return throttled(0, "Sign-in is paused after too many failed attempts. Use Forgot password? to set a new password and sign in.")
	case wait > 0:
		secs := retrySeconds(wait)
		return throttled(secs, "Too many failed attempts; wait %d seconds and try again.", secs)
	}
	return nil
}

// guard serializes sign-in attempts per key (an account's email), so
// parallel guesses cannot all slip past one throttle check, and keeps the
// failure counters of addresses with no account in memory, so they are
// throttled exactly like real ones and throttling reveals nothing.
type guard struct {
	mu      gosync.Mutex
	busy    map[string]bool
	unknown map[string]*failState
}

type failState struct {
	failures int
	last     time.Time
}

func newGuard() *guard {
	return &guard{busy: map[string]bool{}, unknown: map[string]*failState{}}
}

// lock claims key; it returns false if an attempt for key is in progress.
func (g *guard) lock(key string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.busy[key] {
		return false
	}
	g.busy[key] = true
	return true
}

func (g *guard) unlock(key string) {
	g.mu.Lock()
	delete(g.busy, key)
	g.mu.Unlock()
}

// unknownState returns the in-memory counters of an address with no account.
func (g *guard) unknownState(email string) failState {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f := g.unknown[email]; f != nil {
		return *f
	}
	return failState{}
}

func (g *guard) unknownFailed(email string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.unknown) > 100_000 {
		g.unknown = map[string]*failState{} // bounded memory; forgetting only helps the guesser a little
	}
	f := g.unknown[email]
	if f == nil {
		f = &failState{}
		g.unknown[email] = f
	}
	f.failures++
	f.last = now
}

// recordFailure counts a failed attempt on the account.
func (s *Service) recordFailure(accountID string) {
	now := s.now()
	err := s.store.Update(context.Background(), func(tx store.Tx) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		a.Failures++
		a.LastFailure = now
		if a.Failures == maxFailures {
			if err := tx.AddActivity(&a, model.ActSignInThrottled, "Password sign-in stopped after 100 failed attempts; reset the password to sign in.", now); err != nil {
				return err
			}
			bump(&a)
		}
		return tx.PutAccount(a)
	})
	if err != nil {
		s.log.Error("record failed sign-in", "account", accountID, "err", err)
	}
}

// checkOwnPassword checks a signed-in user's password for a sensitive
// change, under the account's sign-in guard: it is refused while the
// account is throttled, and a wrong password (refused with the message
// wrong) counts as a failure. On success it returns the account and a
// release func the caller must defer.
func (s *Service) checkOwnPassword(ctx context.Context, accountID, password, wrong string) (store.Account, func(), error) {
	a, release, err := s.beginAttempt(ctx, accountID)
	if err != nil {
		return a, nil, err
	}
	ok, err := s.hasher.Verify(ctx, password, a.PasswordHash)
	if err != nil {
		release()
		return a, nil, err
	}
	if !ok {
		release()
		s.recordFailure(a.ID)
		return a, nil, refuse(Forbidden, wire.CodeBadCredentials, "%s", wrong)
	}
	return a, release, nil
}

// beginAttempt loads the account and claims its sign-in guard for one
// attempt (a password or a second-factor code), refusing while another
// attempt is in progress or the account is throttled. On success it
// returns the account and a release func the caller must defer.
func (s *Service) beginAttempt(ctx context.Context, accountID string) (store.Account, func(), error) {
	var a store.Account
	if err := s.store.View(ctx, func(tx store.Tx) (err error) { a, err = tx.Account(accountID); return }); err != nil {
		return a, nil, err
	}
	if !s.guard.lock(a.Email) {
		return a, nil, errAttemptBusy
	}
	release := func() { s.guard.unlock(a.Email) }
	if e := s.throttled(a.Failures, a.LastFailure); e != nil {
		release()
		return a, nil, e
	}
	return a, release, nil
}

// stepUp lets a takeover-grade action of session ss go ahead. With a
// password it checks it (throttled and counted like a sign-in) and opens
// the session's step-up window; without one, the window must be open
// (model.StepUpWindow), or it is refused with step_up_required. Either way
// it holds the account's sign-in guard, so the second-factor code the
// action may check next is throttled too: on success it returns the
// account as read and a release func the caller must defer.
func (s *Service) stepUp(ctx context.Context, ss store.Session, password string) (store.Account, func(), error) {
	if password == "" {
		if !s.now().Before(ss.SteppedUp.Add(model.StepUpWindow)) {
			return store.Account{}, nil, refuse(Forbidden, wire.CodeStepUp, "Enter your password to continue.")
		}
		return s.beginAttempt(ctx, ss.AccountID)
	}
	a, release, err := s.checkOwnPassword(ctx, ss.AccountID, password, "Your password is not correct.")
	if err != nil {
		return a, nil, err
	}
	now := s.now()
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.Session(ss.ID)
		if err != nil {
			return err
		}
		cur.SteppedUp = now
		return tx.PutSession(cur)
	})
	if err != nil {
		release()
		if isNotFound(err) { // revoked meanwhile
			return a, nil, errSessionEnded
		}
		return a, nil, err
	}
	return a, release, nil
}
