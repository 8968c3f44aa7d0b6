package store

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A store written before the outbox kept its due order gets one when it
// is opened, so its queued mail is still sent.
func TestBoltIndexesAnOlderOutbox(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	err = st.Update(context.Background(), func(tx Tx) error {
		for _, to := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			if err := tx.Enqueue(Mail{To: to, Subject: "s", Text: "t", Created: now, Next: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// As the older version left it: mail, no due order, no schema version.
	st = reopenAsOlder(t, st, dir, func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bOutboxDue); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bMeta); err != nil {
			return err
		}
		_, err := tx.CreateBucket(bOutboxDue)
		return err
	})
	defer st.Close()
	var due []Mail
	if err := st.View(context.Background(), func(tx Tx) (err error) { due, err = tx.DueMail(now, 10); return }); err != nil {
		t.Fatal(err)
	}
	if len(due) != 3 || due[0].To != "a@example.com" || due[2].To != "c@example.com" {
		t.Fatalf("due after reopening: %+v, want the 3 queued mails in order", due)
	}
	if v, _ := st.SchemaVersion(); v != BoltSchemaVersion {
		t.Fatalf("migrated store records schema %d, want %d", v, BoltSchemaVersion)
	}
}

// A store another server holds is refused with a message that says so.
func TestBoltHeldByAnotherServer(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = OpenBolt(dir)
	if err == nil || !strings.Contains(err.Error(), "another server is using it") {
		t.Fatalf("opening a held store: %v, want it to say another server holds it", err)
	}
}

// A store records its schema version; one from a newer server is refused
// with a message that says what to do, and left as it was.
func TestBoltSchemaVersion(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := st.SchemaVersion(); err != nil || v != BoltSchemaVersion || v < 1 {
		t.Fatalf("a new store records schema %d (%v), want %d", v, err, BoltSchemaVersion)
	}
	// As a newer server would leave it.
	st.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Put(kSchema, []byte{0, 0, 0, 0, 0, 0, 0, byte(BoltSchemaVersion + 1)})
	})
	st.Close()
	_, err = OpenBolt(dir)
	if err == nil || !strings.Contains(err.Error(), "newer DialNexa server") || !strings.Contains(err.Error(), "restore a backup") {
		t.Fatalf("opening a newer store: %v; want a refusal saying what to do", err)
	}
	db, err := bolt.Open(dir+"/dialnexa.db", 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bMeta).Get(kSchema); v[7] != byte(BoltSchemaVersion+1) {
			t.Errorf("the refused store's version was changed to %v", v)
		}
		return nil
	})
}

// A store written before the passkey index was kept gets it on opening:
// its accounts' passkeys are claimed by them.
func TestBoltIndexesOlderPasskeys(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	err = st.Update(context.Background(), func(tx Tx) error {
		a := Account{ID: "p1", Email: "p1@example.com", DisplayName: "P1", Created: now,
			Passkeys: []Passkey{{ID: "cred-old", Name: "Laptop", Created: now}}}
		return tx.CreateAccount(a)
	})
	if err != nil {
		t.Fatal(err)
	}
	// As the older version left it: no index, schema 1.
	st = reopenAsOlder(t, st, dir, func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bPasskeys); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bPasskeys); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(kSchema, binary.BigEndian.AppendUint64(nil, 1))
	})
	defer st.Close()
	err = st.Update(context.Background(), func(tx Tx) error { return tx.ClaimPasskey("cred-old", "p2") })
	if !errors.Is(err, ErrPasskeyTaken) {
		t.Fatalf("an older account's passkey claimed by another after the upgrade: %v, want ErrPasskeyTaken", err)
	}
	if v, _ := st.SchemaVersion(); v != BoltSchemaVersion {
		t.Fatalf("migrated store records schema %d, want %d", v, BoltSchemaVersion)
	}
}

// reopenAsOlder rewrites the store in dir as an older version left it
// (older), closes it and opens it again, applying the migrations.
func reopenAsOlder(t *testing.T, st *Bolt, dir string, older func(*bolt.Tx) error) *Bolt {
	t.Helper()
	err := st.db.Update(older)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	st, err = OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
