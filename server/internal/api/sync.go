package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/hub"
	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// Default per-socket message rate: a client sends a heartbeat every 15
// seconds and one push at a time, so this leaves ample room.
const (
	msgRate  = 20
	msgBurst = 40
)

// syncSocket is GET /v1/sync: authenticate, upgrade (same-origin only), read
// hello, answer welcome, then serve pushes and heartbeats until the socket
// closes or the session is revoked.
func (s *Server) syncSocket(w http.ResponseWriter, r *http.Request) {
	ss, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	conn, err := transport.Accept(w, r, nil)
	if err != nil {
		// Accept has written the refusal (for example a foreign Origin).
		s.log.Info("websocket refused", "err", err)
		return
	}
	// The upgraded connection outlives this handler. It is served by a
	// goroutine of its own, which starts with a small stack instead of
	// keeping net/http's deep one for the connection's whole life.
	if !s.spawn(func() { s.serveSocket(conn, ss) }) {
		conn.Close(1012, "server restarting")
	}
}

// serveSocket reads hello, answers welcome, then serves pushes and
// heartbeats until the socket closes or the session is revoked. The work
// for each message runs on a short-lived goroutine (onFreshStack), so this
// long-lived one stays small.
func (s *Server) serveSocket(conn *transport.Conn, ss store.Session) {
	defer conn.CloseNow()
	// Closing the server closes the socket, even before its hello. (Reads
	// use contexts of their own: derived from the server's, every read
	// would register with it under one lock.)
	defer context.AfterFunc(s.life, func() { conn.CloseNow() })()
	ctx := context.Background()

	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	msg, err := conn.Recv(hctx)
	cancel()
	hello, ok := msg.(*wire.Hello)
	if err != nil || !ok {
		conn.Send(ctx, wire.Errorf(wire.CodeBadMessage, "The first message must be hello."))
		conn.Close(1002, "expected hello")
		return
	}
	if v := max(hello.ProtocolVersion, 1); v < s.cfg.MinProtocolVersion {
		conn.Send(ctx, wire.Errorf(wire.CodeUpdateRequired, "This version of DialNexa is too old to sync: update it."))
		conn.Close(1008, "protocol too old")
		return
	} else if v > wire.ProtocolVersion {
		conn.Send(ctx, wire.Errorf(wire.CodeBadMessage, "This server speaks sync protocol %d to %d, not %d.", wire.MinProtocolVersion, wire.ProtocolVersion, v))
		conn.Close(1002, "unknown protocol version")
		return
	}
	if hello.SchemaVersion != wire.SchemaVersion {
		conn.Send(ctx, wire.Errorf(wire.CodeSchemaMismatch, "This app is out of date; update it to sync."))
		conn.Close(1008, "schema mismatch")
		return
	}
	if len(hello.ClientID) == 0 || len(hello.ClientID) > 64 {
		conn.Send(ctx, wire.Errorf(wire.CodeBadMessage, "hello needs a client id of 1 to 64 characters."))
		conn.Close(1002, "bad client id")
		return
	}

	p := s.hub.Join(conn, ss.AccountID, ss.ID)
	defer s.hub.Leave(p)
	if !onFreshStack(func() bool { return s.welcome(p, ss, hello) }) {
		s.awaitClose(p)
		return
	}

	lim := rate.NewLimiter(rate.Limit(s.cfg.MessageRate), s.cfg.MessageBurst)
	var warned time.Time
	dropped := 0
	for {
		rctx, cancel := context.WithTimeout(ctx, s.cfg.Heartbeat)
		msg, err := conn.Recv(rctx)
		cancel()
		if p.Revoked() {
			// Nothing a revoked socket sends is acted on or answered (not
			// even a ping); it stays open only until the hub has told it
			// why and closed it with the revocation code.
			s.awaitClose(p)
			return
		}
		if err != nil {
			var we *wire.Error
			if errors.As(err, &we) {
				p.Send(we)
				continue
			}
			return
		}
		if !lim.Allow() {
			// Dropped. A dropped push is always answered, with when to
			// send it again (the client resends from its last
			// acknowledged change); other messages are warned about at
			// most once a second. A client that keeps flooding is
			// disconnected.
			dropped++
			if dropped > 10*s.cfg.MessageBurst {
				conn.Close(1008, "too many messages")
				return
			}
			_, isPush := msg.(*wire.Push)
			if isPush || time.Since(warned) > time.Second {
				warned = time.Now()
				e := wire.Errorf(wire.CodeRateLimited, "Too many messages; slow down.")
				e.RetryAfterMs = retryAfter(lim).Milliseconds()
				p.Send(e)
			}
			continue
		}
		dropped = 0
		switch m := msg.(type) {
		case *wire.Ping:
			p.Send(wire.Pong{})
		case *wire.Push:
			onFreshStack(func() bool { s.push(p, ss, hello.ClientID, m); return true })
		default:
			p.Send(wire.Errorf(wire.CodeBadMessage, "A client may not send that message."))
		}
	}
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
func retryAfter(lim *rate.Limiter) time.Duration {
	r := lim.Reserve()
	defer r.Cancel()
	return max(r.Delay().Truncate(time.Millisecond)+time.Millisecond, 10*time.Millisecond)
}

func (s *Server) push(p *hub.Peer, ss store.Session, clientID string, m *wire.Push) {
	if len(m.Mutations) > wire.MaxMutationsPerPush {
		p.Send(wire.Errorf(wire.CodeTooLarge, "A push carries at most %d changes.", wire.MaxMutationsPerPush))
		return
	}
	for i := 1; i < len(m.Mutations); i++ {
		if m.Mutations[i].ID <= m.Mutations[i-1].ID {
			p.Send(wire.Errorf(wire.CodeBadMessage, "Changes must be in increasing id order."))
			return
		}
	}
	var ack wire.PushAck
	var fx effects
	// Pushes from many clients share commits (group commit), each still
	// acknowledged only after its commit is durable. The effects are
	// applied after the ack is sent: the new view follows its ack.
	err := s.store.Batch(context.Background(), func(stx store.Tx) error {
		ack = wire.PushAck{Results: make([]wire.Result, 0, len(m.Mutations))}
		fx = effects{}
		tx := txn{stx, &fx}
		changed := false
		// The session must still be live: a revoked client changes nothing.
		if _, err := tx.Session(ss.ID); err != nil {
			return err
		}
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		name := a.DisplayName
		last, err := tx.LastMutationID(a.ID, clientID)
		if err != nil {
			return err
		}
		// Strictly in order: the mutation after the last applied one, or
		// nothing. At or below it is a replay, acknowledged without
		// applying it again; above it is a gap (an earlier push was lost),
		// which stops the push: the ack says where the server stands and
		// the client resends from there.
		for _, mu := range m.Mutations {
			if mu.ID > last+1 {
				break
			}
			res := wire.Result{ID: mu.ID}
			if mu.ID == last+1 {
				err := applyMutation(tx, &a, mu)
				var re *account.RuleError
				switch {
				case errors.As(err, &re):
					// A rule violation refuses this one mutation; the
					// client rolls it back and says why.
					res.Error = wire.Errorf(wire.CodeInvalidArgument, "%s", re.Msg)
				case err != nil:
					// A server fault is not a refusal: nothing of the
					// push is kept and the client retries.
					return fmt.Errorf("apply mutation %d: %w", mu.ID, err)
				default:
					changed = true
				}
				last = mu.ID
			}
			ack.Results = append(ack.Results, res)
		}
		ack.LastMutationID = last
		if err := tx.SetLastMutationID(a.ID, clientID, last); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		if a.DisplayName != name {
			// Teammates' member lists show the name.
			if err := bumpTeammates(tx, a.ID); err != nil {
				return err
			}
		}
		bump(&a)
		tx.pushView(a.ID)
		ack.Version = a.Version
		return tx.PutAccount(a)
	})
	if errors.Is(err, store.ErrNotFound) {
		return // the session ended meanwhile; its revocation is on its way
	}
	if err != nil {
		s.log.Error("apply mutations", "err", err)
		p.Send(errInternal())
		return
	}
	// The ack carries the new version; the client keeps the change on top
	// of its view until a view of that version arrives.
	p.Send(ack)
	s.apply(&fx)
}

// applyMutation applies one client mutation to the stored account inside
// tx, with the shared account rules; a refused mutation changes nothing.
func applyMutation(tx store.Tx, a *store.Account, m wire.Mutation) error {
	switch m.Name {
	case account.MutMarkRead, account.MutMarkAllRead:
		// Checked against the rules on an empty view first (arguments).
		var v account.View
		if err := account.Apply(&v, m.Name, m.Args); err != nil {
			return err
		}
		var mr account.MarkRead
		var all account.MarkAllRead
		if m.Name == account.MutMarkRead {
			json.Unmarshal(m.Args, &mr)
			return tx.MarkRead(a, mr.ID, mr.ID)
		}
		json.Unmarshal(m.Args, &all)
		return tx.MarkRead(a, 1, all.UpTo)
	case account.MutDismissAlert:
		v := account.View{Alerts: make([]account.Alert, len(a.Alerts))}
		for i, al := range a.Alerts {
			v.Alerts[i].ID = al.ID
		}
		if err := account.Apply(&v, m.Name, m.Args); err != nil {
			return err
		}
		a.Alerts = slices.DeleteFunc(slices.Clone(a.Alerts), func(al store.OpenAlert) bool {
			return !slices.ContainsFunc(v.Alerts, func(x account.Alert) bool { return x.ID == al.ID })
		})
		return nil
	}
	v := account.View{Profile: account.Profile{AccountID: a.ID, Email: a.Email, DisplayName: a.DisplayName}, EmailPrefs: a.EmailPrefs}
	if err := account.Apply(&v, m.Name, m.Args); err != nil {
		return err
	}
	a.DisplayName, a.EmailPrefs = v.Profile.DisplayName, v.EmailPrefs
	return nil
}

// bumpTeammates refreshes, inside tx, the views of everyone who shares a
// workspace with the account (member lists show its display name).
func bumpTeammates(tx txn, accountID string) error {
	wss, err := tx.Workspaces(accountID)
	if err != nil {
		return err
	}
	seen := map[string]bool{accountID: true}
	for _, ws := range wss {
		for _, m := range ws.Members {
			if !seen[m.AccountID] {
				seen[m.AccountID] = true
				if err := tx.bumpView(m.AccountID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// welcome sends the welcome and, to a client with a cache, the events it
// missed. It reports false when the connection should end.
func (s *Server) welcome(p *hub.Peer, ss store.Session, hello *wire.Hello) bool {
	// Joined before reading the state: a change committed after this point
	// is pushed to p, one committed before is in the welcome. One
	// transaction, so the view, the mutation id and the events agree.
	var (
		w      wire.Welcome
		events []store.Event
	)
	err := s.store.View(s.life, func(tx store.Tx) error {
		// The session may have ended since the socket was upgraded (while
		// it waited for hello). Checked after joining the hub: a
		// revocation committed after this read finds the peer there, one
		// committed before it is seen here.
		if _, err := tx.SessionByToken(ss.TokenHash); err != nil {
			return err
		}
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		v, err := buildView(tx, a, s.now())
		if err != nil {
			return err
		}
		w = wire.Welcome{Version: a.Version, SessionID: ss.ID, EventSeq: a.EventSeq}
		if w.View, err = json.Marshal(v); err != nil {
			return err
		}
		if w.LastMutationID, err = tx.LastMutationID(a.ID, hello.ClientID); err != nil {
			return err
		}
		if hello.Version > 0 {
			// Events the client missed while away, oldest first. A client
			// with nothing cached (version 0) starts from the welcome's
			// EventSeq instead of replaying the account's history.
			events, err = tx.EventsAfter(a.ID, hello.LastEventSeq, 100)
		}
		return err
	})
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
	p.Send(w)
	for _, e := range events {
		p.Send(wire.Event{Seq: e.Seq, Kind: e.Kind, Payload: e.Payload})
	}
	return true
}

// onFreshStack runs fn on a new goroutine and waits for it: a goroutine's
// stack only grows, so a connection's long-lived goroutine would otherwise
// keep the stack its deepest work (JSON, transactions) once needed.
func onFreshStack(fn func() bool) bool {
	done := make(chan bool, 1)
	go func() { done <- fn() }()
	return <-done
}
