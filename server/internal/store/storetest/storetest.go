// Package storetest is the contract every store backend passes: the
// semantics of each Tx method (not-found, conflicts, ordering, limits,
// deletion cascades), transactions that commit whole or not at all, and no
// lost update under concurrent transactions. A backend's test calls Run
// with a function that opens a fresh, empty store.
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

// Run runs the contract against stores made by open, a fresh empty one per
// subtest (open closes it when the test ends).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"Accounts", testAccounts},
		{"ChangeEmail", testChangeEmail},
		{"Transactions", testTransactions},
		{"NoLostUpdate", testNoLostUpdate},
		{"Batch", testBatch},
		{"Sessions", testSessions},
		{"DevicesAndMutationIDs", testDevicesAndMutationIDs},
		{"Links", testLinks},
		{"Events", testEvents},
		{"ActivityAndNotifications", testActivityAndNotifications},
		{"Services", testServices},
		{"Workspaces", testWorkspaces},
		{"Audit", testAudit},
		{"Outbox", testOutbox},
		{"Avatars", testAvatars},
		{"DeleteAccount", testDeleteAccount},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// t0 is a fixed time, in UTC and whole microseconds (what every backend
// keeps exactly).
var t0 = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)

func update(t *testing.T, st store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, st store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := st.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func newAccount(id string) store.Account {
	return store.Account{ID: id, Email: id + "@example.com", PasswordHash: "hash-" + id, DisplayName: "Name " + id, Created: t0}
}

func create(t *testing.T, st store.Store, ids ...string) {
	t.Helper()
	update(t, st, func(tx store.Tx) error {
		for _, id := range ids {
			if err := tx.CreateAccount(newAccount(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

func account(t *testing.T, st store.Store, id string) store.Account {
	t.Helper()
	var a store.Account
	view(t, st, func(tx store.Tx) (err error) { a, err = tx.Account(id); return })
	return a
}

func mustNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: %v, want ErrNotFound", what, err)
	}
}

func testAccounts(t *testing.T, st store.Store) {
	full := newAccount("a1")
	full.Version, full.LinkEpoch, full.EventSeq, full.ActivitySeq = 7, 2, 3, 4
	full.Failures, full.LastFailure = 5, t0.Add(time.Minute)
	full.TwoFactor = store.TwoFactor{Enabled: true, Secret: "SECRET", LastStep: 99, BackupCodes: []string{"h1", "h2"}}
	full.Avatar, full.EmailPrefs = "abc123", map[string]bool{"team_member_joined": true}
	full.NotifSeq, full.Unread = 8, 2
	full.Usage = map[string]store.Usage{"2026-11": {Calls: 10, Failed: 1, Campaigns: 2}}
	full.SummarySent, full.AgentAlerted, full.Wallet = "2026-10", map[string]time.Time{"ag": t0}, "12.50 USD"
	full.Alerts = []store.OpenAlert{{ID: 3, SessionID: "s9", Device: "Chrome on Linux", Location: "Berlin", Address: "203.0.113.x", At: t0}}
	update(t, st, func(tx store.Tx) error { return tx.CreateAccount(full) })
	got := account(t, st, "a1")
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", full) {
		t.Errorf("account round trip:\n got %+v\nwant %+v", got, full)
	}
	view(t, st, func(tx store.Tx) error {
		a, err := tx.AccountByEmail("a1@example.com")
		if err != nil || a.ID != "a1" {
			t.Errorf("AccountByEmail = %v, %v", a.ID, err)
		}
		_, err = tx.Account("nobody")
		mustNotFound(t, "unknown account", err)
		_, err = tx.AccountByEmail("nobody@example.com")
		mustNotFound(t, "unknown email", err)
		return nil
	})
	// An address is taken by one account only.
	dup := newAccount("a2")
	dup.Email = "a1@example.com"
	err := st.Update(context.Background(), func(tx store.Tx) error { return tx.CreateAccount(dup) })
	if !errors.Is(err, store.ErrEmailTaken) {
		t.Errorf("second account with the same email: %v, want ErrEmailTaken", err)
	}
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Account("a2")
		mustNotFound(t, "the refused account", err)
		return nil
	})
	// PutAccount keeps changes.
	update(t, st, func(tx store.Tx) error {
		a, err := tx.Account("a1")
		if err != nil {
			return err
		}
		a.DisplayName, a.Version = "Renamed", a.Version+1
		return tx.PutAccount(a)
	})
	if a := account(t, st, "a1"); a.DisplayName != "Renamed" || a.Version != 8 {
		t.Errorf("after PutAccount: %q v%d", a.DisplayName, a.Version)
	}
	create(t, st, "a3", "a4")
	view(t, st, func(tx store.Tx) error {
		ids, err := tx.AccountIDs()
		slices.Sort(ids)
		if err != nil || !slices.Equal(ids, []string{"a1", "a3", "a4"}) {
			t.Errorf("AccountIDs = %v, %v", ids, err)
		}
		return nil
	})
}

func testChangeEmail(t *testing.T, st store.Store) {
	create(t, st, "a", "b")
	update(t, st, func(tx store.Tx) error {
		a, err := tx.Account("a")
		if err != nil {
			return err
		}
		if err := tx.ChangeEmail(&a, "new@example.com"); err != nil {
			return err
		}
		if a.Email != "new@example.com" {
			t.Errorf("ChangeEmail left the account's Email %q", a.Email)
		}
		return nil
	})
	view(t, st, func(tx store.Tx) error {
		_, err := tx.AccountByEmail("a@example.com")
		mustNotFound(t, "the old address", err)
		a, err := tx.AccountByEmail("new@example.com")
		if err != nil || a.ID != "a" || a.Email != "new@example.com" {
			t.Errorf("the new address: %+v, %v", a, err)
		}
		return nil
	})
	err := st.Update(context.Background(), func(tx store.Tx) error {
		b, err := tx.Account("b")
		if err != nil {
			return err
		}
		return tx.ChangeEmail(&b, "new@example.com")
	})
	if !errors.Is(err, store.ErrEmailTaken) {
		t.Errorf("taking another account's address: %v, want ErrEmailTaken", err)
	}
	if b := account(t, st, "b"); b.Email != "b@example.com" {
		t.Errorf("refused change moved b to %q", b.Email)
	}
	// The freed address can be used again.
	update(t, st, func(tx store.Tx) error {
		c := newAccount("c")
		c.Email = "a@example.com"
		return tx.CreateAccount(c)
	})
}

var errAbort = errors.New("abort")

func testTransactions(t *testing.T, st store.Store) {
	// An error rolls back everything of the transaction.
	err := st.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateAccount(newAccount("gone")); err != nil {
			return err
		}
		if err := tx.PutToken("h", store.Token{Kind: "reset", AccountID: "gone", Expires: t0}); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("Update returned %v, want the fn's error", err)
	}
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Account("gone")
		mustNotFound(t, "account of a rolled-back transaction", err)
		_, err = tx.AccountByEmail("gone@example.com")
		mustNotFound(t, "email of a rolled-back transaction", err)
		_, err = tx.Token("h")
		mustNotFound(t, "token of a rolled-back transaction", err)
		return nil
	})
	// A read-only transaction cannot write.
	err = st.View(context.Background(), func(tx store.Tx) error { return tx.CreateAccount(newAccount("ro")) })
	if err == nil {
		t.Error("View allowed a write")
	}
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Account("ro")
		mustNotFound(t, "account written in View", err)
		return nil
	})
	// A done context starts nothing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := st.Update(ctx, func(tx store.Tx) error { ran = true; return tx.CreateAccount(newAccount("late")) }); err == nil {
		t.Error("Update with a cancelled context succeeded")
	}
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Account("late")
		mustNotFound(t, "account written under a cancelled context", err)
		return nil
	})
	_ = ran
}

// Concurrent read-modify-write transactions on one account lose nothing.
func testNoLostUpdate(t *testing.T, st store.Store) {
	create(t, st, "n")
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				err := st.Update(context.Background(), func(tx store.Tx) error {
					a, err := tx.Account("n")
					if err != nil {
						return err
					}
					a.Version++
					return tx.PutAccount(a)
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent update: %v", err)
	}
	if v := account(t, st, "n").Version; v != workers*each {
		t.Errorf("after %d concurrent increments the version is %d", workers*each, v)
	}
}

func testBatch(t *testing.T, st store.Store) {
	create(t, st, "b")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			err := st.Batch(context.Background(), func(tx store.Tx) error {
				return tx.SetLastMutationID("b", fmt.Sprintf("client-%d", i), uint64(i+1))
			})
			if err != nil {
				t.Errorf("batch %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	view(t, st, func(tx store.Tx) error {
		for i := range 20 {
			if id, err := tx.LastMutationID("b", fmt.Sprintf("client-%d", i)); err != nil || id != uint64(i+1) {
				t.Errorf("client-%d: %d, %v", i, id, err)
			}
		}
		return nil
	})
}

func session(id, account string, created time.Time) store.Session {
	return store.Session{ID: id, AccountID: account, TokenHash: "tok-" + id, DeviceKind: "Desktop", Device: "Chrome on Linux",
		Location: "Unknown", Address: "127.0.0.x", DeviceHash: "dev-" + id, Created: created, LastActive: created, SteppedUp: created}
}

func testSessions(t *testing.T, st store.Store) {
	create(t, st, "a", "b")
	s1, s2, s3 := session("s1", "a", t0.Add(2*time.Minute)), session("s2", "a", t0), session("s3", "b", t0)
	update(t, st, func(tx store.Tx) error {
		for _, s := range []store.Session{s1, s2, s3} {
			if err := tx.PutSession(s); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.Session("s1")
		if err != nil || got != s1 {
			t.Errorf("Session round trip: %+v, %v", got, err)
		}
		got, err = tx.SessionByToken("tok-s2")
		if err != nil || got.ID != "s2" {
			t.Errorf("SessionByToken: %+v, %v", got, err)
		}
		ss, err := tx.Sessions("a")
		if err != nil || len(ss) != 2 || ss[0].ID != "s2" || ss[1].ID != "s1" {
			t.Errorf("Sessions(a), oldest first: %+v, %v", ss, err)
		}
		_, err = tx.Session("none")
		mustNotFound(t, "unknown session", err)
		_, err = tx.SessionByToken("tok-none")
		mustNotFound(t, "unknown token", err)
		return nil
	})
	// A changed session keeps its token.
	update(t, st, func(tx store.Tx) error {
		s, err := tx.Session("s1")
		if err != nil {
			return err
		}
		s.LastActive = t0.Add(time.Hour)
		return tx.PutSession(s)
	})
	update(t, st, func(tx store.Tx) error { return tx.EndSession("s1", "Revoked from Chrome.", t0.Add(3*time.Hour)) })
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Session("s1")
		mustNotFound(t, "ended session", err)
		_, err = tx.SessionByToken("tok-s1")
		var ended *store.EndedError
		if !errors.As(err, &ended) || ended.Reason != "Revoked from Chrome." || !ended.At.Equal(t0.Add(3*time.Hour)) {
			t.Errorf("token of an ended session: %v, want EndedError with the reason and time", err)
		}
		ss, _ := tx.Sessions("a")
		if len(ss) != 1 || ss[0].ID != "s2" {
			t.Errorf("Sessions after ending one: %+v", ss)
		}
		return nil
	})
	err := st.Update(context.Background(), func(tx store.Tx) error { return tx.EndSession("none", "x", t0) })
	mustNotFound(t, "ending an unknown session", err)
}

func testDevicesAndMutationIDs(t *testing.T, st store.Store) {
	create(t, st, "a", "b")
	view(t, st, func(tx store.Tx) error {
		if has, err := tx.HasDevices("a"); err != nil || has {
			t.Errorf("HasDevices of a new account: %v, %v", has, err)
		}
		if id, err := tx.LastMutationID("a", "c1"); err != nil || id != 0 {
			t.Errorf("LastMutationID of an unseen client: %d, %v", id, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		if err := tx.AddDevice("a", "d1", t0); err != nil {
			return err
		}
		return tx.SetLastMutationID("a", "c1", 41)
	})
	update(t, st, func(tx store.Tx) error { return tx.SetLastMutationID("a", "c1", 42) })
	view(t, st, func(tx store.Tx) error {
		if k, _ := tx.KnownDevice("a", "d1"); !k {
			t.Error("KnownDevice after AddDevice is false")
		}
		if k, _ := tx.KnownDevice("a", "d2"); k {
			t.Error("an unknown device is known")
		}
		if k, _ := tx.KnownDevice("b", "d1"); k {
			t.Error("another account's device is known")
		}
		if has, _ := tx.HasDevices("a"); !has {
			t.Error("HasDevices after AddDevice is false")
		}
		if id, _ := tx.LastMutationID("a", "c1"); id != 42 {
			t.Errorf("LastMutationID = %d, want 42", id)
		}
		if id, _ := tx.LastMutationID("b", "c1"); id != 0 {
			t.Errorf("another account's client: %d", id)
		}
		return nil
	})
}

func testLinks(t *testing.T, st store.Store) {
	tok := store.Token{Kind: "reset", AccountID: "a", Expires: t0.Add(time.Hour), Data: "x|y", Epoch: 3}
	update(t, st, func(tx store.Tx) error { return tx.PutToken("h1", tok) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.Token("h1")
		if err != nil || got != tok {
			t.Errorf("Token round trip: %+v, %v", got, err)
		}
		_, err = tx.Token("h2")
		mustNotFound(t, "unknown token", err)
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		if err := tx.DeleteToken("h1"); err != nil {
			return err
		}
		return tx.DeleteToken("never-there") // deleting nothing is no error
	})
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Token("h1")
		mustNotFound(t, "deleted token", err)
		return nil
	})
}

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
	update(t, st, func(tx store.Tx) error {
		for i := range 4 {
			m := store.Mail{To: fmt.Sprintf("u%d@example.com", i), Subject: "s", Text: "t", Link: "https://x/reset#token=1", Created: t0, Next: t0.Add(time.Duration(i) * time.Minute)}
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
