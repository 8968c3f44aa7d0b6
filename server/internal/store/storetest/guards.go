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

	lease := func(key, holder string, now time.Time) bool {
		var ok bool
		update(t, st, func(tx store.Tx) (err error) { ok, err = tx.TakeLease(key, holder, now, now.Add(time.Minute)); return })
		return ok
	}
	if !lease("attempt:a", "n1", t0) {
		t.Fatal("a free lease was not taken")
	}
	if lease("attempt:a", "n2", t0.Add(59*time.Second)) {
		t.Fatal("a held lease was taken by another holder")
	}
	if !lease("attempt:a", "n1", t0.Add(30*time.Second)) {
		t.Fatal("the holder could not renew its lease")
	}
	if lease("attempt:a", "n2", t0.Add(89*time.Second)) {
		t.Fatal("a renewed lease was taken before its new end")
	}
	if !lease("attempt:b", "n2", t0) {
		t.Fatal("another key's lease was not taken")
	}
	if !lease("attempt:a", "n2", t0.Add(90*time.Second)) {
		t.Fatal("an expired lease was not taken")
	}
	update(t, st, func(tx store.Tx) error { return tx.DropLease("attempt:a", "n1") })
	if lease("attempt:a", "n1", t0.Add(91*time.Second)) {
		t.Fatal("a lease was dropped by one who no longer held it")
	}
	update(t, st, func(tx store.Tx) error { return tx.DropLease("attempt:a", "n2") })
	if !lease("attempt:a", "n1", t0.Add(91*time.Second)) {
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

func testJobs(t *testing.T, st store.Store) {
	jobs := []store.Job{
		{ID: "summaries/2026-10", Kind: "summaries", Created: t0},
		{ID: "broadcast/x", Kind: "broadcast", Args: []byte(`{"title":"Maintenance"}`), Created: t0.Add(time.Minute)},
		{ID: "retention/1", Kind: "retention", Created: t0.Add(-time.Minute)},
	}
	update(t, st, func(tx store.Tx) error {
		for _, j := range jobs {
			if ok, err := tx.AddJob(j); err != nil || !ok {
				t.Errorf("AddJob(%s) = %v, %v", j.ID, ok, err)
			}
		}
		if ok, err := tx.AddJob(store.Job{ID: "summaries/2026-10", Kind: "other", Created: t0}); err != nil || ok {
			t.Errorf("AddJob of an existing id = %v, %v; want false", ok, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		j, err := tx.Job("summaries/2026-10")
		if err != nil || j.Kind != "summaries" {
			t.Fatalf("Job = %+v, %v", j, err)
		}
		j.Cursor, j.Accounts, j.Count, j.Finished = "a9", 9, 4, t0.Add(time.Hour)
		return tx.PutJob(j)
	})
	view(t, st, func(tx store.Tx) error {
		if _, err := tx.Job("nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Job of an unknown id: %v", err)
		}
		j, _ := tx.Job("summaries/2026-10")
		if j.Cursor != "a9" || j.Accounts != 9 || j.Count != 4 || !j.Finished.Equal(t0.Add(time.Hour)) {
			t.Errorf("PutJob kept %+v", j)
		}
		b, _ := tx.Job("broadcast/x")
		if string(b.Args) != `{"title":"Maintenance"}` && string(b.Args) != `{"title": "Maintenance"}` {
			t.Errorf("args %s", b.Args)
		}
		pending, err := tx.PendingJobs(10)
		if err != nil || len(pending) != 2 || pending[0].ID != "retention/1" || pending[1].ID != "broadcast/x" {
			t.Errorf("PendingJobs = %+v, %v; want retention then broadcast", pending, err)
		}
		if one, _ := tx.PendingJobs(1); len(one) != 1 {
			t.Errorf("PendingJobs(1) = %d jobs", len(one))
		}
		return nil
	})
}
