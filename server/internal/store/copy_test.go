package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

var c0 = time.Date(2026, 11, 28, 9, 30, 0, 123456789, time.UTC)

// fillForCopy writes one of everything into st.
func fillForCopy(t *testing.T, st store.Store) {
	t.Helper()
	err := st.Update(context.Background(), func(tx store.Tx) error {
		a := store.Account{ID: "acc1", Email: "ada@example.com", PasswordHash: "h", DisplayName: "Ada", Created: c0,
			TwoFactor: store.TwoFactor{Enabled: true, Secret: "S", BackupCodes: []string{"b1"}}}
		if err := tx.CreateAccount(a); err != nil {
			return err
		}
		b := store.Account{ID: "acc2", Email: "bob@example.com", DisplayName: "Bob", Created: c0}
		if err := tx.CreateAccount(b); err != nil {
			return err
		}
		for i, id := range []string{"s1", "s2"} {
			if err := tx.PutSession(store.Session{ID: id, AccountID: "acc1", TokenHash: "tok-" + id, Device: "d", Created: c0.Add(time.Duration(i) * time.Second), LastActive: c0}); err != nil {
				return err
			}
		}
		if err := tx.EndSession("s2", "Revoked.", c0); err != nil {
			return err
		}
		if err := tx.SetLastMutationID("acc1", "client-x", 17); err != nil {
			return err
		}
		if err := tx.AddDevice("acc1", "dev1", c0.Truncate(time.Second)); err != nil {
			return err
		}
		if err := tx.PutToken("link1", store.Token{Kind: "reset", AccountID: "acc1", Expires: c0, Epoch: 2}); err != nil {
			return err
		}
		if _, err := tx.AddEvent(&a, "securityAlert", []byte(`{"x":1}`), c0); err != nil {
			return err
		}
		if err := tx.AddActivity(&a, "sign_in", "Signed in", c0); err != nil {
			return err
		}
		if _, err := tx.AddNotification(&a, store.Notification{Type: "t", Title: "Hi", At: c0}); err != nil {
			return err
		}
		if err := tx.AddCall("acc1", "agent/7", c0, true); err != nil {
			return err
		}
		if err := tx.AddCall("acc1", "agent/7", c0.Add(time.Second), false); err != nil {
			return err
		}
		if err := tx.PutResource("acc1", store.Resource{Kind: "agent", ID: "agent/7", Label: "Renewals"}); err != nil {
			return err
		}
		if err := tx.PutAvatar("acc1", []byte{0x89, 'P', 'N', 'G', 0, 1, 2}); err != nil {
			return err
		}
		w := store.Workspace{ID: "w1", Name: "Team", Created: c0, Members: []store.Member{{AccountID: "acc1", Role: store.RoleOwner}, {AccountID: "acc2", Role: store.RoleMember}}}
		if err := tx.PutWorkspace(w, nil); err != nil {
			return err
		}
		if _, err := tx.AddAudit(store.AuditEntry{WorkspaceID: "w1", At: c0, Action: "invitation_sent", ActorID: "acc1", ActorName: "Ada", TargetEmail: "bob@example.com"}); err != nil {
			return err
		}
		if err := tx.Enqueue(store.Mail{To: "ada@example.com", Subject: "s", Text: "t", Created: c0, Next: c0}); err != nil {
			return err
		}
		return tx.PutAccount(a)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readAll reads, through the store contract, everything fillForCopy wrote.
func readAll(t *testing.T, st store.Store) string {
	t.Helper()
	var b strings.Builder
	err := st.View(context.Background(), func(tx store.Tx) error {
		p := func(v ...any) { fmt.Fprintln(&b, v...) }
		for _, id := range []string{"acc1", "acc2"} {
			a, err := tx.Account(id)
			p(a, err)
			ss, err := tx.Sessions(id)
			p(ss, err)
			es, err := tx.EventsAfter(id, 0, 10)
			p(es, err)
			as, err := tx.Activity(id, 10)
			p(as, err)
			ns, err := tx.Notifications(id, 10)
			p(ns, err)
			rs, err := tx.Resources(id)
			p(rs, err)
			ws, err := tx.Workspaces(id)
			p(ws, err)
		}
		_, err := tx.SessionByToken("tok-s2")
		p(err)
		p(tx.LastMutationID("acc1", "client-x"))
		p(tx.KnownDevice("acc1", "dev1"))
		p(tx.Token("link1"))
		p(tx.CallStats("acc1", "agent/7", c0))
		p(tx.Avatar("acc1"))
		p(tx.Audit("w1", 0, 10))
		p(tx.DueMail(c0, 10))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Moving a deployment: everything the bbolt store holds reads the same
// from PostgreSQL after the copy, numbering goes on after the copied
// records, and a second copy into the same database is refused.
func TestCopyToPostgres(t *testing.T) {
	from, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	fillForCopy(t, from)
	to := openPostgres(t, cluster.NewDatabase(t))
	counts, err := store.CopyToPostgres(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if counts["accounts"] != 2 || counts["sessions"] != 1 || counts["calls"] != 2 || counts["audit"] != 1 {
		t.Errorf("copy counts: %v", counts)
	}
	want, got := readAll(t, from), readAll(t, to)
	for _, v := range []string{"Renewals", "Revoked.", "invitation_sent", "ada@example.com", "securityAlert"} {
		if !strings.Contains(want, v) {
			t.Fatalf("the bbolt side reads no %q: the comparison would prove nothing\n%s", v, want)
		}
	}
	if got != want {
		t.Fatalf("after the copy PostgreSQL reads\n%s\nbbolt reads\n%s", got, want)
	}
	err = to.Update(context.Background(), func(tx store.Tx) error {
		e, err := tx.AddAudit(store.AuditEntry{WorkspaceID: "w1", At: c0, Action: "x"})
		if err == nil && e.Seq != 2 {
			t.Errorf("the next audit entry is numbered %d, want 2", e.Seq)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CopyToPostgres(context.Background(), from, to); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("copying into a database with data: %v", err)
	}
}
