package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/ratelimit"
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

// attemptLease bounds how long one sign-in attempt holds its account's
// lease (a node that dies mid-attempt holds it no longer).
const attemptLease = time.Minute

// guardKey is what the store keeps a protection counter or lease under: a
// hash of what it is about (a client address, an email address, an
// account), so the store does not collect the addresses people type.
func guardKey(kind, subject string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + subject))
	return kind + ":" + hex.EncodeToString(sum[:16])
}

// wait counts one event of kind for subject against r per second with
// bursts of burst, in the store, so every node counts it; it returns 0
// when the event fits, or how long until it would (counting nothing).
func (s *Service) wait(ctx context.Context, kind, subject string, r float64, burst int) (time.Duration, error) {
	var wait time.Duration
	err := s.store.Update(ctx, func(tx store.Tx) (err error) { wait, err = s.take(tx, kind, subject, r, burst); return })
	return wait, err
}

// take is wait inside tx: the event counts if tx commits.
func (s *Service) take(tx store.Guards, kind, subject string, r float64, burst int) (time.Duration, error) {
	key := guardKey(kind, subject)
	now := s.now()
	b, err := tx.Bucket(key)
	if isNotFound(err) {
		b = store.Bucket{Tokens: float64(burst), At: now}
	} else if err != nil {
		return 0, err
	}
	left, wait := ratelimit.Take(b.Tokens, b.At, r, burst, now)
	if wait > 0 {
		return wait, nil
	}
	return 0, tx.PutBucket(key, store.Bucket{Tokens: left, At: now})
}

// limit is wait that refuses with tooMany when the event does not fit.
func (s *Service) limit(ctx context.Context, kind, subject string, r float64, burst int) error {
	return s.limitAll(ctx, rate{kind, subject, r, burst})
}

// rate is one limit an event counts against: kind and subject name its
// bucket, refilled at perSecond up to burst.
type rate struct {
	kind, subject string
	perSecond     float64
	burst         int
}

// limitAll counts one event against every limit, in one transaction so
// every node counts it, and refuses with tooMany when any is spent (the
// others still count it: a caller over one limit pays on all).
func (s *Service) limitAll(ctx context.Context, limits ...rate) error {
	over := false
	err := s.store.Update(ctx, func(tx store.Tx) error {
		over = false
		for _, l := range limits {
			wait, err := s.take(tx, l.kind, l.subject, l.perSecond, l.burst)
			if err != nil {
				return err
			}
			over = over || wait > 0
		}
		return nil
	})
	if err == nil && over {
		return tooMany()
	}
	return err
}

// claimAttempt takes the lease of one sign-in attempt for an email address
// (an account's, or one with no account), so parallel guesses, on any
// node, cannot all slip past one throttle check. It returns a release func
// the caller must defer, or errAttemptBusy while another attempt holds it.
func (s *Service) claimAttempt(ctx context.Context, email, busy string) (func(), error) {
	key, holder := guardKey("attempt", email), rand.Text()
	now := s.now()
	var ok bool
	if err := s.store.Update(ctx, func(tx store.Tx) (err error) { ok, err = tx.TakeLease(key, holder, now, now.Add(attemptLease)); return }); err != nil {
		return nil, err
	}
	if !ok {
		return nil, throttled(0, "%s", busy)
	}
	return func() {
		if err := s.store.Update(context.Background(), func(tx store.Tx) error { return tx.DropLease(key, holder) }); err != nil {
			s.log.Warn("release sign-in attempt", "err", err)
		}
	}, nil
}

// unknownFailures returns the failed sign-ins of an address with no
// account, counted in the store like an account's, so they are throttled
// exactly like real ones and throttling reveals nothing.
func (s *Service) unknownFailures(ctx context.Context, email string) (store.Failures, error) {
	var f store.Failures
	err := s.store.View(ctx, func(tx store.Tx) (err error) { f, err = tx.Failures(guardKey("unknown", email)); return })
	return f, err
}

// unknownFailed counts a failed sign-in of an address with no account.
func (s *Service) unknownFailed(ctx context.Context, email string) error {
	key := guardKey("unknown", email)
	now := s.now()
	return s.store.Update(ctx, func(tx store.Tx) error {
		f, err := tx.Failures(key)
		if err != nil {
			return err
		}
		return tx.PutFailures(key, store.Failures{Count: f.Count + 1, Last: now})
	})
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
		return a, nil, refuse(Forbidden, BadCredentials, "%s", wrong)
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
	release, err := s.claimAttempt(ctx, a.Email, attemptBusy)
	if err != nil {
		return a, nil, err
	}
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
			return store.Account{}, nil, refuse(Forbidden, StepUpRequired, "Enter your password to continue.")
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
