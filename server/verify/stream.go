package verify

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/dialnexa/account/sync/transport"
)

// streamMessage is what the revocation stream sends: a change, a
// heartbeat with the newest position ("position"), or first a "hello"
// (Reset: the position asked for was pruned; drop everything).
type streamMessage struct {
	Seq   uint64 `json:"seq"`
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Reset bool   `json:"reset"`
	// Until, in the hello: the cache is current once it has applied
	// the changes up to it (the ones missed come after the hello).
	Until uint64 `json:"until"`
}

// follow keeps one connection to the revocation stream until ctx ends,
// reconnecting with backoff and asking for what it missed.
func (c *Checker) follow(ctx context.Context) {
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		if c.stream(ctx) {
			wait = 100 * time.Millisecond // it worked for a while
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// stream reads the stream once, from the position applied; it reports
// whether it got as far as the hello.
func (c *Checker) stream(ctx context.Context) bool {
	c.mu.RLock()
	after := c.cache.pos
	c.mu.RUnlock()
	url := "ws" + c.cfg.Server[len("http"):] + "/internal/v1/revocations"
	if after > 0 {
		url += "?after=" + strconv.FormatUint(after, 10)
	} // else nothing is cached yet: from the newest change
	conn, _, err := transport.Dial(ctx, url, http.Header{"Authorization": {"Bearer " + c.cfg.ServiceToken}}, c.cfg.HTTPClient)
	if err != nil {
		return false
	}
	defer conn.CloseNow()
	hello, caughtUp := false, false
	var until uint64
	for {
		// A silent stream is a dead one: the server speaks every second.
		rctx, cancel := context.WithTimeout(ctx, c.cfg.StaleAfter)
		b, err := conn.RecvRaw(rctx)
		cancel()
		if err != nil {
			return hello
		}
		var m streamMessage
		if json.Unmarshal(b, &m) != nil {
			return hello
		}
		now := c.cfg.Now()
		c.mu.Lock()
		switch m.Kind {
		case "hello":
			hello, until = true, m.Until
			switch {
			case m.Reset:
				c.cache.reset(m.Seq)
			case c.cache.pos == 0:
				c.cache.pos = m.Seq // the first stream: from its newest
			}
		case "position":
		default:
			c.cache.apply(change{Seq: m.Seq, Kind: m.Kind, ID: m.ID}, now)
		}
		c.expire(now)
		caughtUp = caughtUp || (hello && c.cache.pos >= until)
		c.mu.Unlock()
		if caughtUp {
			c.heard.Store(now.UnixNano())
		}
	}
}

// expire forgets, once enough gathered, ended sessions no token can name
// any more.
func (c *Checker) expire(now time.Time) {
	if len(c.cache.ended) >= 1024 || c.cache.tombs >= 1024 {
		c.cache.sweep(now)
	}
}
