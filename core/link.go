package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// link is the state of one sync connection, owned by the goroutine running
// connect. It sends one push at a time and resends from the server's last
// applied mutation after anything goes wrong, so the server, which applies
// a client's mutations strictly in order, never sees a gap it must skip.
type link struct {
	c       *Client
	ctx     context.Context
	conn    *transport.Conn
	session string // every local write is refused once this is not the replica's
	bg      sync.WaitGroup
	// cached is set when the hello offered a cached view.
	cached   bool
	welcomed bool
	gotView  bool // a view pushed before the welcome is newer than it
	// acked is the last mutation of this client the server has applied.
	acked uint64
	// sent is the push waiting for its answer (nil: none); one at a time.
	sent *sentPush
	// pingAfterPush is set when a ping went out after sent: its pong
	// arriving first means the server passed over the push.
	pingAfterPush bool
	// hold delays the next push (rate limited, server fault); retry fires
	// then. faults counts server faults in a row, for the backoff.
	hold   time.Time
	retry  *time.Timer
	faults int
	// ackWait holds acknowledged mutations whose view has not arrived yet:
	// they stay on top of the view until it does.
	ackWait *wire.PushAck
	// resync is where a request for the whole view stands: until a view
	// arrives, one the server dropped (rate limit, fault) is asked again.
	resync resyncState
}

type resyncState uint8

const (
	resyncNone resyncState = iota
	resyncDue              // to be sent once pushes are no longer held
	resyncSent             // sent, not answered yet
)

type sentPush struct{ first, last uint64 }

func (l *link) handle(msg any) error {
	c := l.c
	switch m := msg.(type) {
	case *wire.Welcome:
		return l.welcome(m)
	case *wire.View:
		raw := m.View
		// The whole view asked for replaces the one held at its version
		// too (what the client holds there is what did not fit).
		force := m.Patch == nil && l.resync != resyncNone && m.Version >= c.replica.Version()
		if m.Patch != nil {
			var err error
			if raw, err = l.patched(m.Base, m.Version, m.Patch, m.ViewHash); err != nil || raw == nil {
				return err
			}
		}
		l.gotView = true
		if err := l.applyView(m.Version, raw, force); err != nil {
			return err
		}
		if l.ackWait != nil && c.replica.Version() >= l.ackWait.Version {
			if err := l.ack(l.ackWait.LastMutationID); err != nil {
				return err
			}
			l.ackWait = nil
		}
	case *wire.PushAck:
		return l.pushAck(m)
	case *wire.Revoked:
		c.signOutLocal(m.Reason, false)
		return errSignedOut
	case *wire.Error:
		return l.serverError(m)
	case *wire.Event:
		return c.handleEvent(l.session, m)
	case *wire.Pong:
		if l.pingAfterPush && l.sent != nil {
			// The server answered a later message but not the push: it
			// never took it. Send again from where the server stands.
			l.sent, l.pingAfterPush = nil, false
			return l.flush()
		}
	}
	return nil
}

func (l *link) welcome(m *wire.Welcome) error {
	c := l.c
	c.setRelease(m.Release)
	if !l.cached {
		// Nothing cached: start from the account's current events
		// instead of its history.
		err := c.replica.UpdateMeta(func(meta *Meta) error {
			if meta.SessionID != l.session {
				return errSignedOut
			}
			meta.LastEventSeq = max(meta.LastEventSeq, m.EventSeq)
			return nil
		})
		if err != nil {
			return err
		}
	}
	// The welcome is authoritative (even over a cached view with a higher
	// version, as after a server restore), unless a newer view already
	// arrived on this connection. Without a view or a patch it says the
	// cached view is current.
	raw := m.View
	if m.Patch != nil {
		var err error
		if raw, err = l.patched(m.Base, m.Version, m.Patch, m.ViewHash); err != nil {
			return err
		}
	} else if raw == nil && m.Version != l.c.replica.Version() && !l.gotView {
		// Told the view is current when it is not: ask for it.
		if err := l.askWhole(); err != nil {
			return err
		}
	}
	if raw != nil {
		if err := l.applyView(m.Version, raw, !l.gotView); err != nil {
			return err
		}
	}
	if err := c.replica.Ack(l.session, m.LastMutationID); err != nil {
		return err
	}
	if _, err := c.replica.Renumber(l.session, m.LastMutationID); err != nil {
		return err
	}
	l.acked, l.welcomed = m.LastMutationID, true
	return l.flush()
}

func (l *link) pushAck(m *wire.PushAck) error {
	c := l.c
	c.ackNotices(m)
	if s := l.sent; s != nil && answers(m, s) {
		l.sent, l.faults, l.pingAfterPush = nil, 0, false
		if m.LastMutationID+1 < s.first {
			// The server stands below where the push started.
			l.acked = m.LastMutationID
		}
	}
	l.acked = max(l.acked, m.LastMutationID)
	if m.Version == 0 || c.replica.Version() >= m.Version {
		if err := l.ack(m.LastMutationID); err != nil {
			return err
		}
	} else if l.ackWait == nil || m.LastMutationID > l.ackWait.LastMutationID {
		if l.ackWait != nil {
			m.Version = max(m.Version, l.ackWait.Version)
		}
		l.ackWait = m
	}
	return l.flush()
}

// answers reports whether ack is the server's answer to push s: it covers
// the whole push, stopped inside it (at a gap), or says the server stands
// below it. An ack of an earlier push resent by mistake is none of these.
func answers(ack *wire.PushAck, s *sentPush) bool {
	if ack.LastMutationID >= s.last || ack.LastMutationID+1 < s.first {
		return true
	}
	for _, r := range ack.Results {
		if r.ID == s.first {
			return true
		}
	}
	return false
}

// serverError handles an error message: a server fault or rate limit means
// the push in flight was not taken and is sent again after a while; it is
// never shown as a refusal.
func (l *link) serverError(m *wire.Error) error {
	c := l.c
	switch m.Code {
	case wire.CodeSchemaMismatch:
		c.setNotice(m.Message)
		return m
	case wire.CodeUpdateRequired:
		return errOutdated
	case wire.CodeRateLimited, wire.CodeInternal:
		if l.sent == nil && l.resync != resyncSent {
			return nil
		}
		if l.resync == resyncSent {
			l.resync = resyncDue
		}
		l.sent, l.pingAfterPush = nil, false
		wait := time.Duration(m.RetryAfterMs) * time.Millisecond
		if wait <= 0 || m.Code == wire.CodeInternal {
			wait = max(wait, c.backoff(l.faults))
			l.faults++
		}
		l.hold = time.Now().Add(wait)
		l.retry.Reset(wait)
	}
	return nil
}

// flush sends a due request for the whole view and the next push, unless
// one is in flight or they are held.
func (l *link) flush() error {
	if l.resync == resyncDue && !time.Now().Before(l.hold) {
		if err := l.conn.Send(l.ctx, wire.Resync{}); err != nil {
			return err
		}
		l.resync = resyncSent
	}
	if l.welcomed && l.sent == nil && !time.Now().Before(l.hold) {
		ms := l.c.replica.Pending(l.acked)
		if len(ms) > 0 {
			n := min(len(ms), wire.MaxMutationsPerPush)
			p := wire.Push{Mutations: make([]wire.Mutation, n)}
			for i, m := range ms[:n] {
				p.Mutations[i] = wire.Mutation{ID: m.ID, Name: m.Name, Args: m.Args}
			}
			if err := l.conn.Send(l.ctx, p); err != nil {
				return err
			}
			l.sent, l.pingAfterPush = &sentPush{first: ms[0].ID, last: ms[n-1].ID}, false
		}
	}
	if !l.welcomed {
		// Still connecting (Syncing): nothing of the server's is here to
		// call current, so only the count of waiting changes moved.
		l.c.cfg.OnChange()
		return nil
	}
	l.c.updateConn()
	return nil
}

// patched returns the view a patch from version base makes, or nil (and
// asks for the whole view) when the confirmed view is not at base or the
// patch does not fit it; a client already past version ignores it.
func (l *link) patched(base, version uint64, patch json.RawMessage, hash string) (json.RawMessage, error) {
	v, held, ok := l.c.replica.Confirmed()
	if ok && held >= version {
		return nil, nil
	}
	if ok && held == base {
		raw, err := patchView(v, patch, hash)
		if err == nil {
			return raw, nil
		}
		if !errors.Is(err, errPatch) {
			return nil, err
		}
		l.c.cfg.Log.Warn("sync: a view patch did not fit; asking for the whole view", "err", err)
	}
	return nil, l.askWhole()
}

// askWhole asks the server for the whole view, now or, while messages are
// held, when the hold ends; a request already unanswered is not repeated.
func (l *link) askWhole() error {
	if l.resync != resyncNone {
		return nil
	}
	l.resync = resyncDue
	if time.Now().Before(l.hold) {
		return nil // the retry timer sends it
	}
	if err := l.conn.Send(l.ctx, wire.Resync{}); err != nil {
		return err
	}
	l.resync = resyncSent
	return nil
}

func (l *link) applyView(version uint64, raw json.RawMessage, force bool) error {
	var v model.View
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("read account view from server: %w", err)
	}
	changed, err := l.c.replica.Confirm(l.session, version, v, force)
	if err != nil {
		return err
	}
	if version >= l.c.replica.Version() {
		l.resync = resyncNone // in step again
	}
	if changed {
		l.c.cfg.OnChange()
		l.refreshAvatar(v.Profile.Avatar)
	}
	return nil
}

// ack drops the mutations the server has applied and whose view is here.
func (l *link) ack(last uint64) error {
	if err := l.c.replica.Ack(l.session, last); err != nil {
		return err
	}
	l.c.updateConn()
	return nil
}

// setRelease records the desktop release the server announced (nil: none).
func (c *Client) setRelease(r *wire.Release) {
	var rel *Release
	if r != nil && r.Version != "" && strings.HasPrefix(r.URL, "https://") {
		rel = &Release{Version: r.Version, URL: r.URL}
	}
	c.mu.Lock()
	changed := (c.release == nil) != (rel == nil) || rel != nil && *c.release != *rel
	c.release = rel
	c.mu.Unlock()
	if changed {
		c.cfg.OnChange()
	}
}
