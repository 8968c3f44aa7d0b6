// Package revocations serves the revocation stream: DialNexa's services
// (through the public server/verify package) follow the store's changes
// log on one websocket each, to drop a cached session the moment it ends
// or its account changes. The log is the source of truth: a node reads it
// when poked (a change committed here, or announced by another node on
// the bus, or a timer) and sends each follower what is new, in order; a
// follower that reconnects says where it stopped and is sent what it
// missed, or told to drop its cache when that was pruned.
package revocations

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// Message is what the stream sends: a change (Seq, Kind, ID), or a
// heartbeat with the newest position (Kind "position"); the first message
// is Kind "hello" with Reset set when the follower's position was pruned
// (it drops everything it cached); Seq is where the follower stands. The
// changes the follower missed come after the hello.
type Message struct {
	Seq   uint64 `json:"seq"`
	Kind  string `json:"kind"`
	ID    string `json:"id,omitempty"`
	Reset bool   `json:"reset,omitempty"`
	// Until, in the hello, is the change the follower is caught up at
	// once it has the ones sent before the next new one: until then what
	// it holds may be older than the log.
	Until uint64 `json:"until,omitempty"`
}

// Heartbeat is how often an idle stream says where it stands: a follower
// that hears nothing for a few of them takes the stream for down.
const Heartbeat = time.Second

// page is how many changes one store read returns.
const page = 1000

// queueLen bounds what waits for one follower; a follower that falls
// that far behind is disconnected (it reconnects and catches up from the
// store). Its slots are most of what a follower costs the node.
const queueLen = 256

// Hub is one node's revocation stream.
type Hub struct {
	st   store.Store
	log  *slog.Logger
	wake chan struct{}

	mu        sync.Mutex
	last      uint64 // the newest change sent on
	followers map[*follower]bool
	// closed ends every stream (the node shuts down); serving waits for
	// them to end.
	closed    chan struct{}
	closeOnce sync.Once
	serving   sync.WaitGroup
}

// follower is one connected service.
type follower struct {
	queue chan []byte
	slow  chan struct{} // closed when it fell behind
	once  sync.Once
}

// New returns a hub over st; Run it.
func New(st store.Store, log *slog.Logger) *Hub {
	return &Hub{st: st, log: log, wake: make(chan struct{}, 1), followers: map[*follower]bool{}, closed: make(chan struct{})}
}

// Close ends every stream with status 1012 (service restart: followers
// reconnect, to another node) and waits for them to end.
func (h *Hub) Close() {
	h.closeOnce.Do(func() { close(h.closed) })
	h.serving.Wait()
}

// Poke makes the hub read the log now (a change may have committed).
func (h *Hub) Poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Count is the number of connected followers.
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.followers)
}

// Run reads the log when poked (and every Heartbeat, for what a lost
// poke would hide) until ctx ends; a node nobody follows reads nothing.
func (h *Hub) Run(ctx context.Context) {
	t := time.NewTicker(Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
		case <-t.C:
		}
		if err := h.read(ctx); err != nil && ctx.Err() == nil {
			h.log.Error("read the changes log", "err", err)
		}
	}
}

// read sends on what the log holds after the last change sent.
func (h *Hub) read(ctx context.Context) error {
	for {
		h.mu.Lock()
		after, followed := h.last, len(h.followers) > 0
		h.mu.Unlock()
		if !followed {
			return nil // the first follower to join sets where to go on
		}
		var cs []store.Change
		if err := h.st.View(ctx, func(tx store.Tx) (err error) { cs, err = tx.ChangesAfter(after, page); return }); err != nil {
			return err
		}
		h.mu.Lock()
		for _, c := range cs {
			b := message(c)
			for f := range h.followers {
				f.send(b)
			}
			h.last = c.Seq
		}
		h.mu.Unlock()
		if len(cs) < page {
			return nil
		}
	}
}

// message is a change as the stream sends it.
func message(c store.Change) []byte {
	b, _ := json.Marshal(Message{Seq: c.Seq, Kind: c.Kind, ID: c.ID})
	return b
}

func (f *follower) send(b []byte) {
	select {
	case f.queue <- b:
	default:
		f.once.Do(func() { close(f.slow) })
	}
}

// Serve is GET /internal/v1/revocations?after=N (the caller checked the
// service token): it sends the changes after N, then every new one;
// without after, from the newest (a follower with nothing cached).
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request) {
	after, fromNewest := uint64(0), !r.URL.Query().Has("after")
	if !fromNewest {
		var err error
		if after, err = strconv.ParseUint(r.URL.Query().Get("after"), 10, 64); err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]any{"error": wire.Errorf(wire.CodeInvalidArgument,
				"after=%q: give the number of the last change you applied, or leave after out to start from the newest.", r.URL.Query().Get("after"))})
			return
		}
	}
	select {
	case <-h.closed:
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	default:
	}
	h.serving.Add(1)
	defer h.serving.Done()
	c, err := transport.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	// The follower sends nothing; reading notices when it goes.
	var reading sync.WaitGroup
	defer reading.Wait()
	defer cancel()
	reading.Go(func() {
		defer cancel()
		for {
			if _, err := c.RecvRaw(ctx); err != nil {
				return
			}
		}
	})
	f := &follower{queue: make(chan []byte, queueLen), slow: make(chan struct{})}
	hello, err := h.join(ctx, f, after, fromNewest)
	if err != nil {
		h.log.Error("start a revocation stream", "err", err)
		c.Close(1011, "try again")
		return
	}
	defer h.leave(f)
	b, _ := json.Marshal(hello)
	if err := c.SendRaw(ctx, b); err != nil {
		return
	}
	t := time.NewTicker(Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.closed:
			c.Close(1012, "service restart")
			return
		case <-f.slow:
			c.Close(1013, "fell behind: reconnect")
			return
		case b := <-f.queue:
			if err := c.SendRaw(ctx, b); err != nil {
				return
			}
		case <-t.C:
			h.mu.Lock()
			pos := h.last
			h.mu.Unlock()
			b, _ := json.Marshal(Message{Seq: pos, Kind: "position"})
			if err := c.SendRaw(ctx, b); err != nil {
				return
			}
		}
	}
}

// errTooFar is a follower so far behind that catching it up from the
// store does not end (the log grows faster than it is read).
var errTooFar = errors.New("the changes log grows faster than a follower catches up")

// join registers f after queueing what it missed since after (or a
// reset when that was pruned), and returns its hello.
func (h *Hub) join(ctx context.Context, f *follower, after uint64, fromNewest bool) (Message, error) {
	var oldest, newest uint64
	if err := h.st.View(ctx, func(tx store.Tx) (err error) { oldest, newest, err = tx.ChangeBounds(); return }); err != nil {
		return Message{}, err
	}
	if fromNewest {
		after = newest
	}
	hello := Message{Kind: "hello", Seq: after}
	if after+1 < oldest || after > newest {
		// Pruned (or a position from another store): start afresh.
		hello.Reset, hello.Seq, after = true, newest, newest
	}
	// Queue what it missed, up to the newest committed; register once
	// nothing the hub has sent lies beyond what was queued.
	target := newest
	for range 100 {
		for after < target {
			var cs []store.Change
			if err := h.st.View(ctx, func(tx store.Tx) (err error) { cs, err = tx.ChangesAfter(after, page); return }); err != nil {
				return Message{}, err
			}
			if len(cs) == 0 {
				break
			}
			for _, c := range cs {
				f.send(message(c))
				after = c.Seq
			}
		}
		h.mu.Lock()
		if len(h.followers) == 0 {
			h.last = after // nobody else: the hub goes on from here
		}
		if after >= h.last {
			// The hub sends what comes after (a follower ignores what it
			// already has).
			h.followers[f] = true
			hello.Until = max(after, hello.Seq)
			h.mu.Unlock()
			return hello, nil
		}
		target = h.last
		h.mu.Unlock()
	}
	return Message{}, errTooFar
}

func (h *Hub) leave(f *follower) {
	h.mu.Lock()
	delete(h.followers, f)
	h.mu.Unlock()
}
