package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

func testEvents(t *testing.T, st store.Store) {
	create(t, st, "a", "b")
	update(t, st, func(tx store.Tx) error {
		for _, id := range []string{"a", "b", "a", "a"} {
			a, err := tx.Account(id)
			if err != nil {
				return err
			}
			e, err := tx.AddEvent(&a, "k", []byte(`{"n":1}`), t0)
			if err != nil {
				return err
			}
			if e.Seq != a.EventSeq {
				t.Errorf("event seq %d, account EventSeq %d", e.Seq, a.EventSeq)
			}
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx store.Tx) error {
		es, err := tx.EventsAfter("a", 0, 10)
		if err != nil || len(es) != 3 || es[0].Seq != 1 || es[2].Seq != 3 || string(es[0].Payload) != `{"n":1}` || !es[0].Created.Equal(t0) {
			t.Errorf("EventsAfter(a, 0): %+v, %v", es, err)
		}
		es, _ = tx.EventsAfter("a", 1, 1)
		if len(es) != 1 || es[0].Seq != 2 {
			t.Errorf("EventsAfter(a, 1) limit 1: %+v", es)
		}
		es, _ = tx.EventsAfter("b", 0, 10)
		if len(es) != 1 || es[0].Seq != 1 {
			t.Errorf("EventsAfter(b, 0): %+v (numbered per account)", es)
		}
		es, _ = tx.EventsAfter("a", 3, 10)
		if len(es) != 0 {
			t.Errorf("EventsAfter past the last: %+v", es)
		}
		return nil
	})
}

func testActivityAndNotifications(t *testing.T, st store.Store) {
	create(t, st, "a")
	update(t, st, func(tx store.Tx) error {
		a, err := tx.Account("a")
		if err != nil {
			return err
		}
		for i := range 5 {
			if err := tx.AddActivity(&a, "sign_in", fmt.Sprintf("entry %d", i), t0.Add(time.Duration(i)*time.Minute)); err != nil {
				return err
			}
			if _, err := tx.AddNotification(&a, store.Notification{Type: "t", Title: fmt.Sprintf("n%d", i), Body: "b", Link: "/x", At: t0, Read: true}); err != nil {
				return err
			}
		}
		return tx.PutAccount(a)
	})
	a := account(t, st, "a")
	if a.ActivitySeq != 5 || a.NotifSeq != 5 || a.Unread != 5 {
		t.Errorf("counters after 5 entries: activity %d notif %d unread %d", a.ActivitySeq, a.NotifSeq, a.Unread)
	}
	view(t, st, func(tx store.Tx) error {
		acts, err := tx.Activity("a", 3)
		if err != nil || len(acts) != 3 || acts[0].Detail != "entry 4" || acts[2].Detail != "entry 2" || acts[0].Seq != 5 {
			t.Errorf("Activity newest first, limit 3: %+v, %v", acts, err)
		}
		ns, err := tx.Notifications("a", 10)
		if err != nil || len(ns) != 5 || ns[0].ID != 5 || ns[0].Title != "n4" || ns[0].Read {
			t.Errorf("Notifications newest first, new ones unread: %+v, %v", ns, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		a, err := tx.Account("a")
		if err != nil {
			return err
		}
		if err := tx.MarkRead(&a, 2, 3); err != nil {
			return err
		}
		if err := tx.MarkRead(&a, 3, 3); err != nil { // already read: no change
			return err
		}
		return tx.PutAccount(a)
	})
	if a := account(t, st, "a"); a.Unread != 3 {
		t.Errorf("unread after marking 2 read: %d", a.Unread)
	}
	view(t, st, func(tx store.Tx) error {
		ns, _ := tx.Notifications("a", 10)
		for _, n := range ns {
			if want := n.ID == 2 || n.ID == 3; n.Read != want {
				t.Errorf("notification %d read = %v", n.ID, n.Read)
			}
		}
		return nil
	})
}
