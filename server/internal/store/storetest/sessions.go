package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

func session(id, account string, created time.Time) store.Session {
	return store.Session{ID: id, AccountID: account, TokenHash: "tok-" + id, DeviceKind: "Desktop", Device: "Chrome on Linux",
		Location: "Unknown", Address: "127.0.0.x", DeviceHash: "dev-" + id, Created: created, LastActive: created, SteppedUp: created,
		AuthTime: created, AMR: []string{"pwd", "otp", "mfa"}}
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
		if err != nil || !reflect.DeepEqual(got, s1) {
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
	// A new token replaces the old one.
	update(t, st, func(tx store.Tx) error {
		s, err := tx.Session("s2")
		if err != nil {
			return err
		}
		s.TokenHash = "tok-s2-new"
		return tx.PutSession(s)
	})
	view(t, st, func(tx store.Tx) error {
		if got, err := tx.SessionByToken("tok-s2-new"); err != nil || got.ID != "s2" {
			t.Errorf("the session by its new token: %+v, %v", got, err)
		}
		_, err := tx.SessionByToken("tok-s2")
		mustNotFound(t, "a replaced token", err)
		return nil
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
