package core

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// errOutdated ends a connection the server refused because this version
// of the protocol is no longer served.
var errOutdated = errors.New(OutdatedText)

// Run keeps the client in sync until ctx ends: while signed in it connects,
// pushes pending changes, applies the server's pushes, and reconnects with
// exponential backoff and jitter when the connection drops. When the
// session is revoked it wipes local data and waits for the next sign-in.
// Every goroutine Run starts has ended when it returns.
func (c *Client) Run(ctx context.Context) {
	attempt := 0
	for ctx.Err() == nil {
		if c.replica.Meta().SessionID == "" {
			c.setConn(SignedOut)
			var retry <-chan time.Time
			if !c.tellSignOut(ctx) {
				retry = time.After(c.backoff(attempt))
				attempt++
			} else {
				attempt = 0
			}
			select {
			case <-ctx.Done():
				return
			case <-retry:
			case <-c.wake:
				attempt = 0
			}
			continue
		}
		c.setConn(Connecting)
		synced, err := c.connect(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errSignedOut) || c.replica.Meta().SessionID == "" {
			// Signed out, by the server or on this device while the
			// connection ended: not offline.
			continue
		}
		if errors.Is(err, errOutdated) {
			// Retrying cannot help until the app is updated; a new edit
			// or sign-in tries once more.
			c.setConn(Outdated)
			select {
			case <-ctx.Done():
				return
			case <-c.wake:
			}
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

// backoff returns the wait before retry n: exponential from half a second
// up to MaxBackoff, with full jitter so that clients dropped together do
// not return together.
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
	u := *c.server
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path += "/v1/sync"
	return u.String()
}

// connect runs one connection until it ends. synced reports whether the
// server welcomed the client (so the backoff can start over). The
// goroutines it starts have ended when it returns.
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
	l := &link{c: c, conn: conn, session: meta.SessionID}
	defer l.bg.Wait()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	l.ctx = ctx
	conn.OnIgnored(c.logIgnored)

	c.setConn(Syncing)
	hello := wire.Hello{
		ProtocolVersion: wire.ProtocolVersion, AppVersion: c.cfg.AppVersion,
		ClientID: meta.ClientID, SchemaVersion: wire.SchemaVersion,
		LastMutationID: meta.LastMutationID, LastEventSeq: meta.LastEventSeq,
	}
	if v, version, ok := c.replica.Confirmed(); ok {
		hello.Version = version
		// The digest of the view as the server sent it (re-encoded the
		// way it encodes), so a patch is made against exactly this.
		if b, err := json.Marshal(v); err == nil {
			hello.ViewHash = wire.ViewHash(b)
		}
	}
	l.cached = hello.Version > 0
	if err := conn.Send(ctx, hello); err != nil {
		return false, err
	}

	type recv struct {
		msg any
		err error
	}
	in := make(chan recv, 16)
	l.bg.Go(func() {
		for {
			m, err := conn.Recv(ctx)
			if err != nil && transport.IsProtocolError(err) {
				c.logIgnored("a message that does not decode: " + err.Error())
				continue
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
	})

	tick := time.NewTicker(c.cfg.Heartbeat)
	defer tick.Stop()
	l.retry = time.NewTimer(time.Hour)
	l.retry.Stop()
	defer l.retry.Stop()
	lastHeard := time.Now()
	for {
		select {
		case <-ctx.Done():
			return l.welcomed, ctx.Err()
		case <-c.wake:
			err = l.flush()
		case <-l.retry.C:
			err = l.flush()
		case <-tick.C:
			if time.Since(lastHeard) > 3*c.cfg.Heartbeat {
				conn.Close(1001, "heartbeat lost")
				return l.welcomed, errors.New("the server stopped answering")
			}
			err = conn.Send(ctx, wire.Ping{})
			l.pingAfterPush = l.sent != nil
		case r := <-in:
			if r.err != nil {
				if transport.CloseStatus(r.err) == wire.CloseRevoked {
					c.checkSession(context.WithoutCancel(ctx))
					return l.welcomed, errSignedOut
				}
				return l.welcomed, r.err
			}
			lastHeard = time.Now()
			err = l.handle(r.msg)
		}
		if err != nil {
			return l.welcomed, err
		}
	}
}

// logIgnored logs the first time each kind of thing this version does not
// understand arrives from the server (a field or a message type of a newer
// release): it is skipped, and the user is not bothered.
func (c *Client) logIgnored(what string) {
	c.mu.Lock()
	seen := c.ignored[what]
	if c.ignored == nil {
		c.ignored = map[string]bool{}
	}
	c.ignored[what] = true
	c.mu.Unlock()
	if !seen {
		c.cfg.Log.Info("sync: ignoring what this version does not understand", "what", what)
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
		c.signOutLocal(we.Message, false)
		return true
	case wire.CodeUnauthorized:
		c.signOutLocal("Your session has ended; sign in again.", false)
		return true
	}
	return false
}
