package api

import (
	"context"
	"net/http"
	gosync "sync"
	"time"

	"github.com/dialnexa/account/sync/wire"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
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

// guard serializes sign-in attempts per key (an account id or an unknown
// email), so parallel guesses cannot all slip past one throttle check, and
// keeps the failure counters of addresses with no account in memory, so
// they are throttled exactly like real ones and throttling reveals nothing.
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
func (s *Server) recordFailure(accountID string) {
	now := s.now()
	err := s.store.Update(context.Background(), func(tx store.Tx) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		a.Failures++
		a.LastFailure = now
		if a.Failures == maxFailures {
			if err := tx.AddActivity(&a, account.ActSignInThrottled, "Password sign-in stopped after 100 failed attempts; reset the password to sign in.", now); err != nil {
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
// change, under the account's sign-in guard: it answers 429 while the
// account is throttled and counts a wrong password as a failure. On
// success it returns the account and a release func the caller must defer;
// otherwise it has written the answer.
func (s *Server) checkOwnPassword(w http.ResponseWriter, r *http.Request, accountID, password, wrong string) (store.Account, func(), bool) {
	a, release, ok := s.beginAttempt(r.Context(), w, accountID)
	if !ok {
		return a, nil, false
	}
	ok, err := s.hasher.Verify(r.Context(), password, a.PasswordHash)
	if err != nil {
		release()
		s.fail(w, "verify password", err)
		return a, nil, false
	}
	if !ok {
		release()
		s.recordFailure(a.ID)
		writeError(w, http.StatusForbidden, wire.Errorf(wire.CodeBadCredentials, "%s", wrong))
		return a, nil, false
	}
	return a, release, true
}

// beginAttempt loads the account and claims its sign-in guard for one
// attempt (a password or a second-factor code), answering 429 while
// another attempt is in progress or the account is throttled. On success
// it returns the account and a release func the caller must defer;
// otherwise it has written the answer.
func (s *Server) beginAttempt(ctx context.Context, w http.ResponseWriter, accountID string) (store.Account, func(), bool) {
	var a store.Account
	if err := s.store.View(ctx, func(tx store.Tx) (err error) { a, err = tx.Account(accountID); return }); err != nil {
		s.fail(w, "load account", err)
		return a, nil, false
	}
	if !s.guard.lock(a.Email) {
		writeError(w, http.StatusTooManyRequests, wire.Errorf(wire.CodeRateLimited, "Another attempt is in progress; try again in a moment."))
		return a, nil, false
	}
	release := func() { s.guard.unlock(a.Email) }
	if s.throttled(w, a.Failures, a.LastFailure) {
		release()
		return a, nil, false
	}
	return a, release, true
}
