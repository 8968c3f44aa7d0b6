package syncsrv

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"runtime/trace"
	"time"

	"golang.org/x/time/rate"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/server/internal/wireerr"
	"github.com/dialnexa/account/sync/hub"
	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/viewpatch"
	"github.com/dialnexa/account/sync/wire"
)

// ServeSocket serves GET /v1/sync for the authenticated session ss:
// upgrade (same-origin only), read hello, answer welcome, then serve pushes
// and heartbeats until the socket closes or the session is revoked.
func (s *Server) ServeSocket(w http.ResponseWriter, r *http.Request, ss store.Session, mark uint64) {
	conn, err := transport.Accept(w, r, s.cfg.OriginPatterns)
	if err != nil {
		// Accept has written the refusal (for example a foreign Origin).
		s.log.Info("websocket refused", "err", err)
		return
	}
	// The upgraded connection outlives this handler. It is served by
	// goroutines of its own (see serveSocket) instead of keeping
	// net/http's deep stack for the connection's whole life.
	if !s.spawn(func() { s.serveSocket(conn, ss, mark) }) {
		conn.Close(1012, "server restarting")
	}
}

// serveSocket reads hello and answers welcome, then hands the socket to
// a goroutine of its own (socket.read) that serves pushes and heartbeats
// until it closes or the session is revoked. That goroutine lives as long
// as the socket and mostly waits on a read: started fresh, with none of
// the handshake's frames below it, its stack stays at its smallest (the
// work for each message runs on a worker's stack, see stacks).
func (s *Server) serveSocket(conn *transport.Conn, ss store.Session, mark uint64) {
	sk := s.handshake(conn, ss, mark)
	if sk != nil && !s.spawn(sk.read) {
		sk.close()
	}
}

// socket is a welcomed socket, served by read.
type socket struct {
	s        *Server
	conn     *transport.Conn
	p        *hub.Peer
	ss       store.Session
	clientID string
	// life: what the socket asks for is abandoned when it closes (end).
	life context.Context
	end  context.CancelFunc
	// unwatch stops closing the socket when the server closes.
	unwatch func() bool
}

// close lets go of everything the socket holds.
func (sk *socket) close() {
	sk.s.hub.Leave(sk.p)
	sk.end()
	sk.unwatch()
	sk.conn.CloseNow()
}

// handshake reads hello and answers welcome; it returns nil (having
// closed the socket) when the socket is not to be served.
func (s *Server) handshake(conn *transport.Conn, ss store.Session, mark uint64) *socket {
	// Closing the server closes the socket, even before its hello. (Reads
	// use contexts of their own: derived from the server's, every read
	// would register with it under one lock.)
	unwatch := context.AfterFunc(s.life, func() { conn.CloseNow() })
	refuse := func() *socket {
		unwatch()
		conn.CloseNow()
		return nil
	}
	ctx := context.Background()

	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	msg, err := s.recv(hctx, conn)
	cancel()
	hello, ok := msg.(*wire.Hello)
	if err == nil {
		s.cfg.Metrics.Messages("in", wire.TypeOf(msg), 1)
	}
	if err != nil || !ok {
		conn.Send(ctx, wire.Errorf(wire.CodeBadMessage, "The first message must be hello."))
		conn.Close(1002, "expected hello")
		return refuse()
	}
	if v := max(hello.ProtocolVersion, 1); v < s.cfg.MinProtocolVersion {
		conn.Send(ctx, wire.Errorf(wire.CodeUpdateRequired, "This version of DialNexa is too old to sync: update it."))
		conn.Close(1008, "protocol too old")
		return refuse()
	} else if v > wire.ProtocolVersion {
		conn.Send(ctx, wire.Errorf(wire.CodeBadMessage, "This server speaks sync protocol %d to %d, not %d.", wire.MinProtocolVersion, wire.ProtocolVersion, v))
		conn.Close(1002, "unknown protocol version")
		return refuse()
	}
	if hello.SchemaVersion != wire.SchemaVersion {
		conn.Send(ctx, wire.Errorf(wire.CodeSchemaMismatch, "This app is out of date; update it to sync."))
		conn.Close(1008, "schema mismatch")
		return refuse()
	}
	if len(hello.ClientID) == 0 || len(hello.ClientID) > 64 {
		conn.Send(ctx, wire.Errorf(wire.CodeBadMessage, "hello needs a client id of 1 to 64 characters."))
		conn.Close(1002, "bad client id")
		return refuse()
	}

	life, end := context.WithCancel(s.life)
	p, verdict, reason := s.hub.JoinSince(conn, ss.AccountID, ss.ID, mark)
	p.SetPatches(hello.ProtocolVersion >= wire.DeltaProtocolVersion)
	sk := &socket{s: s, conn: conn, p: p, ss: ss, clientID: hello.ClientID, life: life, end: end, unwatch: unwatch}
	if verdict == hub.Revoked {
		// Revoked since its session was read: closed without reading it
		// again.
		s.hub.RevokeSession(ss.ID, reason)
		s.awaitClose(p)
		sk.close()
		return nil
	}
	if !s.stacks.run(func() bool { return s.welcome(p, ss, hello, verdict == hub.Unknown) }) {
		s.awaitClose(p)
		sk.close()
		return nil
	}
	return sk
}

// read serves the welcomed socket's messages until it closes or its
// session is revoked, then lets go of it.
func (sk *socket) read() {
	s, conn, p := sk.s, sk.conn, sk.p
	defer sk.close()
	ctx := context.Background()
	lim := rate.NewLimiter(rate.Limit(s.cfg.MessageRate), s.cfg.MessageBurst)
	var warned time.Time
	dropped := 0
	// A socket silent for a heartbeat period is closed: one timer per
	// socket, moved on by every message (a context per read would
	// allocate a timer and a context for every heartbeat).
	clock := s.cfg.Clock
	silent := clock.AfterFunc(s.cfg.Heartbeat, func() { conn.CloseNow() })
	defer silent.Stop()
	for {
		msg, err := s.recv(ctx, conn)
		silent.Reset(s.cfg.Heartbeat)
		if err == nil {
			s.cfg.Metrics.Messages("in", wire.TypeOf(msg), 1)
		}
		if p.Revoked() {
			// Nothing a revoked socket sends is acted on or answered (not
			// even a ping); it stays open only until the hub has told it
			// why and closed it with the revocation code.
			s.awaitClose(p)
			return
		}
		select {
		case <-p.Done():
			// Disconnected or stopped (its session is ending): the hub is
			// closing the socket, and nothing more is acted on.
			return
		default:
		}
		if err != nil {
			var we *wire.Error
			if errors.As(err, &we) {
				s.send(p, we)
				continue
			}
			return
		}
		if !lim.AllowN(clock.Now(), 1) {
			// Dropped. A dropped push or resync is always answered, with
			// when to send it again (the client resends from its last
			// acknowledged change, or asks for the view again); other
			// messages are warned about at most once a second. A client
			// that keeps flooding is disconnected.
			dropped++
			s.cfg.Metrics.Refused("socket")
			if dropped > 10*s.cfg.MessageBurst {
				conn.Close(1008, "too many messages")
				return
			}
			if now := clock.Now(); mustAnswer(msg) || now.Sub(warned) > time.Second {
				warned = now
				e := wire.Errorf(wire.CodeRateLimited, "Too many messages; slow down.")
				e.RetryAfterMs = retryAfter(lim, now).Milliseconds()
				s.send(p, e)
			}
			continue
		}
		dropped = 0
		switch m := msg.(type) {
		case *wire.Ping:
			s.sent(wire.TypePong, 1)
			p.SendRaw(pong)
		case *wire.Push:
			s.stacks.run(func() bool { s.push(sk.life, p, sk.ss, sk.clientID, m); return true })
		case *wire.Resync:
			s.stacks.run(func() bool { s.resync(sk.life, p); return true })
		default:
			s.send(p, wire.Errorf(wire.CodeBadMessage, "A client may not send that message."))
		}
	}
}

// mustAnswer reports whether a dropped msg is answered every time: the
// client waits for what it asks for and asks again only when told.
func mustAnswer(msg any) bool {
	switch msg.(type) {
	case *wire.Push, *wire.Resync:
		return true
	}
	return false
}

// ping and pong are the heartbeat as the clients encode it and its answer.
var (
	ping = mustEncode(wire.Ping{})
	pong = mustEncode(wire.Pong{})
)

// recv reads the socket's next message. The goroutine waiting on a socket
// lives as long as it does, and its stack only grows: a heartbeat is
// recognized by its bytes, anything else decoded on a worker's stack.
func (s *Server) recv(ctx context.Context, conn *transport.Conn) (any, error) {
	b, err := conn.RecvRaw(ctx)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(b, ping) {
		return &wire.Ping{}, nil
	}
	var msg any
	s.stacks.run(func() bool { msg, err = wire.Decode(b); return true })
	return msg, err
}

// awaitClose waits, for a revoked peer, until the hub has closed its socket
// with the revocation code (leaving first would cut that short).
func (s *Server) awaitClose(p *hub.Peer) {
	if !p.Revoked() {
		return
	}
	select {
	case <-p.Closed():
	case <-s.life.Done():
	}
}

// retryAfter is how long until lim allows one more message, rounded up
// to the next whole millisecond (what the wire carries).
func retryAfter(lim *rate.Limiter, now time.Time) time.Duration {
	r := lim.ReserveN(now, 1)
	defer r.CancelAt(now)
	return max(r.DelayFrom(now).Truncate(time.Millisecond)+time.Millisecond, 10*time.Millisecond)
}

// push applies a client's push and answers it; the new view follows the
// ack.
func (s *Server) push(ctx context.Context, p *hub.Peer, ss store.Session, clientID string, m *wire.Push) {
	if trace.IsEnabled() {
		// A task in the execution trace, named by the client, so a slow
		// push can be taken apart (the load tool's -traces).
		var task *trace.Task
		ctx, task = trace.NewTask(ctx, "push")
		defer task.End()
		trace.Log(ctx, "client", clientID)
	}
	if len(m.Mutations) > wire.MaxMutationsPerPush {
		s.send(p, wire.Errorf(wire.CodeTooLarge, "A push carries at most %d changes.", wire.MaxMutationsPerPush))
		return
	}
	muts := make([]account.Mutation, len(m.Mutations))
	for i, mu := range m.Mutations {
		muts[i] = account.Mutation{ID: mu.ID, Name: mu.Name, Args: mu.Args}
	}
	region := trace.StartRegion(ctx, "commit")
	applied, fx, err := s.accounts.ApplyMutations(ctx, ss, clientID, muts)
	region.End()
	var refused *account.Error
	switch {
	case errors.As(err, &refused):
		s.send(p, wireerr.Of(refused))
		return
	case errors.Is(err, store.ErrNotFound):
		return // the session ended meanwhile; its revocation is on its way
	case err != nil:
		s.log.Error("apply mutations", "err", err)
		s.send(p, errInternal())
		return
	}
	ack := wire.PushAck{LastMutationID: applied.LastMutationID, Version: applied.Version, Results: make([]wire.Result, len(applied.Results))}
	for i, r := range applied.Results {
		ack.Results[i].ID = r.ID
		if r.Refused != "" {
			ack.Results[i].Error = wire.Errorf(wire.CodeInvalidArgument, "%s", r.Refused)
		}
	}
	defer trace.StartRegion(ctx, "apply").End()
	s.send(p, ack)
	s.accounts.Publish(fx)
}

// resync sends p's client the whole view (it could not apply a patch).
func (s *Server) resync(ctx context.Context, p *hub.Peer) {
	msg, err := s.viewMessage(ctx, p.AccountID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("build view to resync", "account", p.AccountID, "err", err)
			s.send(p, errInternal())
		}
		return
	}
	s.send(p, msg)
	p.SetView(&hub.Held{Version: msg.Version, Hash: wire.ViewHash(msg.View)})
}

// send queues msg to p, counting it.
func (s *Server) send(p *hub.Peer, msg any) {
	s.sent(wire.TypeOf(msg), 1)
	p.Send(msg)
}

func errInternal() *wire.Error {
	return wire.Errorf(wire.CodeInternal, "Something went wrong on the server; try again in a moment.")
}

// welcome sends the welcome and, to a client with a cache, the events it
// missed. A client that takes patches and holds a version this node sent
// gets the view as a patch against it. It reports false when the
// connection should end.
func (s *Server) welcome(p *hub.Peer, ss store.Session, hello *wire.Hello, checkSession bool) bool {
	// Joined before reading the state: a change committed after this point
	// is pushed to p, one committed before is in the welcome. A revocation
	// committed after the session was read (at the upgrade) was either
	// applied to the hub before the join, which JoinSince said, or finds
	// the peer in the hub; only when the hub cannot tell (checkSession) is
	// the session read again.
	// Protocol negotiation is this adapter's: a client that speaks
	// patches keeps its current view instead of being sent it again.
	aw, events, err := s.accounts.Welcome(s.life, ss, account.Hello{ClientID: hello.ClientID, Version: hello.Version,
		LastEventSeq: hello.LastEventSeq, KeepsCurrentView: hello.ProtocolVersion >= wire.DeltaProtocolVersion}, checkSession)
	var ended *store.EndedError
	switch {
	case errors.As(err, &ended):
		s.hub.RevokeSession(ss.ID, ended.Reason)
		return false
	case errors.Is(err, store.ErrNotFound):
		// The session or its account is gone (deleted).
		s.hub.RevokeSession(ss.ID, "Your session has ended; sign in again.")
		return false
	case err != nil:
		s.log.Error("build welcome", "session", ss.ID, "err", err)
		return false
	}
	w := wire.Welcome{Version: aw.Version, SessionID: aw.SessionID, EventSeq: aw.EventSeq, LastMutationID: aw.LastMutationID, View: aw.View, Release: s.cfg.Release}
	// What the client holds after the welcome: the view sent, or (told
	// its view is current) the one it said it holds.
	held := &hub.Held{Version: w.Version, Hash: hello.ViewHash}
	if w.View != nil {
		view := w.View
		held.Hash = wire.ViewHash(view)
		if b := s.hub.SentView(ss.AccountID, hello.ViewHash); b != nil && p.Patches() && hello.Version < w.Version {
			if d := viewpatch.Make(b, view); d != nil {
				w.View, w.Base, w.Patch, w.ViewHash = nil, hello.Version, d, held.Hash
			}
		}
		s.hub.RememberView(ss.AccountID, *held, view)
	}
	s.send(p, w)
	p.SetView(held)
	for _, e := range events {
		s.send(p, wire.Event{Seq: e.Seq, Kind: e.Kind, Payload: e.Payload})
	}
	return true
}
