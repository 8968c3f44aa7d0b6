package account

import (
	"context"
	"errors"
	"fmt"
	"runtime/trace"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// touchEvery is how often a session's last-activity time is written.
const touchEvery = time.Minute

// Authenticate returns the live session whose secret is token, recording
// its activity at most once a minute.
func (s *Service) Authenticate(ctx context.Context, token string) (store.Session, error) {
	if token == "" {
		return store.Session{}, refuse(Unauthenticated, NoReason, "Sign in to continue.")
	}
	var ss store.Session
	err := s.settled(ctx, func() (string, error) {
		err := s.store.View(ctx, func(tx store.Tx) (err error) { ss, err = tx.SessionByToken(auth.HashToken(token)); return })
		return ss.ID, err
	})
	var ended *store.EndedError
	switch {
	case errors.As(err, &ended):
		return store.Session{}, refuse(Unauthenticated, SessionEnded, "%s", ended.Reason)
	case isNotFound(err):
		return store.Session{}, refuse(Unauthenticated, NoReason, "Your session is not valid; sign in again.")
	case err != nil:
		return store.Session{}, err
	}
	if now := s.now(); now.Sub(ss.LastActive) >= touchEvery {
		s.touch(ss.ID, now)
		ss.LastActive = now
	}
	return ss, nil
}

// touch records that a session was used at a time. The write happens off
// the request's path (Run flushes them, many sessions in one
// transaction): a request, a revocation above all, never waits for its
// own last-activity write.
func (s *Service) touch(id string, at time.Time) {
	s.touchMu.Lock()
	if at.After(s.touched[id]) {
		s.touched[id] = at
	}
	s.touchMu.Unlock()
	select {
	case s.touchWake <- struct{}{}:
	default:
	}
}

// flushTouches writes the recorded last activities in one transaction.
func (s *Service) flushTouches(ctx context.Context) {
	s.touchMu.Lock()
	batch := s.touched
	s.touched = map[string]time.Time{}
	s.touchMu.Unlock()
	if len(batch) == 0 {
		return
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		for id, at := range batch {
			cur, err := tx.Session(id)
			if isNotFound(err) {
				continue // ended meanwhile
			}
			if err != nil {
				return err
			}
			if at.After(cur.LastActive) {
				cur.LastActive = at
				if err := tx.PutSession(cur); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		s.log.Warn("record session activity", "sessions", len(batch), "err", err)
	}
}

// SignOut ends the caller's own session.
func (s *Service) SignOut(ctx context.Context, ss store.Session) error {
	return s.endSession(ctx, ss.AccountID, ss.ID, "You signed out on this device.", "")
}

// RevokeSession ends one of the account's sessions (the caller's own
// included) and closes its sockets; the account's other clients see the
// shorter list.
func (s *Service) RevokeSession(ctx context.Context, ss store.Session, target string) error {
	reason := "This session was revoked from another device."
	if target == ss.ID {
		reason = "You revoked this session."
	}
	return s.endSession(ctx, ss.AccountID, target, reason, "Session revoked from "+ss.Device)
}

// endSession ends one of the account's sessions. A session of another
// account is reported as not found.
func (s *Service) endSession(ctx context.Context, accountID, sessionID, reason, activity string) error {
	region := trace.StartRegion(ctx, "authorize")
	own, err := s.ownSession(ctx, accountID, sessionID)
	region.End()
	if err != nil {
		return err
	}
	if own {
		region := trace.StartRegion(ctx, "cut off")
		settle := s.endFirst(accountID, []string{sessionID})
		region.End()
		defer settle()
	}
	err = s.change(ctx, func(tx txn) error {
		target, err := tx.Session(sessionID)
		if err != nil {
			return err
		}
		if target.AccountID != accountID {
			return store.ErrNotFound
		}
		if err := tx.endSession(target, reason, s.now()); err != nil {
			return err
		}
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		if activity != "" {
			if err := tx.AddActivity(&a, model.ActSessionRevoked, activity+": "+target.Device+".", s.now()); err != nil {
				return err
			}
		}
		return tx.save(&a)
	})
	if isNotFound(err) {
		return notFound("That session has already ended.")
	}
	return err
}

// RevokeOthers ends every session of the account but the caller's, live,
// and returns how many ended.
func (s *Service) RevokeOthers(ctx context.Context, ss store.Session) (int, error) {
	reason := "This session was revoked from another device."
	others, err := s.otherSessions(ctx, ss.AccountID, ss.ID)
	if err != nil {
		return 0, err
	}
	defer s.endFirst(ss.AccountID, others)()
	now := s.now()
	var ended []string
	err = s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if ended, err = endSessionsExcept(tx, a.ID, ss.ID, reason, now); err != nil {
			return err
		}
		if len(ended) == 0 {
			return nil
		}
		if err := tx.AddActivity(&a, model.ActSessionRevoked, fmt.Sprintf("Signed out %d other session(s) from %s.", len(ended), ss.Device), now); err != nil {
			return err
		}
		return tx.save(&a)
	})
	return len(ended), err
}

// endSessionsExcept ends every session of the account but keep (which may
// be empty), inside tx, closing their sockets once committed, and returns
// the ended ids.
func endSessionsExcept(tx txn, accountID, keep, reason string, now time.Time) ([]string, error) {
	return endSessionsWhere(tx, accountID, reason, now, func(o store.Session) bool { return o.ID != keep })
}

// endSessionsWhere ends the account's sessions end says to, as
// endSessionsExcept does.
func endSessionsWhere(tx txn, accountID, reason string, now time.Time, end func(store.Session) bool) ([]string, error) {
	all, err := tx.Sessions(accountID)
	if err != nil {
		return nil, err
	}
	var ended []string
	for _, o := range all {
		if !end(o) {
			continue
		}
		if err := tx.endSession(o, reason, now); err != nil {
			return nil, err
		}
		ended = append(ended, o.ID)
	}
	return ended, nil
}
