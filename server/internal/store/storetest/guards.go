package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

func testGuards(t *testing.T, st store.Store) {
	view(t, st, func(tx store.Tx) error {
		if _, err := tx.Bucket("signin:1.2.3.4"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Bucket of a new key: %v, want ErrNotFound", err)
		}
		if f, err := tx.Failures("unknown:x"); err != nil || f.Count != 0 || !f.Last.IsZero() {
			t.Errorf("Failures of a new key: %+v, %v; want none", f, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		if err := tx.PutBucket("signin:1.2.3.4", store.Bucket{Tokens: 2.5, At: t0}); err != nil {
			return err
		}
		return tx.PutFailures("unknown:x", store.Failures{Count: 3, Last: t0})
	})
	view(t, st, func(tx store.Tx) error {
		if b, err := tx.Bucket("signin:1.2.3.4"); err != nil || b.Tokens != 2.5 || !b.At.Equal(t0) {
			t.Errorf("Bucket: %+v, %v", b, err)
		}
		if f, err := tx.Failures("unknown:x"); err != nil || f.Count != 3 || !f.Last.Equal(t0) {
			t.Errorf("Failures: %+v, %v", f, err)
		}
		return nil
	})

	lease := func(key string, now time.Time) bool {
		var ok bool
		update(t, st, func(tx store.Tx) (err error) { ok, err = tx.TakeLease(key, now, now.Add(time.Minute)); return })
		return ok
	}
	if !lease("attempt:a", t0) {
		t.Fatal("a free lease was not taken")
	}
	if lease("attempt:a", t0.Add(59*time.Second)) {
		t.Fatal("a held lease was taken again")
	}
	if !lease("attempt:b", t0) {
		t.Fatal("another key's lease was not taken")
	}
	if !lease("attempt:a", t0.Add(time.Minute)) {
		t.Fatal("an expired lease was not taken")
	}
	update(t, st, func(tx store.Tx) error { return tx.DropLease("attempt:a") })
	if !lease("attempt:a", t0.Add(time.Minute)) {
		t.Fatal("a dropped lease was not taken")
	}

	// Concurrent read-modify-writes of one count or bucket lose nothing,
	// even on a key never stored before.
	const n = 20
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			err := st.Update(context.Background(), func(tx store.Tx) error {
				f, err := tx.Failures("unknown:race")
				if err != nil {
					return err
				}
				b, err := tx.Bucket("race")
				if errors.Is(err, store.ErrNotFound) {
					b = store.Bucket{Tokens: 100, At: t0}
				} else if err != nil {
					return err
				}
				f.Count++
				b.Tokens--
				if err := tx.PutFailures("unknown:race", f); err != nil {
					return err
				}
				return tx.PutBucket("race", b)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	view(t, st, func(tx store.Tx) error {
		f, _ := tx.Failures("unknown:race")
		b, _ := tx.Bucket("race")
		if f.Count != n || b.Tokens != 100-n {
			t.Errorf("after %d concurrent updates: count %d, tokens %v; want %d and %d", n, f.Count, b.Tokens, n, 100-n)
		}
		return nil
	})
}
