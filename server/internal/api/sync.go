package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/hub"
	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// Per-socket message rate: a client sends a heartbeat every 15 seconds and
// a push per batch of edits, so this leaves ample room.
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
	defer conn.CloseNow()
	ctx := r.Context()

	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	msg, err := conn.Recv(hctx)
	cancel()
	hello, ok := msg.(*wire.Hello)
	if err != nil || !ok {
		conn.Send(ctx, wire.Errorf(wire.CodeBadMessage, "The first message must be hello."))
		conn.Close(1002, "expected hello")
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
	// Joined before reading the state: a change committed after this point
	// is pushed to p, one committed before is in the welcome.
	a, err := s.store.Account(ss.AccountID)
	if err != nil {
		s.log.Error("load account for welcome", "err", err)
		return
	}
	last, err := s.store.LastMutationID(ss.AccountID, hello.ClientID)
	if err != nil {
		s.log.Error("load last mutation id", "err", err)
		return
	}
	vm, err := s.viewMessage(a)
	if err != nil {
		s.log.Error("build welcome view", "err", err)
		return
	}
	p.Send(wire.Welcome{Version: vm.Version, View: vm.View, LastMutationID: last, SessionID: ss.ID})

	lim := rate.NewLimiter(msgRate, msgBurst)
	for {
		rctx, cancel := context.WithTimeout(ctx, s.cfg.Heartbeat)
		msg, err := conn.Recv(rctx)
		cancel()
		if p.Revoked() {
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
			p.Send(wire.Errorf(wire.CodeRateLimited, "Too many messages; slow down."))
			continue
		}
		switch m := msg.(type) {
		case *wire.Ping:
			p.Send(wire.Pong{})
		case *wire.Push:
			s.push(p, ss, hello.ClientID, m)
		default:
			p.Send(wire.Errorf(wire.CodeBadMessage, "A client may not send that message."))
		}
	}
}

func (s *Server) push(p *hub.Peer, ss store.Session, clientID string, m *wire.Push) {
	if len(m.Mutations) > wire.MaxMutationsPerPush {
		p.Send(wire.Errorf(wire.CodeTooLarge, "A push carries at most %d changes.", wire.MaxMutationsPerPush))
		return
	}
	muts := make([]store.Mutation, len(m.Mutations))
	for i, mu := range m.Mutations {
		if i > 0 && mu.ID <= m.Mutations[i-1].ID {
			p.Send(wire.Errorf(wire.CodeBadMessage, "Changes must be in increasing id order."))
			return
		}
		muts[i] = store.Mutation{ID: mu.ID, Name: mu.Name, Args: mu.Args}
	}
	results, a, last, err := s.store.ApplyMutations(ss.ID, clientID, muts, applyMutation)
	if errors.Is(err, store.ErrNotFound) {
		return // the session ended meanwhile; its revocation is on its way
	}
	if err != nil {
		s.log.Error("apply mutations", "err", err)
		p.Send(errInternal())
		return
	}
	changed := false
	ack := wire.PushAck{LastMutationID: last, Results: make([]wire.Result, len(results))}
	for i, r := range results {
		ack.Results[i] = wire.Result{ID: r.ID}
		if r.Err != nil {
			ack.Results[i].Error = wire.Errorf(wire.CodeInvalidArgument, "%s", r.Err)
		} else {
			changed = true
		}
	}
	if changed {
		// Queued to every socket of the account, this one included, before
		// the ack: the client sees the new view before it drops its queue.
		s.pushView(a)
	}
	p.Send(ack)
}

// applyMutation applies one client mutation to the stored account with the
// shared account rules.
func applyMutation(a *store.Account, m store.Mutation) error {
	v := account.View{Profile: account.Profile{AccountID: a.ID, Email: a.Email, DisplayName: a.DisplayName}}
	if err := account.Apply(&v, m.Name, json.RawMessage(m.Args)); err != nil {
		return err
	}
	a.DisplayName = v.Profile.DisplayName
	return nil
}
