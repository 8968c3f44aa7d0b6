package oidc

import (
	"context"
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/server/internal/store/pgtest"
)

// cluster is a private PostgreSQL for the run (none with -short).
var cluster *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &cluster) }

// stores runs fn on a new bbolt store and, without -short, a new
// PostgreSQL database.
func stores(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("bbolt", func(t *testing.T) {
		st, err := store.OpenBolt(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
	if cluster == nil {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		st, err := store.OpenPostgres(context.Background(), cluster.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
}

func ids(keys []store.SigningKey) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.ID)
	}
	return out
}

func publishedIDs(t *testing.T, r *keyRing) []string {
	t.Helper()
	keys, err := r.published(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range keys {
		out = append(out, k.ID())
	}
	return out
}

// Keys rotate on schedule with overlap: a new key is published a lead
// before it signs, and the key it replaces stays published until what it
// signed has expired; then it is deleted.
func TestSigningKeysRotateWithOverlap(t *testing.T) { stores(t, testRotation) }

func testRotation(t *testing.T, st store.Store) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	ring := &keyRing{st: st, now: clock.Now, rand: rand.Reader, lead: DefaultKeyLead}
	ctx := context.Background()

	k1, err := ring.signing(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := publishedIDs(t, ring); len(got) != 1 || got[0] != k1.ID() {
		t.Fatalf("a new store's keys: %v, signing %s", got, k1.ID())
	}

	// Just before the rotation is due, nothing changes.
	clock.Advance(RotateEvery - DefaultKeyLead - time.Minute)
	if k, _ := ring.signing(ctx); k.ID() != k1.ID() || len(publishedIDs(t, ring)) != 1 {
		t.Fatalf("before the rotation: signing %s, published %v", k.ID(), publishedIDs(t, ring))
	}
	// Due: a successor is published, but the old key still signs.
	clock.Advance(time.Minute + ringFresh)
	pub := publishedIDs(t, ring)
	if len(pub) != 2 || pub[0] != k1.ID() {
		t.Fatalf("at the rotation: published %v", pub)
	}
	k2 := pub[1]
	if k, _ := ring.signing(ctx); k.ID() != k1.ID() {
		t.Fatalf("the new key signs before its lead: %s", k.ID())
	}
	// After the lead the new key signs; the old one stays published.
	clock.Advance(DefaultKeyLead)
	if k, _ := ring.signing(ctx); k.ID() != k2 {
		t.Fatalf("after the lead: signing %s, want %s", k.ID(), k2)
	}
	if pub := publishedIDs(t, ring); len(pub) != 2 {
		t.Fatalf("the old key was withdrawn while its tokens live: %v", pub)
	}
	// Once what it signed has expired, it is withdrawn and deleted.
	clock.Advance(keyOverlap + ringFresh)
	if pub := publishedIDs(t, ring); len(pub) != 1 || pub[0] != k2 {
		t.Fatalf("after the overlap: published %v, want only %s", pub, k2)
	}
	var stored []store.SigningKey
	st.View(ctx, func(tx store.Tx) (err error) { stored, err = tx.SigningKeys(); return })
	if len(stored) != 1 || stored[0].ID != k2 {
		t.Errorf("stored keys after the overlap: %v", ids(stored))
	}

	// An operator's rotation publishes one successor however often it is
	// asked; -immediately replaces every key at once.
	keys, err := Rotate(ctx, st, clock.Now(), rand.Reader, DefaultKeyLead, true, false)
	if err != nil || len(keys) != 2 || !keys[1].Signs.Equal(clock.Now().Add(DefaultKeyLead)) {
		t.Fatalf("rotate-keys: %+v, %v", keys, err)
	}
	again, err := Rotate(ctx, st, clock.Now(), rand.Reader, DefaultKeyLead, true, false)
	if err != nil || len(again) != 2 || again[1].ID != keys[1].ID {
		t.Fatalf("rotate-keys twice: %v, %v", ids(again), err)
	}
	now, err := Rotate(ctx, st, clock.Now(), rand.Reader, DefaultKeyLead, true, true)
	if err != nil || len(now) != 1 || !now[0].Signs.Equal(clock.Now()) {
		t.Fatalf("rotate-keys -immediately: %+v, %v", now, err)
	}
	if _, _, err := ring.load(ctx, true); err != nil {
		t.Fatal(err)
	}
	if k, _ := ring.signing(ctx); k.ID() != now[0].ID {
		t.Errorf("after -immediately: signing %s, want %s", k.ID(), now[0].ID)
	}
	if pub := publishedIDs(t, ring); len(pub) != 1 || pub[0] != now[0].ID {
		t.Errorf("after -immediately: published %v", pub)
	}
}

// Nodes starting together on an empty store make one key between them.
func TestNodesMakeOneFirstKey(t *testing.T) { stores(t, testOneFirstKey) }

func testOneFirstKey(t *testing.T, st store.Store) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	got := make([]string, 4)
	for i := range got {
		wg.Go(func() {
			ring := &keyRing{st: st, now: clock.Now, rand: rand.Reader, lead: DefaultKeyLead}
			k, err := ring.signing(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = k.ID()
		})
	}
	wg.Wait()
	for _, id := range got[1:] {
		if id != got[0] {
			t.Fatalf("nodes sign with different first keys: %v", got)
		}
	}
}
