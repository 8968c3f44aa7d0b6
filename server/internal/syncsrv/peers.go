package syncsrv

import (
	"errors"
	"time"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// The methods below apply another node's changes to this node's sockets,
// reading what they need from the store.

// PushView sends the account's current view to its sockets here, soon.
func (s *Server) PushView(accountID string) { s.pushView(accountID) }

// Mark is the position in this node's revocations to take before reading
// the session of a socket about to be served (ServeSocket).
func (s *Server) Mark() uint64 { return s.hub.Mark() }

// RevokeSession closes the session's sockets here with reason.
func (s *Server) RevokeSession(sessionID, reason string) {
	s.sent(wire.TypeRevoked, s.hub.RevokeSessionThen(sessionID, reason, s.since(time.Now(), s.cfg.Metrics.Revoked)))
}

// RevokeAccount closes every socket of the account here with reason.
func (s *Server) RevokeAccount(accountID, reason string) {
	s.sent(wire.TypeRevoked, s.hub.RevokeAccountThen(accountID, reason, s.since(time.Now(), s.cfg.Metrics.Revoked)))
}

// DeliverEvent sends the account's event seq to its sockets here, soon.
func (s *Server) DeliverEvent(accountID string, seq uint64) {
	if !s.hub.Connected(accountID) {
		return
	}
	start := time.Now()
	s.spawn(func() {
		e, err := s.accounts.Event(s.life, accountID, seq)
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				s.log.Error("read event to deliver", "account", accountID, "seq", seq, "err", err)
			}
			return
		}
		s.sendEvent(start, accountID, e)
	})
}

// Resync brings every socket here up to date after changes may have been
// missed: a socket whose session has ended is closed, every other gets
// its account's current view.
func (s *Server) Resync() {
	// A socket whose session was read before now and that joins after
	// the snapshot below reads its session again.
	s.hub.Forget()
	s.spawn(func() {
		for sessionID, accountID := range s.hub.Sessions() {
			live, err := s.accounts.SessionLive(s.life, sessionID)
			switch {
			case err != nil:
				if s.life.Err() == nil {
					s.log.Error("resync: look up session", "session", sessionID, "err", err)
				}
				s.pushView(accountID)
			case !live:
				s.hub.RevokeSession(sessionID, "Your session has ended; sign in again.")
			default:
				s.pushView(accountID)
			}
		}
	})
}
