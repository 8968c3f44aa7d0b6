package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// errSignedOut ends a connection whose session is over.
var errSignedOut = errors.New("signed out")

// Run keeps the client in sync until ctx ends: while signed in it connects,
// pushes pending changes, applies the server's pushes, and reconnects with
// exponential backoff and jitter when the connection drops. When the
// session is revoked it wipes local data and waits for the next sign-in.
func (c *Client) Run(ctx context.Context) {
	attempt := 0
	for ctx.Err() == nil {
		if c.replica.Meta().SessionID == "" {
			c.setConn(SignedOut)
			select {
			case <-ctx.Done():
				return
			case <-c.wake:
			}
			attempt = 0
			continue
		}
		c.setConn(Connecting)
		synced, err := c.connect(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errSignedOut) {
			continue
		}
		if synced {
			attempt = 0
		}
		c.setConn(Offline)
		delay := c.backoff(attempt)
		attempt++
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		case <-c.wake:
			// A sign-in or a new edit: try again now (still bounded by
			// the next failure's backoff).
		}
	}
}

// backoff returns the wait before reconnect attempt n: exponential from
// half a second up to MaxBackoff, with full jitter so that clients dropped
// together do not return together.
func (c *Client) backoff(n int) time.Duration {
	d := 500 * time.Millisecond
	for i := 0; i < n && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.cfg.MaxBackoff)
	c.mu.Lock()
	j := time.Duration(c.jitter.Int64N(int64(d)/2 + 1))
	c.mu.Unlock()
	return d/2 + j
}

func (c *Client) syncURL() string {
	u := *c.base
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path += "/v1/sync"
	return u.String()
}

// connect runs one connection until it ends. synced reports whether the
// server welcomed the client (so the backoff can start over).
func (c *Client) connect(ctx context.Context) (synced bool, err error) {
	meta := c.replica.Meta()
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	conn, status, err := transport.DialSync(dctx, c.syncURL(), meta.Token)
	cancel()
	if err != nil {
		if status == 0 || status == 401 {
			// The browser hides why a handshake failed: ask the API.
			if c.checkSession(ctx) {
				return false, errSignedOut
			}
		}
		return false, err
	}
	defer conn.CloseNow()
	ctx, stop := context.WithCancel(ctx)
	defer stop()

	c.setConn(Syncing)
	hello := wire.Hello{ClientID: meta.ClientID, SchemaVersion: wire.SchemaVersion, LastMutationID: meta.LastMutationID, LastEventSeq: meta.LastEventSeq}
	if _, v, _, ok := c.replica.View(); ok {
		hello.Version = v
	}
	if err := conn.Send(ctx, hello); err != nil {
		return false, err
	}

	type recv struct {
		msg any
		err error
	}
	in := make(chan recv, 16)
	go func() {
		for {
			m, err := conn.Recv(ctx)
			if err != nil && transport.IsProtocolError(err) {
				continue // a message this version does not understand
			}
			select {
			case in <- recv{m, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()

	tick := time.NewTicker(c.cfg.Heartbeat)
	defer tick.Stop()
	lastHeard := time.Now()
	welcomed := false
	gotView := false    // a view pushed before the welcome is newer than it
	var inflight uint64 // highest mutation id sent on this connection
	// ackWait holds acknowledged mutations whose view has not arrived yet:
	// they stay on top of the view until it does.
	var ackWait *wire.PushAck

	flush := func() error {
		if !welcomed {
			return nil
		}
		ms := c.replica.Pending(inflight)
		for len(ms) > 0 {
			n := min(len(ms), wire.MaxMutationsPerPush)
			p := wire.Push{Mutations: make([]wire.Mutation, n)}
			for i, m := range ms[:n] {
				p.Mutations[i] = wire.Mutation{ID: m.ID, Name: m.Name, Args: m.Args}
			}
			if err := conn.Send(ctx, p); err != nil {
				return err
			}
			inflight = ms[n-1].ID
			ms = ms[n:]
		}
		c.updateConn()
		return nil
	}

	for {
		select {
		case <-ctx.Done():
			return welcomed, ctx.Err()
		case <-c.wake:
			if err := flush(); err != nil {
				return welcomed, err
			}
		case <-tick.C:
			if time.Since(lastHeard) > 3*c.cfg.Heartbeat {
				conn.Close(1001, "heartbeat lost")
				return welcomed, errors.New("the server stopped answering")
			}
			if err := conn.Send(ctx, wire.Ping{}); err != nil {
				return welcomed, err
			}
		case r := <-in:
			if r.err != nil {
				if transport.CloseStatus(r.err) == wire.CloseRevoked {
					c.checkSession(context.WithoutCancel(ctx))
					return welcomed, errSignedOut
				}
				return welcomed, r.err
			}
			lastHeard = time.Now()
			switch m := r.msg.(type) {
			case *wire.Welcome:
				if meta := c.replica.Meta(); hello.Version == 0 && meta.LastEventSeq < m.EventSeq {
					// Nothing cached: start from the account's current
					// events instead of its history.
					meta.LastEventSeq = m.EventSeq
					if err := c.replica.SetMeta(meta); err != nil {
						return welcomed, err
					}
				}
				// The welcome is authoritative (even over a cached view with
				// a higher version, as after a server restore), unless a
				// newer view already arrived on this connection.
				if err := c.applyView(m.Version, m.View, !gotView); err != nil {
					return welcomed, err
				}
				if err := c.replica.Ack(m.LastMutationID); err != nil {
					return welcomed, err
				}
				welcomed = true
				if err := flush(); err != nil {
					return welcomed, err
				}
			case *wire.View:
				gotView = true
				if err := c.applyView(m.Version, m.View, false); err != nil {
					return welcomed, err
				}
				if ackWait != nil && c.replica.Version() >= ackWait.Version {
					if err := c.ack(ackWait.LastMutationID); err != nil {
						return welcomed, err
					}
					ackWait = nil
				}
			case *wire.PushAck:
				c.ackNotices(m)
				if m.Version == 0 || c.replica.Version() >= m.Version {
					if err := c.ack(m.LastMutationID); err != nil {
						return welcomed, err
					}
				} else if ackWait == nil || m.LastMutationID > ackWait.LastMutationID {
					if ackWait != nil {
						m.Version = max(m.Version, ackWait.Version)
					}
					ackWait = m
				}
			case *wire.Revoked:
				c.signOutLocal(m.Reason)
				return welcomed, errSignedOut
			case *wire.Error:
				if m.Code == wire.CodeSchemaMismatch {
					c.setNotice(m.Message)
					return welcomed, m
				}
			case *wire.Event:
				if err := c.handleEvent(m); err != nil {
					return welcomed, err
				}
			case *wire.Pong:
			}
		}
	}
}

// updateConn shows Syncing while changes are in flight, Online otherwise.
// It always reports a change: the number of waiting changes moved.
func (c *Client) updateConn() {
	s := Online
	if c.replica.PendingCount() > 0 {
		s = Syncing
	}
	c.mu.Lock()
	c.conn = s
	c.mu.Unlock()
	c.cfg.OnChange()
}

func (c *Client) applyView(version uint64, raw json.RawMessage, force bool) error {
	var v account.View
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("read account view from server: %w", err)
	}
	changed, err := c.replica.Confirm(version, v, force)
	if err != nil {
		return err
	}
	if changed {
		c.cfg.OnChange()
		c.refreshAvatar(v.Profile.Avatar)
	}
	return nil
}

// ack drops the mutations the server has applied and whose view is here.
func (c *Client) ack(last uint64) error {
	if err := c.replica.Ack(last); err != nil {
		return err
	}
	c.updateConn()
	return nil
}

// ackNotices tells the user about changes the server refused (rolled back).
func (c *Client) ackNotices(m *wire.PushAck) {
	for _, r := range m.Results {
		if r.Error != nil {
			c.setNotice("A change was not saved and has been undone: " + r.Error.Message)
		}
	}
}

// checkSession asks the server whether this device's session still holds.
// If the server says it ended, it signs out locally with the server's
// reason and returns true. If the server cannot be reached it returns false.
func (c *Client) checkSession(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	err := c.call(ctx, "GET", "/v1/me", c.replica.Meta().Token, nil, nil)
	var we *wire.Error
	if !errors.As(err, &we) {
		return false
	}
	switch we.Code {
	case wire.CodeRevoked:
		c.signOutLocal(we.Message)
		return true
	case wire.CodeUnauthorized:
		c.signOutLocal("Your session has ended; sign in again.")
		return true
	}
	return false
}
