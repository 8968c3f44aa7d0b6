//go:build !js

package hub

import (
	"fmt"
	"testing"

	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// joinVerdict joins a peer without a socket (it is only looked up, never
// written to) and leaves again, returning what the hub said.
func joinVerdict(h *Hub, account, session string, mark uint64) (Verdict, string) {
	p, v, reason := h.JoinSince(nil, account, session, mark)
	h.Leave(p)
	return v, reason
}

// A socket whose session was read before a revocation and that joins after
// it learns of the revocation from the hub; one of another session or
// account does not; a socket that cannot be told (too many revocations
// since, or revocations possibly missed) is told so.
func TestJoinSinceKnowsTheRevocationsSinceTheMark(t *testing.T) {
	h := New(nil)
	mark := h.Mark()
	if v, _ := joinVerdict(h, "acct1", "sess1", mark); v != Clear {
		t.Fatalf("nothing revoked: verdict %v, want Clear", v)
	}

	h.RevokeSession("sess1", "You revoked this session.")
	if v, reason := joinVerdict(h, "acct1", "sess1", mark); v != Revoked || reason != "You revoked this session." {
		t.Errorf("session revoked after the mark: %v %q, want Revoked with its reason", v, reason)
	}
	if v, _ := joinVerdict(h, "acct1", "sess2", mark); v != Clear {
		t.Errorf("another session of the account: %v, want Clear", v)
	}
	if v, _ := joinVerdict(h, "acct1", "sess1", h.Mark()); v != Clear {
		t.Errorf("session read after its revocation (the read sees it): %v, want Clear", v)
	}

	mark = h.Mark()
	h.RevokeAccount("acct2", "This account was deleted.")
	if v, reason := joinVerdict(h, "acct2", "sess9", mark); v != Revoked || reason != "This account was deleted." {
		t.Errorf("account deleted after the mark: %v %q, want Revoked with its reason", v, reason)
	}
	if v, _ := joinVerdict(h, "acct1", "sess2", mark); v != Clear {
		t.Errorf("another account: %v, want Clear", v)
	}

	mark = h.Mark()
	h.Forget()
	h.RevokeSession("sess3", "Signed out.")
	if v, _ := joinVerdict(h, "acct1", "sess2", mark); v != Unknown {
		t.Errorf("revocations may have been missed since the mark: %v, want Unknown", v)
	}
	if v, _ := joinVerdict(h, "acct3", "sess3", mark); v != Revoked {
		t.Errorf("a revocation known after a forgotten stretch: %v, want Revoked", v)
	}
	if v, _ := joinVerdict(h, "acct1", "sess2", h.Mark()); v != Clear {
		t.Errorf("marked after the forgotten stretch: %v, want Clear", v)
	}

	mark = h.Mark()
	for i := range recentLen - 1 {
		h.RevokeSession(fmt.Sprintf("other%d", i), "Signed out.")
	}
	if v, _ := joinVerdict(h, "acct1", "sess2", mark); v != Clear {
		t.Errorf("%d revocations of others since the mark: %v, want Clear", recentLen-1, v)
	}
	h.RevokeSession("one-more", "Signed out.")
	if v, _ := joinVerdict(h, "acct1", "sess2", mark); v != Unknown {
		t.Errorf("%d revocations since the mark, more than the hub remembers: %v, want Unknown", recentLen, v)
	}
}

// After Forget every joined peer is held: what is sent to its account
// waits; a revocation goes out alone, first (nothing sent while it was
// held reaches a session that turned out to have ended); Release writes
// what waited, in order; Disconnect closes without revoking.
func TestForgetHoldsPeersUntilTheirSessionIsChecked(t *testing.T) {
	r := newRig(t)
	_, ended := r.dial("acct", "ended")
	_, live := r.dial("acct", "live")
	_, unknown := r.dial("acct", "unknown")
	held := r.hub.Forget()
	if len(held) != 3 || held["ended"] != "acct" || held["live"] != "acct" || held["unknown"] != "acct" {
		t.Fatalf("held sessions: %v", held)
	}
	r.hub.SendAccount("acct", view(1, 1))
	r.hub.SendAccount("acct", view(2, 1))

	r.hub.RevokeSession("ended", "Your session has ended; sign in again.")
	m, err := recv(t, ended)
	if rv, ok := m.(*wire.Revoked); err != nil || !ok {
		t.Fatalf("a held peer's first message after its revocation: %#v, %v; want only the revocation", m, err)
	} else if rv.Reason != "Your session has ended; sign in again." {
		t.Errorf("reason %q", rv.Reason)
	}
	if _, err := recv(t, ended); transport.CloseStatus(err) != wire.CloseRevoked {
		t.Fatalf("then %v, want close %d", err, wire.CloseRevoked)
	}

	r.hub.Release("live")
	r.hub.SendAccount("acct", view(3, 1))
	for want := uint64(1); want <= 3; want++ {
		m, err := recv(t, live)
		if v, ok := m.(*wire.View); err != nil || !ok || v.Version != want {
			t.Fatalf("released peer: %#v, %v; want view %d", m, err, want)
		}
	}

	r.hub.Disconnect("unknown", 1012, "reconnect")
	if _, err := recv(t, unknown); transport.CloseStatus(err) != 1012 {
		t.Fatalf("a disconnected held peer: %v, want close 1012 (not a revocation)", err)
	}
}

// Stop cuts a session off before its end is committed: its connections
// drop at once, without a close status (the client reconnects; nothing
// says it ended, since the commit may yet fail), another account's socket of the same session id
// stays, and a socket that read the session before the stop and joins
// after it is told to read it again. Once the end is committed and
// applied, such a socket is told it was revoked.
func TestStopClosesFirstAndSaysNothingYet(t *testing.T) {
	r := newRig(t)
	_, thief := r.dial("acct", "stolen")
	_, mine := r.dial("acct", "mine")
	_, foreign := r.dial("other", "stolen")
	mark := r.hub.Mark()

	r.hub.Stop("acct", []string{"stolen"})
	if m, err := recv(t, thief); err == nil || transport.CloseStatus(err) != -1 {
		t.Fatalf("the stopped session's socket: %#v, %v; want the connection dropped", m, err)
	}
	if v, _ := joinVerdict(r.hub, "acct", "stolen", mark); v != Unknown {
		t.Errorf("joining after the stop with a mark before it: %v, want Unknown (read the session again)", v)
	}
	if v, _ := joinVerdict(r.hub, "acct", "mine", mark); v != Clear {
		t.Errorf("another session of the account: %v, want Clear", v)
	}
	r.hub.SendAccount("acct", view(1, 1))
	r.hub.SendAccount("other", view(1, 1))
	for name, c := range map[string]*transport.Conn{"the account's other session": mine, "another account's": foreign} {
		if m, err := recv(t, c); err != nil {
			t.Errorf("%s socket: %v, want it open", name, err)
		} else if _, ok := m.(*wire.View); !ok {
			t.Errorf("%s socket got %#v, want the view", name, m)
		}
	}

	r.hub.RevokeSession("stolen", "This session was revoked from another device.")
	if v, reason := joinVerdict(r.hub, "acct", "stolen", mark); v != Revoked || reason != "This session was revoked from another device." {
		t.Errorf("joining after the committed revocation: %v %q, want Revoked with its reason", v, reason)
	}
}
