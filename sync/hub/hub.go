// Package hub is the server side of live sync: it keeps every connected
// client's socket by account and by session, and pushes to them. A push is
// encoded once and queued to each peer; a peer too slow to drain its queue
// is disconnected (it resyncs on reconnect) rather than slowing the others.
package hub

import (
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// queueLen is how many messages may wait for one slow peer: more than a
// client may send in one burst (each may be answered), while view pushes
// are coalesced by the server, so a healthy peer never has many waiting.
const queueLen = 48

// writeTimeout bounds one socket write.
const writeTimeout = 10 * time.Second

// Hub is the registry of connected peers. It is safe for concurrent use.
// It owns the goroutines that write to peers and close them; CloseAll
// waits for every one of them.
type Hub struct {
	mu sync.Mutex
	// The peers of each account and of each session (a few each: a
	// slice costs less than a set per key).
	byAccount map[string][]*Peer
	bySession map[string][]*Peer
	// sent holds the last views sent to each account with a peer here
	// (views.go); an entry goes with the account's last peer.
	sent map[string][2]sentView
	log  *slog.Logger
	// revocations counts the revocations applied; recent remembers the
	// latest (see recent.go).
	revocations uint64
	recent      [recentLen]recent

	// life guards closing and the Adds of live: no goroutine starts once
	// CloseAll has begun waiting.
	life    sync.RWMutex
	closing bool
	live    sync.WaitGroup
}

// New returns an empty hub.
func New(log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	return &Hub{byAccount: map[string][]*Peer{}, bySession: map[string][]*Peer{}, sent: map[string][2]sentView{}, log: log}
}

// frame is one queued message; close marks the revocation notice, after
// which the socket is closed with wire.CloseRevoked. sent, if any, is
// counted down once the frame is written (or the peer dropped).
type frame struct {
	b     []byte
	close bool
	sent  *countdown
}

// countdown calls done when the last of n frames is through.
type countdown struct {
	left atomic.Int64
	done func()
}

func newCountdown(n int, done func()) *countdown {
	if done == nil || n == 0 {
		return nil
	}
	c := &countdown{done: done}
	c.left.Store(int64(n))
	return c
}

func (c *countdown) finish() {
	if c != nil && c.left.Add(-1) == 0 {
		c.done()
	}
}

// Peer is one connected client. Its messages are written in order by one
// goroutine, started when there is something to write and gone when the
// queue is empty, so an idle connection costs no goroutine of its own and
// keeps a queue only as long as its longest burst.
type Peer struct {
	AccountID string
	SessionID string
	hub       *Hub
	conn      *transport.Conn
	mu        sync.Mutex // guards queue, writing and held
	queue     []frame
	writing   bool
	// held: the peer's session is to be checked again (Forget) and
	// nothing but a revocation is written to it until Release.
	held bool
	done chan struct{}
	once sync.Once
	// closed is closed once the hub has closed the socket (after the
	// close frame, with its code, was sent or could not be).
	closed    chan struct{}
	closeOnce sync.Once
	revoked   atomic.Bool
	// view is the account's view last queued to the peer; patches says
	// the peer's client applies patches (see Patches).
	view    atomic.Pointer[Held]
	patches atomic.Bool
}

// Held is a view as a client holds it: its version, and the digest of its
// content (wire.ViewHash; "" when unknown), since one version may be sent
// with different content. Many peers share one Held.
type Held struct {
	Version uint64
	Hash    string
}

// View returns the view last queued to the peer (the zero Held: none
// yet).
func (p *Peer) View() Held {
	if h := p.view.Load(); h != nil {
		return *h
	}
	return Held{}
}

// SetView records that the view h was queued to the peer (an older
// version than one queued before changes nothing).
func (p *Peer) SetView(h *Held) {
	for {
		cur := p.view.Load()
		if (cur != nil && h.Version < cur.Version) || p.view.CompareAndSwap(cur, h) {
			return
		}
	}
}

// Patches reports whether the peer's client takes view patches.
func (p *Peer) Patches() bool { return p.patches.Load() }

// SetPatches records whether the peer's client takes view patches.
func (p *Peer) SetPatches(yes bool) { p.patches.Store(yes) }

// Join registers conn for the account and session and starts its writer.
// Call Leave when the connection's reader returns.
func (h *Hub) Join(conn *transport.Conn, accountID, sessionID string) *Peer {
	p := h.newPeer(conn, accountID, sessionID)
	h.mu.Lock()
	h.add(p)
	h.mu.Unlock()
	return p
}

func (h *Hub) newPeer(conn *transport.Conn, accountID, sessionID string) *Peer {
	return &Peer{AccountID: accountID, SessionID: sessionID, hub: h, conn: conn, done: make(chan struct{}), closed: make(chan struct{})}
}

// add registers p; h.mu is held.
func (h *Hub) add(p *Peer) {
	add(h.byAccount, p.AccountID, p)
	add(h.bySession, p.SessionID, p)
}

// Leave unregisters p and stops its writer.
func (h *Hub) Leave(p *Peer) {
	h.mu.Lock()
	remove(h.byAccount, p.AccountID, p)
	remove(h.bySession, p.SessionID, p)
	if len(h.byAccount[p.AccountID]) == 0 {
		delete(h.sent, p.AccountID)
	}
	h.mu.Unlock()
	p.stop()
}

// Connected reports whether the account has a connected peer.
func (h *Hub) Connected(accountID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.byAccount[accountID]) > 0
}

// Sessions returns the sessions with a connected peer, each with its
// account.
func (h *Hub) Sessions() map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]string, len(h.bySession))
	for id, ps := range h.bySession {
		out[id] = ps[0].AccountID
	}
	return out
}

// Count returns the number of connected peers.
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, ps := range h.bySession {
		n += len(ps)
	}
	return n
}

// Send queues msg to p. It never blocks: a peer whose queue is full is
// disconnected.
func (p *Peer) Send(msg any) {
	b, err := wire.Encode(msg)
	if err != nil {
		panic(err) // programming error: not a wire message
	}
	p.enqueue(frame{b: b})
}

// SendRaw is Send for an already encoded message.
func (p *Peer) SendRaw(b []byte) { p.enqueue(frame{b: b}) }

func (p *Peer) enqueue(f frame) {
	if !p.push(f) {
		f.sent.finish()
		p.stop()
		p.hub.closeWith(p, 1008, "too slow to keep up; reconnect")
	}
}

// push queues f and starts the writer unless it runs. It reports false,
// queuing nothing, when the queue is full; a frame for a peer that is done
// is counted through at once. For a held peer a revocation (close) goes
// first, alone: what was queued before it is let go of.
func (p *Peer) push(f frame) bool {
	select {
	case <-p.done:
		f.sent.finish()
		return true
	default:
	}
	p.mu.Lock()
	if f.close && p.held {
		for _, q := range p.queue {
			q.sent.finish()
		}
		clear(p.queue)
		p.queue = p.queue[:0]
	}
	if len(p.queue) >= queueLen {
		p.mu.Unlock()
		return false
	}
	p.queue = append(p.queue, f)
	start := p.startWriter()
	p.mu.Unlock()
	if start {
		p.spawnWriter()
	}
	return true
}

// startWriter reports whether a writer must start for what is queued,
// marking it started; p.mu is held.
func (p *Peer) startWriter() bool {
	if p.writing || len(p.queue) == 0 || (p.held && !p.queue[0].close) {
		return false
	}
	p.writing = true
	return true
}

func (p *Peer) spawnWriter() {
	if !p.hub.spawn(p.write) {
		p.mu.Lock()
		p.writing = false
		p.mu.Unlock()
	}
}

// next takes the next queued frame, or reports false (and that the writer
// stops) when there is none or the peer is held.
func (p *Peer) next() (frame, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 || (p.held && !p.queue[0].close) {
		p.writing = false
		if len(p.queue) == 0 && cap(p.queue) > 4 {
			p.queue = nil // a burst is over: let its queue go
		}
		return frame{}, false
	}
	f := p.queue[0]
	n := copy(p.queue, p.queue[1:])
	p.queue[n] = frame{}
	p.queue = p.queue[:n]
	return f, true
}

// spawn runs fn on a goroutine CloseAll waits for; once the hub is
// closing it starts nothing and returns false.
func (h *Hub) spawn(fn func()) bool {
	h.life.RLock()
	defer h.life.RUnlock()
	if h.closing {
		return false
	}
	h.live.Go(fn)
	return true
}

// Revoked reports whether the peer's session was revoked; from then on the
// server ignores everything the peer sends.
func (p *Peer) Revoked() bool { return p.revoked.Load() }

// Done is closed when the peer is revoked, disconnected or has left; a
// server must not act on anything it reads from the peer after that.
func (p *Peer) Done() <-chan struct{} { return p.done }

// Closed is closed once the hub has closed the peer's socket itself (a
// revocation, a peer too slow, CloseAll): a server waits for it before
// letting go of a revoked socket, so the close code reaches the client.
func (p *Peer) Closed() <-chan struct{} { return p.closed }

func (p *Peer) stop() { p.once.Do(func() { close(p.done) }) }

func (p *Peer) finish() { p.closeOnce.Do(func() { close(p.closed) }) }

// closeWith closes p's socket with code on a goroutine of the hub (the
// closing handshake may wait for a slow peer), or at once if the hub is
// closing.
func (h *Hub) closeWith(p *Peer, code int, reason string) {
	if !h.spawn(func() { p.conn.Close(code, reason); p.finish() }) {
		p.conn.CloseNow()
		p.finish()
	}
}

// write drains the queue, then exits.
func (p *Peer) write() {
	for {
		select {
		case <-p.done:
			p.drop()
			return
		default:
		}
		f, ok := p.next()
		if !ok {
			return
		}
		var err error
		if f.b != nil {
			err = p.conn.SendRawWithin(writeTimeout, f.b)
		}
		if f.close {
			p.conn.Close(wire.CloseRevoked, "session revoked")
			p.stop()
			// Counted through before the socket is said to be closed: the
			// server lets go of it (and stops counting it) on Closed.
			f.sent.finish()
			p.finish()
			p.drop()
			return
		}
		f.sent.finish()
		if err != nil {
			p.conn.CloseNow()
			p.stop()
			p.finish()
			p.drop()
			return
		}
	}
}

// drop lets go of what is still queued for a peer that is done.
func (p *Peer) drop() {
	p.mu.Lock()
	p.queue, p.writing = nil, false
	p.mu.Unlock()
}

// SendAccount pushes msg to every connected client of the account.
func (h *Hub) SendAccount(accountID string, msg any) { h.SendAccountThen(accountID, msg, nil) }

// SendAccountThen pushes msg to every connected client of the account and
// returns how many it was queued to; done, if not nil, is called once every
// one of them has written it or been dropped (not at all when there were
// none, nor for a peer that leaves with it still queued).
func (h *Hub) SendAccountThen(accountID string, msg any, done func()) int {
	b, err := wire.Encode(msg)
	if err != nil {
		panic(err)
	}
	ps := h.peers(h.byAccount, accountID)
	sent := newCountdown(len(ps), done)
	for _, p := range ps {
		p.enqueue(frame{b: b, sent: sent})
	}
	return len(ps)
}

// SendAccountEach queues to every connected client of the account the
// message encode returns for it (already encoded; nil sends nothing), and
// returns how many it was queued to; done as in SendAccountThen. encode is
// called once per peer, in this goroutine.
func (h *Hub) SendAccountEach(accountID string, encode func(p *Peer) []byte, done func()) int {
	ps := h.peers(h.byAccount, accountID)
	bs := make([][]byte, 0, len(ps))
	to := ps[:0]
	for _, p := range ps {
		if b := encode(p); b != nil {
			bs = append(bs, b)
			to = append(to, p)
		}
	}
	sent := newCountdown(len(to), done)
	for i, p := range to {
		p.enqueue(frame{b: bs[i], sent: sent})
	}
	return len(to)
}

// RevokeSession tells every socket of the session that it is over and
// closes them with wire.CloseRevoked.
func (h *Hub) RevokeSession(sessionID, reason string) { h.RevokeSessionThen(sessionID, reason, nil) }

// RevokeSessionThen is RevokeSession; done, if not nil, is called once the
// sockets are closed (see SendAccountThen). It returns how many there were.
func (h *Hub) RevokeSessionThen(sessionID, reason string, done func()) int {
	return h.revoke(h.revoked(h.bySession, sessionID, recent{session: sessionID, reason: reason}), reason, done)
}

// RevokeAccount ends every socket of the account (after deletion).
func (h *Hub) RevokeAccount(accountID, reason string) { h.RevokeAccountThen(accountID, reason, nil) }

// RevokeAccountThen is RevokeAccount with done as in RevokeSessionThen.
func (h *Hub) RevokeAccountThen(accountID, reason string, done func()) int {
	return h.revoke(h.revoked(h.byAccount, accountID, recent{account: accountID, reason: reason}), reason, done)
}

// revoked remembers r and returns the peers under key, at one moment: a
// peer joining after it finds r (JoinSince).
func (h *Hub) revoked(m map[string][]*Peer, key string, r recent) []*Peer {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remember(r)
	return slices.Clone(m[key])
}

func (h *Hub) revoke(ps []*Peer, reason string, done func()) int {
	if len(ps) == 0 {
		return 0
	}
	b, _ := wire.Encode(wire.Revoked{Reason: reason})
	closed := newCountdown(len(ps), done)
	for _, p := range ps {
		p.revoked.Store(true)
		if !p.push(frame{b: b, close: true, sent: closed}) {
			// The queue is full: close at once with the revocation code;
			// the client learns the reason on its next connect.
			p.stop()
			h.closeWith(p, wire.CloseRevoked, "session revoked")
			closed.finish()
		}
	}
	return len(ps)
}

func (h *Hub) peers(m map[string][]*Peer, key string) []*Peer {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(m[key])
}

func add(m map[string][]*Peer, k string, p *Peer) { m[k] = append(m[k], p) }

func remove(m map[string][]*Peer, k string, p *Peer) {
	ps := slices.DeleteFunc(m[k], func(q *Peer) bool { return q == p })
	if len(ps) == 0 {
		delete(m, k)
	} else {
		m[k] = ps
	}
}

// CloseAll disconnects every peer with the given close status (for example
// 1012, service restart; clients reconnect with backoff) and waits for
// every goroutine of the hub to end. The hub starts no goroutine after it:
// a peer that joins later is closed by its server when it leaves.
func (h *Hub) CloseAll(code int, reason string) {
	h.life.Lock()
	h.closing = true
	h.life.Unlock()
	h.mu.Lock()
	var ps []*Peer
	for _, s := range h.bySession {
		ps = append(ps, s...)
	}
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range ps {
		p.stop()
		wg.Go(func() { p.conn.Close(code, reason); p.finish() })
	}
	wg.Wait()
	h.live.Wait()
}
