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

// Stop closes the sockets here of the account's sessions whose end is
// about to be committed (the account service's Config.Stop): the
// revocation reaches them before it is durable; see hub.Stop.
func (s *Server) Stop(accountID string, sessionIDs []string) {
	s.cfg.Metrics.CutOff(s.hub.Stop(accountID, sessionIDs))
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
// missed (the bus's connection was lost). Until its session has been
// checked again, a socket gets nothing but its revocation: every socket
// here is held at once (hub.Forget), every session is checked, the
// ended ones are revoked, the live ones released, and only then does each
// account with a live socket get its current view. A session that cannot
// be checked has its sockets disconnected: the client reconnects, and its
// session is read then.
func (s *Server) Resync() {
	// A socket whose session was read before now and that joins after
	// this reads its session again.
	held := s.hub.Forget()
	s.spawn(func() {
		live := map[string]bool{}
		for sessionID, accountID := range held {
			ok, err := s.accounts.SessionLive(s.life, sessionID)
			switch {
			case err != nil:
				if s.life.Err() == nil {
					s.log.Error("resync: look up session; disconnecting its sockets", "session", sessionID, "err", err)
				}
				s.hub.Disconnect(sessionID, 1012, "reconnect")
			case !ok:
				s.hub.RevokeSession(sessionID, "Your session has ended; sign in again.")
			default:
				s.hub.Release(sessionID)
				live[accountID] = true
			}
		}
		for accountID := range live {
			s.pushView(accountID)
		}
	})
}
