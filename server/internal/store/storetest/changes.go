package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

func testChanges(t *testing.T, st store.Store) {
	view(t, st, func(tx store.Tx) error {
		if o, n, err := tx.ChangeBounds(); err != nil || o != 1 || n != 0 {
			t.Errorf("bounds of an empty log: %d, %d, %v", o, n, err)
		}
		return nil
	})
	for i := range 5 {
		update(t, st, func(tx store.Tx) error {
			c, err := tx.AddChange(store.Change{Kind: store.ChangeSession, ID: fmt.Sprint("s", i), At: t0.Add(time.Duration(i) * time.Minute)})
			if err == nil && c.Seq != uint64(i+1) {
				t.Errorf("change %d numbered %d", i, c.Seq)
			}
			return err
		})
	}
	view(t, st, func(tx store.Tx) error {
		cs, err := tx.ChangesAfter(2, 2)
		if err != nil || len(cs) != 2 || cs[0].Seq != 3 || cs[0].ID != "s2" || cs[1].Seq != 4 || !cs[0].At.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("ChangesAfter(2, 2): %+v, %v", cs, err)
		}
		if cs, _ := tx.ChangesAfter(5, 10); len(cs) != 0 {
			t.Errorf("after the newest: %+v", cs)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		n, err := tx.PruneChanges(t0.Add(3*time.Minute), 10)
		if n != 3 {
			t.Errorf("pruned %d, want the 3 older than the time", n)
		}
		return err
	})
	view(t, st, func(tx store.Tx) error {
		if o, n, err := tx.ChangeBounds(); err != nil || o != 4 || n != 5 {
			t.Errorf("bounds after pruning: %d, %d, %v", o, n, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error { _, err := tx.PruneChanges(t0.Add(time.Hour), 10); return err })
	update(t, st, func(tx store.Tx) error {
		if o, n, _ := tx.ChangeBounds(); o != 6 || n != 5 {
			t.Errorf("bounds with nothing kept: %d, %d", o, n)
		}
		c, err := tx.AddChange(store.Change{Kind: store.ChangeDeleted, ID: "a", At: t0})
		if c.Seq != 6 {
			t.Errorf("numbering after everything was pruned: %d", c.Seq)
		}
		return err
	})
}

// testChangesCommitInOrder: however transactions interleave, a reader
// that has seen number n never sees a smaller number appear afterwards.
func testChangesCommitInOrder(t *testing.T, st store.Store) {
	const writers, each = 4, 25
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var readErr error
	var rwg sync.WaitGroup
	rwg.Go(func() {
		var seen uint64
		for {
			select {
			case <-stop:
				return
			default:
			}
			st.View(context.Background(), func(tx store.Tx) error {
				cs, err := tx.ChangesAfter(0, 1000)
				if err != nil {
					return err
				}
				// No gap: a number whose transaction has not committed
				// yet is never skipped by a later one that has.
				for i, c := range cs {
					if c.Seq != uint64(i+1) {
						readErr = fmt.Errorf("the log reads %d where %d should be (newest seen %d)", c.Seq, i+1, seen)
						break
					}
					seen = max(seen, c.Seq)
				}
				return nil
			})
		}
	})
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				err := st.Update(context.Background(), func(tx store.Tx) error {
					_, err := tx.AddChange(store.Change{Kind: store.ChangeAccount, ID: fmt.Sprint(w, "/", i), At: t0})
					if err != nil {
						return err
					}
					// Work after the number is taken: a later number must
					// not commit first.
					_, err = tx.Account(fmt.Sprint("none", i))
					if err != nil && err != store.ErrNotFound {
						return err
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	rwg.Wait()
	if readErr != nil {
		t.Error(readErr)
	}
	view(t, st, func(tx store.Tx) error {
		cs, _ := tx.ChangesAfter(0, 1000)
		if len(cs) != writers*each {
			t.Errorf("%d changes, want %d", len(cs), writers*each)
		}
		return nil
	})
}
