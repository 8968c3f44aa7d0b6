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
		{"Passkeys", testPasskeys},
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
		{"ClaimMail", testClaimMail},
		{"Guards", testGuards},
		{"Jobs", testJobs},
		{"Retention", testRetention},
		{"TrimFeeds", testTrimFeeds},
		{"Avatars", testAvatars},
		{"DeleteAccount", testDeleteAccount},
		{"DeleteAccountForgetsEarlierAddresses", testDeleteAccountForgetsEarlierAddresses},
		{"DeleteAccountMovesJobs", testDeleteAccountMovesJobs},
		{"Apps", testApps},
		{"SigningKeys", testSigningKeys},
		{"AppSessionsEndWithALogout", testAppSessionsEndWithALogout},
		{"Changes", testChanges},
		{"ChangesCommitInOrder", testChangesCommitInOrder},
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
		ids, err := tx.AccountIDsAfter("", 10)
		if err != nil || !slices.Equal(ids, []string{"a1", "a3", "a4"}) {
			t.Errorf("AccountIDsAfter(\"\", 10) = %v, %v", ids, err)
		}
		for _, c := range []struct {
			after string
			limit int
			want  []string
		}{{"", 2, []string{"a1", "a3"}}, {"a1", 2, []string{"a3", "a4"}}, {"a2", 10, []string{"a3", "a4"}}, {"a4", 10, nil}} {
			ids, err := tx.AccountIDsAfter(c.after, c.limit)
			if err != nil || !slices.Equal(ids, c.want) {
				t.Errorf("AccountIDsAfter(%q, %d) = %v, %v; want %v", c.after, c.limit, ids, err, c.want)
			}
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
	if ran {
		t.Error("Update with a cancelled context ran its function")
	}
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Account("late")
		mustNotFound(t, "account written under a cancelled context", err)
		return nil
	})
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
	// Concurrent calls, every fifth of which fails after writing: each
	// failure is its own (and writes nothing), every other call lands.
	refused := errors.New("refused")
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			err := st.Batch(context.Background(), func(tx store.Tx) error {
				if err := tx.SetLastMutationID("b", fmt.Sprintf("client-%d", i), uint64(i+1)); err != nil {
					return err
				}
				if i%5 == 0 {
					return fmt.Errorf("call %d: %w", i, refused)
				}
				return nil
			})
			if i%5 == 0 && !errors.Is(err, refused) {
				t.Errorf("batch %d: %v, want its own refusal", i, err)
			} else if i%5 != 0 && err != nil {
				t.Errorf("batch %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	view(t, st, func(tx store.Tx) error {
		for i := range 200 {
			want := uint64(i + 1)
			if i%5 == 0 {
				want = 0
			}
			if id, err := tx.LastMutationID("b", fmt.Sprintf("client-%d", i)); err != nil || id != want {
				t.Errorf("client-%d: %d, %v; want %d", i, id, err, want)
			}
		}
		return nil
	})
}
