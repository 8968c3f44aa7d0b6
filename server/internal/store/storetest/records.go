package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

func testServices(t *testing.T, st store.Store) {
	create(t, st, "a")
	update(t, st, func(tx store.Tx) error {
		for i, failed := range []bool{true, false, true, false} {
			if err := tx.AddCall("a", "ag", t0.Add(time.Duration(i)*time.Minute), failed); err != nil {
				return err
			}
		}
		// Two outcomes at the same instant both count.
		if err := tx.AddCall("a", "ag", t0.Add(3*time.Minute), true); err != nil {
			return err
		}
		if err := tx.AddCall("a", "other", t0, true); err != nil {
			return err
		}
		for _, r := range []store.Resource{{Kind: "agent", ID: "ag", Label: "Renewals"}, {Kind: "phone_number", ID: "pn", Label: "+49"}, {Kind: "agent", ID: "ag", Label: "Renamed"}} {
			if err := tx.PutResource("a", r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx store.Tx) error {
		calls, failed, err := tx.CallStats("a", "ag", t0.Add(time.Minute))
		if err != nil || calls != 4 || failed != 2 {
			t.Errorf("CallStats since the second call: %d calls %d failed, %v; want 4 and 2", calls, failed, err)
		}
		calls, _, _ = tx.CallStats("a", "nobody", t0)
		if calls != 0 {
			t.Errorf("an agent with no calls: %d", calls)
		}
		rs, err := tx.Resources("a")
		slices.SortFunc(rs, func(x, y store.Resource) int { return cmpStr(x.Kind+x.ID, y.Kind+y.ID) })
		if err != nil || len(rs) != 2 || rs[0].Label != "Renamed" || rs[1].ID != "pn" {
			t.Errorf("Resources (one per kind and id, the last put wins): %+v, %v", rs, err)
		}
		return nil
	})
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testWorkspaces(t *testing.T, st store.Store) {
	create(t, st, "o", "m", "x")
	w1 := store.Workspace{ID: "w1", Name: "One", Created: t0.Add(time.Minute), Members: []store.Member{{AccountID: "o", Role: store.RoleOwner, Joined: t0}}}
	w2 := store.Workspace{ID: "w2", Name: "Two", Created: t0, Members: []store.Member{{AccountID: "o", Role: store.RoleOwner, Joined: t0}, {AccountID: "m", Role: store.RoleMember, Joined: t0}},
		Invitations: []store.Invitation{{ID: "i1", Email: "x@example.com", Role: store.RoleAdmin, InvitedBy: "o", Sent: t0, Expires: t0.Add(time.Hour), TokenHash: "th"}}}
	update(t, st, func(tx store.Tx) error {
		if err := tx.PutWorkspace(w1, nil); err != nil {
			return err
		}
		return tx.PutWorkspace(w2, nil)
	})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.Workspace("w2")
		if err != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", w2) {
			t.Errorf("Workspace round trip: %+v, %v", got, err)
		}
		ws, _ := tx.Workspaces("o")
		if len(ws) != 2 || ws[0].ID != "w2" || ws[1].ID != "w1" {
			t.Errorf("Workspaces(o), oldest first: %+v", ws)
		}
		ws, _ = tx.Workspaces("x")
		if len(ws) != 0 {
			t.Errorf("Workspaces of a non-member: %+v", ws)
		}
		_, err = tx.Workspace("none")
		mustNotFound(t, "unknown workspace", err)
		return nil
	})
	// m leaves w2, x joins it.
	update(t, st, func(tx store.Tx) error {
		before, err := tx.Workspace("w2")
		if err != nil {
			return err
		}
		after := before
		after.Members = []store.Member{before.Members[0], {AccountID: "x", Role: store.RoleAdmin, Joined: t0}}
		return tx.PutWorkspace(after, &before)
	})
	view(t, st, func(tx store.Tx) error {
		if ws, _ := tx.Workspaces("m"); len(ws) != 0 {
			t.Errorf("a removed member still lists it: %+v", ws)
		}
		if ws, _ := tx.Workspaces("x"); len(ws) != 1 || ws[0].Role("x") != store.RoleAdmin {
			t.Errorf("the new member: %+v", ws)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		w, err := tx.Workspace("w2")
		if err != nil {
			return err
		}
		return tx.DeleteWorkspace(w)
	})
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Workspace("w2")
		mustNotFound(t, "deleted workspace", err)
		if ws, _ := tx.Workspaces("x"); len(ws) != 0 {
			t.Errorf("a deleted workspace is still listed: %+v", ws)
		}
		if ws, _ := tx.Workspaces("o"); len(ws) != 1 || ws[0].ID != "w1" {
			t.Errorf("the owner's other workspace: %+v", ws)
		}
		return nil
	})
}

func testAudit(t *testing.T, st store.Store) {
	var seqs []uint64
	update(t, st, func(tx store.Tx) error {
		for i := range 7 {
			ws := []string{"w1", "w2"}[i%2]
			e, err := tx.AddAudit(store.AuditEntry{WorkspaceID: ws, At: t0.Add(time.Duration(i) * time.Hour), Action: "role_changed",
				ActorID: "o", ActorName: "Olga", TargetID: "m", TargetName: "Max", Detail: "admin"})
			if err != nil {
				return err
			}
			seqs = append(seqs, e.Seq)
		}
		return nil
	})
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("audit numbers do not grow: %v", seqs)
		}
	}
	view(t, st, func(tx store.Tx) error {
		es, err := tx.Audit("w1", 0, 2)
		if err != nil || len(es) != 2 || es[0].Seq != seqs[6] || es[1].Seq != seqs[4] || es[0].ActorName != "Olga" || es[0].WorkspaceID != "w1" {
			t.Errorf("Audit(w1) newest first, limit 2: %+v, %v", es, err)
		}
		es, _ = tx.Audit("w1", seqs[4], 10)
		if len(es) != 2 || es[0].Seq != seqs[2] || es[1].Seq != seqs[0] {
			t.Errorf("Audit(w1) before %d: %+v", seqs[4], es)
		}
		es, _ = tx.Audit("w2", 0, 10)
		if len(es) != 3 {
			t.Errorf("Audit(w2): %d entries, want 3", len(es))
		}
		return nil
	})
	// Entries before t0+3h go, oldest first, limit by limit.
	var n1, n2 int
	update(t, st, func(tx store.Tx) (err error) { n1, err = tx.PruneAudit(t0.Add(3*time.Hour), 2); return })
	update(t, st, func(tx store.Tx) (err error) { n2, err = tx.PruneAudit(t0.Add(3*time.Hour), 10); return })
	if n1 != 2 || n2 != 1 {
		t.Errorf("PruneAudit deleted %d then %d, want 2 then 1", n1, n2)
	}
	view(t, st, func(tx store.Tx) error {
		w1, _ := tx.Audit("w1", 0, 10)
		w2, _ := tx.Audit("w2", 0, 10)
		if len(w1)+len(w2) != 4 || w1[len(w1)-1].Seq != seqs[4] {
			t.Errorf("after pruning: w1 %+v w2 %+v", w1, w2)
		}
		return nil
	})
}

func testOutbox(t *testing.T, st store.Store) {
	stats := func(wantN int, wantOldest time.Time) {
		t.Helper()
		view(t, st, func(tx store.Tx) error {
			n, oldest, err := tx.OutboxStats()
			if err != nil || n != wantN || !oldest.Equal(wantOldest) {
				t.Errorf("OutboxStats = %d, %v, %v; want %d, %v", n, oldest, err, wantN, wantOldest)
			}
			return nil
		})
	}
	stats(0, time.Time{})
	update(t, st, func(tx store.Tx) error {
		for i := range 4 {
			m := store.Mail{To: fmt.Sprintf("u%d@example.com", i), Subject: "s", Text: "t", Link: "https://x/reset#token=1", Created: t0.Add(time.Duration(i) * time.Second), Next: t0.Add(time.Duration(i) * time.Minute)}
			if err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	var due []store.Mail
	view(t, st, func(tx store.Tx) (err error) { due, err = tx.DueMail(t0.Add(2*time.Minute), 10); return })
	if len(due) != 3 || due[0].To != "u0@example.com" || due[2].To != "u2@example.com" || due[0].ID == due[1].ID {
		t.Fatalf("DueMail at +2m: %+v", due)
	}
	view(t, st, func(tx store.Tx) error {
		if ms, _ := tx.DueMail(t0.Add(time.Hour), 2); len(ms) != 2 {
			t.Errorf("DueMail limit 2: %d", len(ms))
		}
		if ms, _ := tx.DueMail(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 10); len(ms) != 4 {
			t.Errorf("DueMail in the year 9999: %d mails, want all 4", len(ms))
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		m := due[0]
		m.Attempts, m.Next, m.LastErr = 1, t0.Add(time.Hour), "451 try later"
		if err := tx.PutMail(m); err != nil {
			return err
		}
		return tx.DeleteMail(due[1].ID)
	})
	stats(3, t0)
	view(t, st, func(tx store.Tx) error {
		ms, _ := tx.DueMail(t0.Add(2*time.Minute), 10)
		if len(ms) != 1 || ms[0].To != "u2@example.com" {
			t.Errorf("after a retry and a delivery: %+v", ms)
		}
		ms, _ = tx.DueMail(t0.Add(time.Hour), 10)
		for _, m := range ms {
			if m.ID == due[0].ID && (m.Attempts != 1 || m.LastErr != "451 try later") {
				t.Errorf("PutMail lost the retry state: %+v", m)
			}
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error { return tx.DeleteMail(due[0].ID) })
	stats(2, t0.Add(2*time.Second))
}

// testClaimMail: a claim leases due mail to one worker until its lease
// ends; concurrent claims get disjoint mails; gone mail stays gone.
func testClaimMail(t *testing.T, st store.Store) {
	update(t, st, func(tx store.Tx) error {
		for i := range 30 {
			m := store.Mail{To: fmt.Sprintf("u%02d@example.com", i), Subject: "s", Text: "t", Created: t0, Next: t0}
			if i == 29 {
				m.Next = t0.Add(time.Hour) // not due yet
			}
			if err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	lease := t0.Add(2 * time.Minute)
	var first []store.Mail
	update(t, st, func(tx store.Tx) (err error) { first, err = tx.ClaimMail(t0, lease, 5); return })
	if len(first) != 5 || first[0].To != "u00@example.com" || first[4].To != "u04@example.com" || !first[0].Next.Equal(lease) {
		t.Fatalf("first claim: %+v", first)
	}
	// Concurrent claims (one per worker) share out the rest: every due
	// mail exactly once.
	claimed := map[string]int{}
	for _, m := range first {
		claimed[m.To]++
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				var ms []store.Mail
				err := st.Update(context.Background(), func(tx store.Tx) (err error) { ms, err = tx.ClaimMail(t0.Add(time.Minute), lease, 3); return })
				if err != nil {
					t.Error(err)
					return
				}
				if len(ms) == 0 {
					return
				}
				mu.Lock()
				for _, m := range ms {
					claimed[m.To]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != 29 {
		t.Fatalf("%d distinct mails claimed, want the 29 due", len(claimed))
	}
	for to, n := range claimed {
		if n != 1 {
			t.Errorf("%s claimed %d times", to, n)
		}
	}
	// A lease that ends makes an unsent mail due again; a sent (deleted)
	// one is gone for good.
	update(t, st, func(tx store.Tx) error { return tx.DeleteMail(first[0].ID) })
	update(t, st, func(tx store.Tx) error { return tx.DeleteMail(first[0].ID) })
	var again []store.Mail
	update(t, st, func(tx store.Tx) (err error) { again, err = tx.ClaimMail(lease, lease.Add(2*time.Minute), 100); return })
	if len(again) != 28 || again[0].To != "u01@example.com" {
		t.Fatalf("after the lease: %d mails, first %+v; want the 28 unsent", len(again), again[0])
	}
	err := st.Update(context.Background(), func(tx store.Tx) error { return tx.PutMail(first[0]) })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PutMail of a deleted mail: %v, want ErrNotFound", err)
	}
}

func testAvatars(t *testing.T, st store.Store) {
	create(t, st, "a")
	png := []byte("\x89PNG fake bytes")
	update(t, st, func(tx store.Tx) error { return tx.PutAvatar("a", png) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.Avatar("a")
		if err != nil || string(got) != string(png) {
			t.Errorf("Avatar round trip: %q, %v", got, err)
		}
		_, err = tx.Avatar("b")
		mustNotFound(t, "no picture", err)
		return nil
	})
	update(t, st, func(tx store.Tx) error { return tx.DeleteAvatar("a") })
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Avatar("a")
		mustNotFound(t, "deleted picture", err)
		return nil
	})
}
