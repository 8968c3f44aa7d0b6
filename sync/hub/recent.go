package hub

import "github.com/dialnexa/account/sync/transport"

// The hub remembers its most recent revocations, so a socket whose session
// was read before one and that joins after it learns of it without
// reading its session again: a reconnect costs one session lookup.
//
// A caller takes a Mark before it reads the session, then joins with
// JoinSince. A revocation applied to the hub before the join is in its
// memory (newer than the mark, since it was committed after the read);
// one applied after the join finds the peer. Both happen under the hub's
// lock, so there is no moment between them.

// recentLen is how many revocations the hub remembers. A socket whose mark
// is older than that many revocations cannot tell, and reads its session
// again.
const recentLen = 1024

// Verdict is what the hub knows of a session that joined after a Mark.
type Verdict int

const (
	// Clear: no revocation of the session or its account since the mark.
	Clear Verdict = iota
	// Revoked: the session or its account was revoked since the mark.
	Revoked
	// Unknown: too many revocations since the mark, or the hub may have
	// missed some (Forget): read the session to know.
	Unknown
)

// recent is one remembered revocation: of a session, of an account, or
// (forget) of anything the hub may have missed; or (stopped) a session
// whose sockets were closed while its end was being committed (Stop).
type recent struct {
	session, account string
	reason           string
	forget, stopped  bool
}

// Mark returns the hub's position in its revocations, to pass to
// JoinSince. Take it before reading the session the socket authenticates.
func (h *Hub) Mark() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.revocations
}

// Forget records that revocations may have been missed (another node's
// notifications were lost): a socket joining with an older mark gets
// Unknown and reads its session. Every peer joined now is held: nothing
// but a revocation is written to it (what is sent meanwhile waits in its
// queue) until its session has been checked again and Release lets it
// go, or it is revoked or disconnected. Forget returns the held peers'
// sessions, each with its account.
func (h *Hub) Forget() map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remember(recent{forget: true})
	out := make(map[string]string, len(h.bySession))
	for id, ps := range h.bySession {
		out[id] = ps[0].AccountID
		for _, p := range ps {
			p.mu.Lock()
			p.held = true
			p.mu.Unlock()
		}
	}
	return out
}

// Release lets the held peers of the session (Forget) go: what waits in
// their queues is written, in order.
func (h *Hub) Release(sessionID string) {
	for _, p := range h.peers(h.bySession, sessionID) {
		p.mu.Lock()
		p.held = false
		start := p.startWriter()
		p.mu.Unlock()
		if start {
			p.spawnWriter()
		}
	}
}

// Disconnect closes the sockets of the session with code (not a
// revocation: the client reconnects, and its session is read then).
func (h *Hub) Disconnect(sessionID string, code int, reason string) {
	for _, p := range h.peers(h.bySession, sessionID) {
		p.stop()
		h.closeWith(p, code, reason)
	}
}

// remember records r; h.mu is held.
func (h *Hub) remember(r recent) {
	h.revocations++
	h.recent[h.revocations%recentLen] = r
}

// JoinSince is Join for a socket whose session was read after mark; it
// also says whether the session or its account was revoked since (with
// the reason), or whether the hub cannot tell. A peer is joined whatever
// the verdict: the caller revokes a revoked one (RevokeSession) and reads
// the session of an unknown one, as it would for a session read after the
// join.
func (h *Hub) JoinSince(conn *transport.Conn, accountID, sessionID string, mark uint64) (*Peer, Verdict, string) {
	p := h.newPeer(conn, accountID, sessionID)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.add(p)
	if h.revocations-mark >= recentLen {
		return p, Unknown, ""
	}
	verdict, reason := Clear, ""
	for seq := mark + 1; seq <= h.revocations; seq++ {
		r := h.recent[seq%recentLen]
		switch {
		case r.forget, r.stopped && r.session == sessionID:
			if verdict == Clear {
				verdict = Unknown
			}
		case !r.stopped && (r.session == sessionID || r.account == accountID):
			return p, Revoked, r.reason
		}
	}
	return p, verdict, reason
}

// Stop drops the sockets here of the account's sessions at once, before
// their end is committed: a revoked session is cut off as soon as the
// revocation is authorized, not once it is durable. The connections are
// closed by the caller's goroutine, without a closing handshake and
// without waiting for the sockets' readers (a close frame written by
// another goroutine waited for a thread behind the commit and the
// collector, up to 6 ms at 10,000 sockets; waiting for the reader to let
// go held the revocation up to 4.5 ms); the client sees the connection
// drop and reconnects. Whether it ended is known only later, so nothing
// is said of it: a socket of one of them that joins with an older mark is
// told Unknown and reads its session again, which waits for the outcome
// (the account service holds readers of an ending session). Once committed,
// the revocation is applied as usual (RevokeSession); if the commit
// failed, the clients are back after their reconnect. It returns how many
// sockets it closed.
func (h *Hub) Stop(accountID string, sessionIDs []string) int {
	var ps []*Peer
	h.mu.Lock()
	for _, id := range sessionIDs {
		h.remember(recent{session: id, stopped: true})
		for _, p := range h.bySession[id] {
			if p.AccountID == accountID {
				ps = append(ps, p)
			}
		}
	}
	h.mu.Unlock()
	for _, p := range ps {
		p.stop()
		p.conn.Drop()
		p.finish()
	}
	return len(ps)
}
