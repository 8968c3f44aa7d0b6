package bus_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialnexa/account/server/internal/bus"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/server/internal/store/pgtest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &cluster) }

// node records what its bus hands it.
type node struct {
	mu      sync.Mutex
	got     []bus.Envelope
	resyncs int
	changed chan struct{}
}

func newNode() *node { return &node{changed: make(chan struct{}, 100)} }

func (n *node) Deliver(e bus.Envelope) {
	n.mu.Lock()
	n.got = append(n.got, e)
	n.mu.Unlock()
	n.changed <- struct{}{}
}

func (n *node) Resync() {
	n.mu.Lock()
	n.resyncs++
	n.mu.Unlock()
	n.changed <- struct{}{}
}

// waitUntil waits for cond, checked after each delivery, for at most 10s.
func (n *node) waitUntil(t *testing.T, what string, cond func(got []bus.Envelope, resyncs int) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		n.mu.Lock()
		ok := cond(n.got, n.resyncs)
		n.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-n.changed:
		case <-deadline:
			n.mu.Lock()
			defer n.mu.Unlock()
			t.Fatalf("%s: not within 10s (got %+v, %d resyncs)", what, n.got, n.resyncs)
		}
	}
}

// run runs b for n until the test ends.
func run(t *testing.T, b bus.Bus, n *node) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := b.Run(ctx, n); err != nil {
			t.Errorf("bus run: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	// Listening once the first (re)connect's resync has come.
	n.waitUntil(t, "the listener to connect", func(_ []bus.Envelope, r int) bool { return r >= 1 })
}

func TestPostgresBus(t *testing.T) {
	url := cluster.NewDatabase(t)
	st, err := store.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, b := bus.NewPostgres(url, "node-a", nil), bus.NewPostgres(url, "node-b", nil)
	b.ReconnectDelay = 50 * time.Millisecond
	na, nb := newNode(), newNode()
	run(t, a, na)
	run(t, b, nb)

	announce := func(from bus.Bus, commit bool, envs ...bus.Envelope) {
		t.Helper()
		errRollback := errors.New("roll back")
		err := st.Update(context.Background(), func(tx store.Tx) error {
			if err := from.Announce(tx, envs); err != nil {
				return err
			}
			if !commit {
				return errRollback
			}
			return nil
		})
		if commit && err != nil || !commit && !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
	}
	// A rolled-back change is never heard of; a committed one is, by the
	// other node only, after anything announced before it.
	announce(a, false, bus.Envelope{Kind: bus.View, ID: "rolled-back"})
	announce(a, true, bus.Envelope{Kind: bus.EndSession, ID: "s1", Reason: "You signed out."}, bus.Envelope{Kind: bus.Event, ID: "acc", Seq: 7})
	nb.waitUntil(t, "node B to hear node A", func(got []bus.Envelope, _ int) bool { return len(got) >= 2 })
	nb.mu.Lock()
	got := nb.got
	nb.mu.Unlock()
	if len(got) != 2 || got[0] != (bus.Envelope{Kind: bus.EndSession, ID: "s1", Reason: "You signed out."}) || got[1] != (bus.Envelope{Kind: bus.Event, ID: "acc", Seq: 7}) {
		t.Fatalf("node B heard %+v", got)
	}

	// Many envelopes go out in several notifications, all heard.
	var many []bus.Envelope
	for i := range 600 {
		many = append(many, bus.Envelope{Kind: bus.View, ID: fmt.Sprintf("account-%04d-%s", i, strings.Repeat("x", 20))})
	}
	announce(b, true, many...)
	na.waitUntil(t, "node A to hear 600 views", func(got []bus.Envelope, _ int) bool { return len(got) >= 600 })
	na.mu.Lock()
	for i, e := range na.got {
		if e != many[i] {
			t.Fatalf("envelope %d: got %+v, want %+v", i, e, many[i])
		}
	}
	na.mu.Unlock()

	// Node B's listener loses its connection: once back, it resyncs, and
	// hears what comes next.
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'listen%' AND pid <> pg_backend_pid()"); err != nil {
		t.Fatal(err)
	}
	nb.waitUntil(t, "node B to resync after reconnecting", func(_ []bus.Envelope, r int) bool { return r >= 2 })
	announce(a, true, bus.Envelope{Kind: bus.EndAccount, ID: "gone", Reason: "Your DialNexa account was deleted."})
	nb.waitUntil(t, "node B to hear node A again", func(got []bus.Envelope, _ int) bool {
		return len(got) == 3 && got[2].Kind == bus.EndAccount
	})
	na.mu.Lock()
	defer na.mu.Unlock()
	if len(na.got) != 600 {
		t.Fatalf("node A heard %d envelopes, want only node B's 600 (never its own)", len(na.got))
	}
}
