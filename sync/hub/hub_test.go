//go:build !js

package hub

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// rig is a hub behind a real websocket server on loopback; each dial makes
// a pair: the hub's peer and the client's end.
type rig struct {
	t     *testing.T
	hub   *Hub
	srv   *httptest.Server
	peers chan *Peer
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t, hub: New(nil), peers: make(chan *Peer, 1)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		conn, err := transport.Accept(w, req, nil)
		if err != nil {
			return
		}
		p := r.hub.Join(conn, req.URL.Query().Get("account"), req.URL.Query().Get("session"))
		r.peers <- p
		// The server's reader, as a sync server has one: it ends when the
		// connection does.
		for {
			if _, err := conn.Recv(context.Background()); err != nil && !transport.IsProtocolError(err) {
				break
			}
		}
		r.hub.Leave(p)
	}))
	t.Cleanup(func() {
		r.hub.CloseAll(1001, "test over")
		r.srv.Close()
	})
	return r
}

// dial connects a client for the account and session and returns both ends.
func (r *rig) dial(account, session string) (*Peer, *transport.Conn) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := transport.Dial(ctx, "ws"+strings.TrimPrefix(r.srv.URL, "http")+"/?account="+account+"&session="+session, nil, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { c.CloseNow() })
	return <-r.peers, c
}

// recv reads the next message, with a hang guard.
func recv(t *testing.T, c *transport.Conn) (any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.Recv(ctx)
}

func view(version uint64, size int) wire.View {
	return wire.View{Version: version, View: json.RawMessage(`"` + strings.Repeat("v", size) + `"`)}
}

// Messages to one peer arrive in the order they were queued, to every
// peer of the account.
func TestPerPeerOrder(t *testing.T) {
	r := newRig(t)
	var clients []*transport.Conn
	for _, s := range []string{"s1", "s2", "s3"} {
		_, c := r.dial("acct", s)
		clients = append(clients, c)
	}
	next := uint64(1)
	for range 10 { // batches within the queue's size
		for range queueLen / 2 {
			r.hub.SendAccount("acct", view(next, 10))
			next++
		}
		for i, c := range clients {
			for want := next - queueLen/2; want < next; want++ {
				m, err := recv(t, c)
				if err != nil {
					t.Fatalf("client %d: %v", i, err)
				}
				if v, ok := m.(*wire.View); !ok || v.Version != want {
					t.Fatalf("client %d got %#v, want view %d", i, m, want)
				}
			}
		}
	}
}

// A peer that does not read is dropped once its queue is full; the others
// get every message, and queuing never waits for the slow one.
func TestSlowPeerIsDroppedWithoutDelayingOthers(t *testing.T) {
	r := newRig(t)
	slow, _ := r.dial("acct", "slow") // its client never reads
	_, fast := r.dial("acct", "fast")
	const size = 60 << 10
	dropped := func() bool {
		select {
		case <-slow.Done():
			return true
		default:
			return false
		}
	}
	sent := 0
	for sent < 2000 && !dropped() {
		for range queueLen / 2 {
			sent++
			r.hub.SendAccount("acct", view(uint64(sent), size))
		}
		for want := sent - queueLen/2 + 1; want <= sent; want++ {
			m, err := recv(t, fast)
			if err != nil {
				t.Fatalf("fast client after %d messages: %v", want-1, err)
			}
			if v, ok := m.(*wire.View); !ok || v.Version != uint64(want) {
				t.Fatalf("fast client got %T, want view %d", m, want)
			}
		}
	}
	if !dropped() {
		t.Fatalf("the slow peer was still connected after %d messages of %d KB it never read", sent, size>>10)
	}
	// The hub no longer holds up anything for it: more messages still flow.
	r.hub.SendAccount("acct", view(uint64(sent+1), 10))
	if m, err := recv(t, fast); err != nil || m.(*wire.View).Version != uint64(sent+1) {
		t.Fatalf("after the slow peer was dropped: %#v, %v", m, err)
	}
}

// fillQueue queues large messages to p, whose client does not read, until
// its writer is stuck and its queue full (without overflowing it).
func fillQueue(t *testing.T, p *Peer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	queued := func() int { p.mu.Lock(); defer p.mu.Unlock(); return len(p.queue) }
	for i := uint64(1); queued() < queueLen; i++ {
		if time.Now().After(deadline) {
			t.Fatal("the queue never filled")
		}
		p.Send(view(i, 60<<10))
	}
}

// A revocation reaches a peer whose queue is full: it is closed with the
// revocation code, not merely dropped.
func TestRevocationReachesAPeerWithAFullQueue(t *testing.T) {
	r := newRig(t)
	p, c := r.dial("acct", "stolen")
	fillQueue(t, p)
	r.hub.RevokeSession("stolen", "This session was revoked.")
	if !p.Revoked() {
		t.Error("peer not marked revoked")
	}
	// The client catches up on what was buffered, then sees the close.
	var err error
	for err == nil {
		_, err = recv(t, c)
	}
	if got := transport.CloseStatus(err); got != wire.CloseRevoked {
		t.Fatalf("closed with %d (%v), want %d", got, err, wire.CloseRevoked)
	}
}

// With room in the queue, the revoked message comes first, then the close.
func TestRevocationSaysWhy(t *testing.T) {
	r := newRig(t)
	_, c := r.dial("acct", "s1")
	_, other := r.dial("acct", "s2")
	r.hub.RevokeSession("s1", "This session was revoked.")
	m, err := recv(t, c)
	if rv, ok := m.(*wire.Revoked); err != nil || !ok || rv.Reason != "This session was revoked." {
		t.Fatalf("first message after revocation %#v, %v; want revoked with the reason", m, err)
	}
	if _, err := recv(t, c); transport.CloseStatus(err) != wire.CloseRevoked {
		t.Fatalf("then %v, want close %d", err, wire.CloseRevoked)
	}
	// The account's other session is untouched.
	r.hub.SendAccount("acct", view(7, 1))
	if m, err := recv(t, other); err != nil || m.(*wire.View).Version != 7 {
		t.Fatalf("other session after the revocation: %#v, %v", m, err)
	}
}

// CloseAll closes every socket with its code and returns only when every
// goroutine of the hub has ended, slow writers included.
func TestCloseAllClosesEverythingAndWritersEnd(t *testing.T) {
	r := newRig(t)
	var clients []*transport.Conn
	for _, s := range []string{"a", "b", "c"} {
		_, c := r.dial("acct-"+s, s)
		clients = append(clients, c)
	}
	stuck, _ := r.dial("acct-stuck", "stuck")
	fillQueue(t, stuck) // its writer is blocked in a write
	r.hub.CloseAll(1012, "server restarting")
	for i, c := range clients {
		_, err := recv(t, c)
		if got := transport.CloseStatus(err); got != 1012 {
			t.Errorf("client %d: closed with %d (%v), want 1012", i, got, err)
		}
	}
	// CloseAll returned: no writer of the hub is left, not even the one
	// that was blocked in a write.
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "hub.(*Peer).write") {
		t.Fatalf("a writer outlived CloseAll:\n%s", stacks)
	}
	waitGone(t, r.hub) // the server's readers leave as their sockets close
	// Nothing starts after CloseAll: a send to a new peer writes nothing
	// and starts no goroutine.
	if r.hub.spawn(func() {}) {
		t.Error("the hub started a goroutine after CloseAll")
	}
}

func waitGone(t *testing.T, h *Hub) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for h.Count() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d peers still joined after their sockets closed", h.Count())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// SendAccountThen calls done once, after every peer of the account has
// written the message; RevokeSessionThen after the revoked sockets closed.
func TestDoneCallbacksFollowTheWrites(t *testing.T) {
	r := newRig(t)
	_, c1 := r.dial("acct", "s1")
	_, c2 := r.dial("acct", "s2")
	sent := make(chan struct{}, 2)
	if n := r.hub.SendAccountThen("acct", view(3, 1), func() { sent <- struct{}{} }); n != 2 {
		t.Fatalf("queued to %d peers, want 2", n)
	}
	for _, c := range []*transport.Conn{c1, c2} {
		if m, err := recv(t, c); err != nil || m.(*wire.View).Version != 3 {
			t.Fatalf("view: %#v, %v", m, err)
		}
	}
	<-sent
	if n := r.hub.SendAccountThen("nobody", view(4, 1), func() { sent <- struct{}{} }); n != 0 {
		t.Fatalf("queued to %d peers of an account with none", n)
	}
	closed := make(chan struct{}, 2)
	if n := r.hub.RevokeSessionThen("s1", "This session was revoked.", func() { closed <- struct{}{} }); n != 1 {
		t.Fatalf("revoked %d sockets, want 1", n)
	}
	<-closed
	if _, err := recv(t, c1); err != nil {
		t.Fatalf("revoked message: %v", err)
	}
	if _, err := recv(t, c1); transport.CloseStatus(err) != wire.CloseRevoked {
		t.Fatalf("after done, the socket reads %v; want it closed with %d", err, wire.CloseRevoked)
	}
	if len(sent)+len(closed) != 0 {
		t.Fatalf("done called more than once: %d, %d extra", len(sent), len(closed))
	}
}
