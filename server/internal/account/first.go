package account

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/dialnexa/account/server/internal/store"
)

// Revocation first. Ending a session is the one change whose speed is a
// security property: until its sockets close, whoever holds it still
// hears every change and may still push. So once a revocation is
// authorized, the sessions it ends are cut off here before it is
// committed (Config.Stop closes their sockets on this node; other nodes
// close theirs when the commit reaches them), and while it is being
// committed anyone who reads one of them — a request, a socket's upgrade
// or welcome, a service checking it — waits for the outcome and reads it
// again: ended, it is refused with the revocation's reason; if the commit
// failed, it goes on as before (the clients whose sockets were closed
// reconnect, and lose nothing).

// endings are the sessions whose end is being committed.
type endings struct {
	n       atomic.Int64 // len(m), read without the lock on every session read
	waiting atomic.Int64 // readers waiting for an outcome
	mu      sync.Mutex
	m       map[string]*ending
}

// ending is one session being ended by refs revocations at once; done
// closes when the last of them has its outcome.
type ending struct {
	done chan struct{}
	refs int
}

// begin marks the sessions as ending and returns the func that settles
// them, to call once the change has been committed (and its effects
// applied) or has failed.
func (e *endings) begin(ids []string) (settle func()) {
	e.mu.Lock()
	if e.m == nil {
		e.m = map[string]*ending{}
	}
	for _, id := range ids {
		en := e.m[id]
		if en == nil {
			en = &ending{done: make(chan struct{})}
			e.m[id] = en
		}
		en.refs++
	}
	e.n.Store(int64(len(e.m)))
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, id := range ids {
			en := e.m[id]
			if en.refs--; en.refs == 0 {
				delete(e.m, id)
				close(en.done)
			}
		}
		e.n.Store(int64(len(e.m)))
	}
}

// wait returns once the session is not ending (at once, nearly always);
// waited says whether it was, so what was read of it must be read again.
func (e *endings) wait(ctx context.Context, id string) (waited bool, err error) {
	if e.n.Load() == 0 {
		return false, nil
	}
	e.mu.Lock()
	en := e.m[id]
	e.mu.Unlock()
	if en == nil {
		return false, nil
	}
	e.waiting.Add(1)
	defer e.waiting.Add(-1)
	select {
	case <-en.done:
		return true, nil
	case <-ctx.Done():
		return true, ctx.Err()
	}
}

// AwaitEnding returns once the session is not being ended (at once, nearly
// always): call it before reading a session the service does not read for
// you, so a revocation being committed is not missed.
func (s *Service) AwaitEnding(ctx context.Context, sessionID string) error {
	_, err := s.ending.wait(ctx, sessionID)
	return err
}

// maxRereads bounds how often a read waits for an ending session and
// reads it again: each wait is one commit, and a session is ended once.
const maxRereads = 3

// settled runs read, which reads one session and returns its id (""
// when none was found), again each time it found a session being ended,
// once that end has its outcome.
func (s *Service) settled(ctx context.Context, read func() (sessionID string, err error)) error {
	for i := 0; ; i++ {
		id, err := read()
		if err != nil || id == "" || i == maxRereads {
			return err
		}
		waited, err := s.ending.wait(ctx, id)
		if err != nil || !waited {
			return err
		}
	}
}

// endFirst cuts the account's sessions off before their end is committed:
// they are marked as ending, their sockets here are closed, and the
// returned func settles them (call it after the change, committed or not).
func (s *Service) endFirst(accountID string, ids []string) (settle func()) {
	if len(ids) == 0 {
		return func() {}
	}
	settle = s.ending.begin(ids)
	s.stop(accountID, ids)
	return settle
}

// ownSession reports whether sessionID is a live session of the account,
// so that a revocation of it may cut it off first.
func (s *Service) ownSession(ctx context.Context, accountID, sessionID string) (bool, error) {
	var ss store.Session
	err := s.store.View(ctx, func(tx store.Tx) (err error) { ss, err = tx.Session(sessionID); return })
	if isNotFound(err) {
		return false, nil
	}
	return err == nil && ss.AccountID == accountID, err
}

// otherSessions returns the ids of the account's live sessions but keep.
func (s *Service) otherSessions(ctx context.Context, accountID, keep string) ([]string, error) {
	var ids []string
	err := s.store.View(ctx, func(tx store.Tx) error {
		all, err := tx.Sessions(accountID)
		for _, o := range all {
			if o.ID != keep {
				ids = append(ids, o.ID)
			}
		}
		return err
	})
	return ids, err
}
