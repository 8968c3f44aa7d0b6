package jobs_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/jobs"
	"github.com/dialnexa/account/server/internal/store"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// seed writes n accounts straight into the store.
func seed(t *testing.T, st store.Store, n int, created time.Time) {
	t.Helper()
	err := st.Update(context.Background(), func(tx store.Tx) error {
		for i := range n {
			a := store.Account{ID: fmt.Sprintf("acct-%04d", i), Email: fmt.Sprintf("user%d@example.com", i), DisplayName: "User", Created: created}
			if err := tx.CreateAccount(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// notified counts the accounts' notifications of a type.
func notified(t *testing.T, st store.Store, typ string) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := st.View(context.Background(), func(tx store.Tx) error {
		for after := ""; ; {
			ids, err := tx.AccountIDsAfter(after, 100)
			if err != nil || len(ids) == 0 {
				return err
			}
			for _, id := range ids {
				ns, err := tx.Notifications(id, 100)
				if err != nil {
					return err
				}
				for _, n := range ns {
					if n.Type == typ {
						out[id]++
					}
				}
			}
			after = ids[len(ids)-1]
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Three nodes' runners on one store: a broadcast to 450 accounts (three
// batches) and the month's summaries are each done once, by whichever
// node holds the lease, every account exactly once.
func TestRunnersShareTheWork(t *testing.T) {
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := &clock{t: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	seed(t, st, 450, time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC))
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	var runners []*jobs.Runner
	var svc *account.Service
	for i := range 3 {
		s, err := account.New(account.Config{Store: st, Now: c.Now, Log: log, HashLimit: 1, PublicOrigin: "https://account.dialnexa.test"})
		if err != nil {
			t.Fatal(err)
		}
		svc = s
		r := jobs.New(st, s, fmt.Sprintf("node-%d", i), c.Now, log)
		r.Poll = 10 * time.Millisecond
		runners = append(runners, r)
	}
	j, err := svc.Broadcast(context.Background(), account.ServiceEvent{Type: "platform_status", Title: "Maintenance", Message: "Sunday 02:00 UTC"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, r := range runners {
		wg.Go(func() { r.Run(ctx) })
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := svc.Job(context.Background(), j.ID)
		if err != nil {
			t.Fatal(err)
		}
		sums, _ := svc.Job(context.Background(), account.JobSummaries+"/2026-11")
		if !got.Finished.IsZero() && !sums.Finished.IsZero() {
			if got.Accounts != 450 || got.Count != 450 || sums.Accounts != 450 || sums.Count != 450 {
				t.Errorf("broadcast %+v, summaries %+v; want 450 accounts and notifications each", got, sums)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs not done within 30s: %+v", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	for typ, counts := range map[string]map[string]int{
		"broadcast": notified(t, st, model.NotifPlatformStatus),
		"summaries": notified(t, st, model.NotifMonthlySummary),
	} {
		if len(counts) != 450 {
			t.Errorf("%s reached %d accounts, want 450", typ, len(counts))
		}
		for id, n := range counts {
			if n != 1 {
				t.Errorf("%s: account %s got %d notifications", typ, id, n)
			}
		}
	}
}

// A job stopped between batches (its node died) resumes where its last
// batch left it: no account twice, none missed.
func TestJobResumes(t *testing.T) {
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := &clock{t: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	seed(t, st, 250, c.t.Add(-time.Hour))
	svc, err := account.New(account.Config{Store: st, Now: c.Now, HashLimit: 1, PublicOrigin: "https://account.dialnexa.test"})
	if err != nil {
		t.Fatal(err)
	}
	j, err := svc.Broadcast(context.Background(), account.ServiceEvent{Type: "platform_status", Title: "Maintenance", Message: "Sunday"})
	if err != nil {
		t.Fatal(err)
	}
	// One batch, then the node is gone.
	if j, err = svc.Step(context.Background(), j); err != nil || j.Accounts != 200 || !j.Finished.IsZero() {
		t.Fatalf("first batch: %+v, %v", j, err)
	}
	// Another node picks up the job as stored (a stale copy changes
	// nothing: the stored progress is the truth).
	other, _ := account.New(account.Config{Store: st, Now: c.Now, HashLimit: 1, PublicOrigin: "https://account.dialnexa.test"})
	stale := j
	stale.Cursor, stale.Accounts = "", 0
	if j, err = other.Step(context.Background(), stale); err != nil || j.Accounts != 250 || j.Finished.IsZero() {
		t.Fatalf("resumed: %+v, %v", j, err)
	}
	if j.Cursor != "" {
		t.Errorf("the finished job keeps the position %q, an account's id", j.Cursor)
	}
	counts := notified(t, st, model.NotifPlatformStatus)
	if len(counts) != 250 {
		t.Fatalf("%d accounts notified, want 250", len(counts))
	}
	for id, n := range counts {
		if n != 1 {
			t.Errorf("account %s notified %d times", id, n)
		}
	}
}

// The hourly retention job, run by a runner: old call outcomes, expired
// links and notifications beyond what is kept go; the rest stays.
func TestRetentionJob(t *testing.T) {
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	c := &clock{t: now}
	seed(t, st, 3, now.Add(-24*time.Hour))
	err = st.Update(context.Background(), func(tx store.Tx) error {
		a, err := tx.Account("acct-0001")
		if err != nil {
			return err
		}
		for range account.FeedKept + 30 {
			if _, err := tx.AddNotification(&a, store.Notification{Type: model.NotifPlatformStatus, Title: "t", At: now}); err != nil {
				return err
			}
		}
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		for _, at := range []time.Time{now.Add(-3 * time.Hour), now.Add(-time.Minute)} {
			if err := tx.AddCall("acct-0002", "agent", at, true); err != nil {
				return err
			}
		}
		if err := tx.PutToken("expired", store.Token{Kind: "reset", AccountID: "acct-0002", Expires: now.Add(-time.Second)}); err != nil {
			return err
		}
		return tx.PutToken("live", store.Token{Kind: "reset", AccountID: "acct-0002", Expires: now.Add(time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := account.New(account.Config{Store: st, Now: c.Now, HashLimit: 1, PublicOrigin: "https://account.dialnexa.test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.New(st, svc, "node", c.Now, nil).Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	j, err := svc.Job(context.Background(), account.JobRetention+"/2026-12-02T09")
	if err != nil || j.Finished.IsZero() || j.Count != 30+1+1 {
		t.Fatalf("retention job %+v, %v; want finished, 32 records pruned", j, err)
	}
	err = st.View(context.Background(), func(tx store.Tx) error {
		a, _ := tx.Account("acct-0001")
		ns, _ := tx.Notifications("acct-0001", 1000)
		if len(ns) != account.FeedKept || a.Unread != account.FeedKept {
			t.Errorf("%d notifications kept (unread %d), want %d", len(ns), a.Unread, account.FeedKept)
		}
		if calls, _, _ := tx.CallStats("acct-0002", "agent", now.Add(-24*time.Hour)); calls != 1 {
			t.Errorf("%d call outcomes kept, want the recent one", calls)
		}
		if _, err := tx.Token("live"); err != nil {
			t.Errorf("the live link: %v", err)
		}
		if _, err := tx.Token("expired"); err == nil {
			t.Error("the expired link was kept")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
