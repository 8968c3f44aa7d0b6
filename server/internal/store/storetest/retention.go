package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// pruneAll runs a Prune method batch by batch (two records at a time, in a
// transaction each) until it is through, and returns how many it deleted.
func pruneAll(t *testing.T, st store.Store, fn func(tx store.Tx, from string) (string, int, error)) int {
	t.Helper()
	total, from := 0, ""
	for i := 0; ; i++ {
		if i > 100 {
			t.Fatal("a prune never finished")
		}
		var next string
		var n int
		update(t, st, func(tx store.Tx) (err error) { next, n, err = fn(tx, from); return })
		total += n
		if next == "" {
			return total
		}
		from = next
	}
}

func testRetention(t *testing.T, st store.Store) {
	create(t, st, "a", "b")
	update(t, st, func(tx store.Tx) error {
		for i, at := range []time.Duration{-3 * time.Hour, -2 * time.Hour, -time.Hour, 0} {
			for _, acc := range []string{"a", "b"} {
				if err := tx.AddCall(acc, "agent", t0.Add(at), i%2 == 0); err != nil {
					return err
				}
			}
		}
		for hash, exp := range map[string]time.Duration{"old1": -2 * time.Hour, "old2": -time.Minute, "live": time.Hour} {
			if err := tx.PutToken(hash, store.Token{Kind: "reset", AccountID: "a", Expires: t0.Add(exp)}); err != nil {
				return err
			}
		}
		for id, ended := range map[string]time.Duration{"s-old": -40 * 24 * time.Hour, "s-new": -24 * time.Hour, "s-live": 0} {
			if err := tx.PutSession(store.Session{ID: id, AccountID: "a", TokenHash: "tok-" + id, Created: t0.Add(-50 * 24 * time.Hour)}); err != nil {
				return err
			}
			if ended != 0 {
				if err := tx.EndSession(id, "Signed out.", t0.Add(ended)); err != nil {
					return err
				}
			}
		}
		if err := tx.PutBucket("idle", store.Bucket{Tokens: 1, At: t0.Add(-48 * time.Hour)}); err != nil {
			return err
		}
		if err := tx.PutBucket("busy", store.Bucket{Tokens: 1, At: t0}); err != nil {
			return err
		}
		if err := tx.PutFailures("unknown:old", store.Failures{Count: 3, Last: t0.Add(-48 * time.Hour)}); err != nil {
			return err
		}
		if _, err := tx.TakeLease("gone", "n1", t0.Add(-49*time.Hour), t0.Add(-48*time.Hour)); err != nil {
			return err
		}
		for id, fin := range map[string]time.Time{"done-long-ago": t0.Add(-40 * 24 * time.Hour), "done-today": t0, "running": {}} {
			if _, err := tx.AddJob(store.Job{ID: id, Kind: "retention", Created: t0.Add(-41 * 24 * time.Hour), Finished: fin}); err != nil {
				return err
			}
		}
		return nil
	})

	if n := pruneAll(t, st, func(tx store.Tx, from string) (string, int, error) {
		return tx.PruneCalls(t0.Add(-90*time.Minute), from, 2)
	}); n != 4 {
		t.Errorf("PruneCalls deleted %d, want the 4 older than 90 minutes", n)
	}
	if n := pruneAll(t, st, func(tx store.Tx, from string) (string, int, error) { return tx.PruneLinks(t0, from, 2) }); n != 2 {
		t.Errorf("PruneLinks deleted %d, want the 2 expired", n)
	}
	if n := pruneAll(t, st, func(tx store.Tx, from string) (string, int, error) {
		return tx.PruneEnded(t0.Add(-30*24*time.Hour), from, 2)
	}); n != 1 {
		t.Errorf("PruneEnded deleted %d, want the one ended 40 days ago", n)
	}
	if n := pruneAll(t, st, func(tx store.Tx, from string) (string, int, error) {
		return tx.PruneGuards(t0.Add(-24*time.Hour), from, 2)
	}); n != 3 {
		t.Errorf("PruneGuards deleted %d, want the idle bucket, the old count and the ended lease", n)
	}
	if n := pruneAll(t, st, func(tx store.Tx, from string) (string, int, error) {
		return tx.PruneJobs(t0.Add(-30*24*time.Hour), from, 2)
	}); n != 1 {
		t.Errorf("PruneJobs deleted %d, want the one finished 40 days ago", n)
	}
	view(t, st, func(tx store.Tx) error {
		for _, acc := range []string{"a", "b"} {
			if calls, failed, _ := tx.CallStats(acc, "agent", t0.Add(-24*time.Hour)); calls != 2 || failed != 1 {
				t.Errorf("calls of %s kept: %d (%d failed), want the 2 newest (1 failed)", acc, calls, failed)
			}
		}
		mustNotFound(t, "an expired link", errOnly(tx.Token("old1")))
		if _, err := tx.Token("live"); err != nil {
			t.Errorf("a live link: %v", err)
		}
		mustNotFound(t, "a session ended 40 days ago", errOnly(tx.SessionByToken("tok-s-old")))
		var ended *store.EndedError
		if _, err := tx.SessionByToken("tok-s-new"); !errors.As(err, &ended) {
			t.Errorf("a session ended yesterday: %v, want its reason kept", err)
		}
		if _, err := tx.SessionByToken("tok-s-live"); err != nil {
			t.Errorf("a live session: %v", err)
		}
		mustNotFound(t, "an idle bucket", errOnly(tx.Bucket("idle")))
		if _, err := tx.Bucket("busy"); err != nil {
			t.Errorf("a bucket in use: %v", err)
		}
		if f, _ := tx.Failures("unknown:old"); f.Count != 0 {
			t.Errorf("an old failure count kept: %+v", f)
		}
		mustNotFound(t, "a job finished 40 days ago", errOnly(tx.Job("done-long-ago")))
		for _, id := range []string{"done-today", "running"} {
			if _, err := tx.Job(id); err != nil {
				t.Errorf("job %s: %v", id, err)
			}
		}
		return nil
	})
	// The lease that ended can be taken by anyone.
	update(t, st, func(tx store.Tx) error {
		if ok, err := tx.TakeLease("gone", "n2", t0, t0.Add(time.Minute)); err != nil || !ok {
			t.Errorf("a pruned lease: %v, %v", ok, err)
		}
		return nil
	})
}

func testTrimFeeds(t *testing.T, st store.Store) {
	create(t, st, "a", "b")
	update(t, st, func(tx store.Tx) error {
		for _, id := range []string{"a", "b"} {
			a, err := tx.Account(id)
			if err != nil {
				return err
			}
			for i := range 5 {
				if _, err := tx.AddEvent(&a, "k", []byte(`{}`), t0.Add(time.Duration(i)*time.Minute)); err != nil {
					return err
				}
				if _, err := tx.AddNotification(&a, store.Notification{Type: "t", Title: "n", At: t0}); err != nil {
					return err
				}
				if err := tx.AddActivity(&a, "sign_in", fmt.Sprintf("sign-in %d", i), t0.Add(time.Duration(i)*time.Minute)); err != nil {
					return err
				}
			}
			if err := tx.MarkRead(&a, 4, 5); err != nil { // the newest two read
				return err
			}
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		a, err := tx.Account("a")
		if err != nil {
			return err
		}
		n, err := tx.TrimFeeds(&a, 2)
		if err != nil || n != 9 {
			t.Errorf("TrimFeeds = %d, %v; want 3 events, 3 notifications and 3 activity entries", n, err)
		}
		if a.Unread != 0 {
			t.Errorf("unread after trimming the 3 unread: %d", a.Unread)
		}
		return tx.PutAccount(a)
	})
	view(t, st, func(tx store.Tx) error {
		es, _ := tx.EventsAfter("a", 0, 10)
		ns, _ := tx.Notifications("a", 10)
		acts, _ := tx.Activity("a", 10)
		if len(es) != 2 || es[0].Seq != 4 || len(ns) != 2 || ns[0].ID != 5 || len(acts) != 2 || acts[0].Detail != "sign-in 4" {
			t.Errorf("kept events %+v, notifications %+v, activity %+v; want the 2 newest of each", es, ns, acts)
		}
		other, _ := tx.EventsAfter("b", 0, 10)
		if b, _ := tx.Notifications("b", 10); len(other) != 5 || len(b) != 5 {
			t.Errorf("another account's feeds were trimmed: %d events, %d notifications", len(other), len(b))
		}
		return nil
	})
}

func errOnly[T any](_ T, err error) error { return err }
