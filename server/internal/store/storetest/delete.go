package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// DeleteAccount removes everything of the account and nothing of anyone
// else's; audit entries naming it stay, naming nobody.
func testDeleteAccount(t *testing.T, st store.Store) {
	create(t, st, "d", "k")
	fill := func(tx store.Tx, id string) error {
		a, err := tx.Account(id)
		if err != nil {
			return err
		}
		for _, s := range []store.Session{session(id+"-s1", id, t0), session(id+"-s2", id, t0)} {
			if err := tx.PutSession(s); err != nil {
				return err
			}
		}
		if err := tx.AddDevice(id, "dev", t0); err != nil {
			return err
		}
		if err := tx.SetLastMutationID(id, "c", 5); err != nil {
			return err
		}
		if _, err := tx.AddEvent(&a, "k", []byte(`{}`), t0); err != nil {
			return err
		}
		if err := tx.AddActivity(&a, "sign_in", "x", t0); err != nil {
			return err
		}
		if _, err := tx.AddNotification(&a, store.Notification{Type: "t", Title: "n", At: t0}); err != nil {
			return err
		}
		if err := tx.AddCall(id, "ag", t0, true); err != nil {
			return err
		}
		if err := tx.PutResource(id, store.Resource{Kind: "agent", ID: "ag"}); err != nil {
			return err
		}
		if err := tx.PutAvatar(id, []byte("png")); err != nil {
			return err
		}
		if err := tx.PutToken(id+"-link", store.Token{Kind: "reset", AccountID: id, Expires: t0.Add(time.Hour)}); err != nil {
			return err
		}
		return tx.PutAccount(a)
	}
	update(t, st, func(tx store.Tx) error {
		if err := fill(tx, "d"); err != nil {
			return err
		}
		if err := fill(tx, "k"); err != nil {
			return err
		}
		if _, err := tx.AddAudit(store.AuditEntry{WorkspaceID: "w", At: t0, Action: "invitation_sent", ActorID: "k", ActorName: "Name k", TargetEmail: "d@example.com"}); err != nil {
			return err
		}
		_, err := tx.AddAudit(store.AuditEntry{WorkspaceID: "w", At: t0, Action: "member_left", ActorID: "d", ActorName: "Name d", TargetID: "d", TargetName: "Name d"})
		return err
	})
	var ended []string
	update(t, st, func(tx store.Tx) error {
		a, err := tx.Account("d")
		if err != nil {
			return err
		}
		ended, err = tx.DeleteAccount(a, "Your account was deleted.", t0.Add(time.Hour))
		return err
	})
	slices.Sort(ended)
	if !slices.Equal(ended, []string{"d-s1", "d-s2"}) {
		t.Errorf("DeleteAccount ended %v, want both sessions", ended)
	}
	view(t, st, func(tx store.Tx) error {
		_, err := tx.Account("d")
		mustNotFound(t, "deleted account", err)
		_, err = tx.AccountByEmail("d@example.com")
		mustNotFound(t, "deleted account's email", err)
		var e *store.EndedError
		if _, err := tx.SessionByToken("tok-d-s1"); !errors.As(err, &e) || e.Reason != "Your account was deleted." {
			t.Errorf("token of a deleted account: %v, want EndedError", err)
		}
		if ss, _ := tx.Sessions("d"); len(ss) != 0 {
			t.Errorf("sessions left: %+v", ss)
		}
		if k, _ := tx.KnownDevice("d", "dev"); k {
			t.Error("device left")
		}
		if id, _ := tx.LastMutationID("d", "c"); id != 0 {
			t.Error("mutation id left")
		}
		if es, _ := tx.EventsAfter("d", 0, 10); len(es) != 0 {
			t.Error("events left")
		}
		if as, _ := tx.Activity("d", 10); len(as) != 0 {
			t.Error("activity left")
		}
		if ns, _ := tx.Notifications("d", 10); len(ns) != 0 {
			t.Error("notifications left")
		}
		if c, _, _ := tx.CallStats("d", "ag", t0.Add(-time.Hour)); c != 0 {
			t.Error("calls left")
		}
		if rs, _ := tx.Resources("d"); len(rs) != 0 {
			t.Error("resources left")
		}
		_, err = tx.Avatar("d")
		mustNotFound(t, "picture of a deleted account", err)
		_, err = tx.Token("d-link")
		mustNotFound(t, "link of a deleted account", err)
		es, _ := tx.Audit("w", 0, 10)
		if len(es) != 2 {
			t.Fatalf("audit entries: %+v", es)
		}
		for _, e := range es {
			for _, f := range []string{e.ActorID, e.ActorName, e.TargetID, e.TargetEmail, e.TargetName} {
				if strings.Contains(f, "d@example.com") || f == "d" || f == "Name d" {
					t.Errorf("audit entry still names the deleted account: %+v", e)
				}
			}
		}
		if es[0].ActorName != store.DeletedAccountName || es[1].TargetName != store.DeletedAccountName || es[1].ActorID != "k" {
			t.Errorf("audit entries after the deletion: %+v", es)
		}

		// The other account is untouched.
		if _, err := tx.Account("k"); err != nil {
			t.Errorf("the other account: %v", err)
		}
		if ss, _ := tx.Sessions("k"); len(ss) != 2 {
			t.Errorf("the other account's sessions: %d", len(ss))
		}
		if id, _ := tx.LastMutationID("k", "c"); id != 5 {
			t.Error("the other account's mutation id")
		}
		if es, _ := tx.EventsAfter("k", 0, 10); len(es) != 1 {
			t.Error("the other account's events")
		}
		if _, err := tx.Avatar("k"); err != nil {
			t.Error("the other account's picture")
		}
		if _, err := tx.Token("k-link"); err != nil {
			t.Error("the other account's link")
		}
		return nil
	})
	// The address is free again.
	update(t, st, func(tx store.Tx) error { return tx.CreateAccount(newAccount("d")) })
}

// A passkey's credential id belongs to one account: claimed again by it,
// refused to another, free again once released or once its account is
// deleted; a refused claim leaves the holder's claim in place.
func testPasskeys(t *testing.T, st store.Store) {
	create(t, st, "p1", "p2")
	update(t, st, func(tx store.Tx) error {
		for _, id := range []string{"cred-a", "cred-b"} {
			if err := tx.ClaimPasskey(id, "p1"); err != nil {
				return err
			}
		}
		return tx.ClaimPasskey("cred-a", "p1") // again: still its own
	})
	err := st.Update(context.Background(), func(tx store.Tx) error { return tx.ClaimPasskey("cred-a", "p2") })
	if !errors.Is(err, store.ErrPasskeyTaken) {
		t.Fatalf("another account claims a credential id: %v, want ErrPasskeyTaken", err)
	}
	update(t, st, func(tx store.Tx) error {
		if err := tx.ClaimPasskey("cred-a", "p1"); err != nil {
			t.Errorf("the holder after a refused claim: %v", err)
		}
		if err := tx.ReleasePasskey("cred-b"); err != nil {
			return err
		}
		return tx.ClaimPasskey("cred-b", "p2")
	})
	update(t, st, func(tx store.Tx) error {
		a, err := tx.Account("p1")
		if err != nil {
			return err
		}
		a.Passkeys = []store.Passkey{{ID: "cred-a", Name: "Laptop", Created: t0}}
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		_, err = tx.DeleteAccount(a, "Your account was deleted.", t0)
		return err
	})
	update(t, st, func(tx store.Tx) error {
		if err := tx.ClaimPasskey("cred-a", "p2"); err != nil {
			t.Errorf("a deleted account's credential id: %v, want it free", err)
		}
		if err := tx.ClaimPasskey("cred-b", "p1"); !errors.Is(err, store.ErrPasskeyTaken) {
			t.Errorf("a released credential claimed by another: %v, want it taken", err)
		}
		return nil
	})
}

// An invitation to an address the account held, recorded before it moved
// to another address, is bound to the account by the move (it names the
// account by id, no longer the old address) and is forgotten with it; an
// invitation to an address it never held keeps its address.
func testDeleteAccountForgetsEarlierAddresses(t *testing.T, st store.Store) {
	create(t, st, "d", "k")
	update(t, st, func(tx store.Tx) error {
		for _, to := range []string{"d@example.com", "d@example.com", "someone@example.com"} {
			if _, err := tx.AddAudit(store.AuditEntry{WorkspaceID: "w", At: t0, Action: "invitation_sent", ActorID: "k", ActorName: "Name k", TargetEmail: to, Detail: "admin"}); err != nil {
				return err
			}
		}
		a, err := tx.Account("d")
		if err != nil {
			return err
		}
		return tx.ChangeEmail(&a, "d-moved@example.com")
	})
	view(t, st, func(tx store.Tx) error {
		es, err := tx.Audit("w", 0, 10)
		if err != nil || len(es) != 3 {
			t.Fatalf("audit: %+v, %v", es, err)
		}
		if es[0].TargetEmail != "someone@example.com" || es[0].TargetID != "" {
			t.Errorf("an invitation to another address after the move: %+v", es[0])
		}
		for _, e := range es[1:] {
			if e.TargetID != "d" || e.TargetEmail != "" || e.ActorID != "k" || e.Detail != "admin" {
				t.Errorf("an invitation to the account's earlier address after the move: %+v, want it bound to the account", e)
			}
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		a, err := tx.Account("d")
		if err != nil {
			return err
		}
		_, err = tx.DeleteAccount(a, "Your account was deleted.", t0.Add(time.Hour))
		return err
	})
	view(t, st, func(tx store.Tx) error {
		es, _ := tx.Audit("w", 0, 10)
		for _, e := range es {
			for _, f := range []string{e.TargetID, e.TargetEmail, e.TargetName} {
				if strings.Contains(f, "d@example.com") || strings.Contains(f, "d-moved") || f == "d" || f == "Name d" {
					t.Errorf("an audit entry still names the deleted account: %+v", e)
				}
			}
		}
		if len(es) != 3 || es[0].TargetEmail != "someone@example.com" || es[1].TargetName != store.DeletedAccountName || es[2].TargetName != store.DeletedAccountName {
			t.Errorf("audit after the deletion: %+v", es)
		}
		return nil
	})
}

// A job's position never keeps a deleted account's id: an unfinished job
// over every account resumes after the account before it (skipping
// nobody), a finished job keeps no position, and a job positioned
// elsewhere is left alone.
func testDeleteAccountMovesJobs(t *testing.T, st store.Store) {
	create(t, st, "a1", "a2", "a3", "b1")
	jobs := []store.Job{
		{ID: "on-a2", Kind: "k", Cursor: "a2", Created: t0},
		{ID: "in-a2", Kind: "k", Cursor: "a2/ag/x", Created: t0.Add(time.Second)},
		{ID: "done-a2", Kind: "k", Cursor: "a2", Created: t0.Add(2 * time.Second), Finished: t0.Add(time.Minute)},
		{ID: "on-a3", Kind: "k", Cursor: "a3", Created: t0.Add(3 * time.Second)},
		{ID: "on-a20", Kind: "k", Cursor: "a20", Created: t0.Add(4 * time.Second)},
	}
	update(t, st, func(tx store.Tx) error {
		for _, j := range jobs {
			if _, err := tx.AddJob(j); err != nil {
				return err
			}
			if err := tx.PutJob(j); err != nil {
				return err
			}
		}
		return nil
	})
	del := func(id string) {
		update(t, st, func(tx store.Tx) error {
			a, err := tx.Account(id)
			if err != nil {
				return err
			}
			_, err = tx.DeleteAccount(a, "deleted", t0.Add(time.Hour))
			return err
		})
	}
	del("a2")
	del("a1") // now the first: a job after it starts from the beginning
	want := map[string]string{"on-a2": "", "in-a2": "", "done-a2": "", "on-a3": "a3", "on-a20": "a20"}
	view(t, st, func(tx store.Tx) error {
		for id, cursor := range want {
			j, err := tx.Job(id)
			if err != nil {
				return err
			}
			if j.Cursor != cursor {
				t.Errorf("job %s at %q after the deletions, want %q", id, j.Cursor, cursor)
			}
		}
		if ids, _ := tx.AccountIDsAfter("", 10); !slices.Equal(ids, []string{"a3", "b1"}) {
			t.Errorf("accounts left %v", ids)
		}
		return nil
	})
	// With an account before it, the position moves to that account.
	update(t, st, func(tx store.Tx) error {
		if err := tx.PutJob(store.Job{ID: "on-a3", Kind: "k", Cursor: "a3", Created: t0.Add(3 * time.Second)}); err != nil {
			return err
		}
		return tx.CreateAccount(newAccount("a0"))
	})
	del("a3")
	view(t, st, func(tx store.Tx) error {
		j, err := tx.Job("on-a3")
		if err != nil {
			return err
		}
		if j.Cursor != "a0" {
			t.Errorf("job on a3 at %q after its deletion, want a0", j.Cursor)
		}
		if ids, _ := tx.AccountIDsAfter(j.Cursor, 10); !slices.Equal(ids, []string{"b1"}) {
			t.Errorf("the job would resume with %v, want [b1]", ids)
		}
		return nil
	})
}
