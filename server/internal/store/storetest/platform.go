package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

func testApps(t *testing.T, st store.Store) {
	web := store.App{ID: "web", Name: "Dashboard", RedirectURIs: []string{"https://app.example.com/cb"}, SecretHash: "h",
		FirstParty: true, BackchannelLogoutURI: "https://app.example.com/logout", Created: t0}
	cli := store.App{ID: "cli", Name: "Desktop", RedirectURIs: []string{"http://127.0.0.1/cb"}, Native: true, Created: t0}
	view(t, st, func(tx store.Tx) error {
		_, err := tx.App("web")
		mustNotFound(t, "unregistered app", err)
		apps, err := tx.Apps()
		if err != nil || len(apps) != 0 {
			t.Errorf("Apps of an empty store: %v, %v", apps, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		if err := tx.PutApp(web); err != nil {
			return err
		}
		return tx.PutApp(cli)
	})
	web.Name = "DialNexa dashboard"
	update(t, st, func(tx store.Tx) error { return tx.PutApp(web) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.App("web")
		if err != nil || !reflect.DeepEqual(got, web) {
			t.Errorf("App round trip: %+v, %v", got, err)
		}
		apps, err := tx.Apps()
		if err != nil || len(apps) != 2 || apps[0].ID != "cli" || apps[1].ID != "web" {
			t.Errorf("Apps, by id: %+v, %v", apps, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		if err := tx.DeleteApp("web"); err != nil {
			return err
		}
		return tx.DeleteApp("web") // already gone
	})
	view(t, st, func(tx store.Tx) error {
		_, err := tx.App("web")
		mustNotFound(t, "deleted app", err)
		return nil
	})
}

func testSigningKeys(t *testing.T, st store.Store) {
	k1 := store.SigningKey{ID: "k1", Algorithm: "RS256", Private: []byte{1, 2, 3}, Created: t0.Add(time.Hour), Signs: t0.Add(time.Hour)}
	k2 := store.SigningKey{ID: "k2", Algorithm: "RS256", Private: []byte{4, 5}, Created: t0.Add(2 * time.Hour), Signs: t0.Add(3 * time.Hour)}
	k0 := store.SigningKey{ID: "k0", Algorithm: "RS256", Private: []byte{6}, Created: t0, Signs: t0, Retire: t0.Add(time.Hour)}
	// k3 was published with k2 (as a rotation at one moment does) but
	// signs later: the order is the signing order.
	k3 := store.SigningKey{ID: "a3", Algorithm: "RS256", Private: []byte{7}, Created: t0.Add(2 * time.Hour), Signs: t0.Add(4 * time.Hour)}
	update(t, st, func(tx store.Tx) error {
		for _, k := range []store.SigningKey{k3, k2, k1, k0} {
			if err := tx.PutSigningKey(k); err != nil {
				return err
			}
		}
		return nil
	})
	k1.Retire = t0.Add(4 * time.Hour)
	update(t, st, func(tx store.Tx) error {
		if err := tx.PutSigningKey(k1); err != nil {
			return err
		}
		return tx.DeleteSigningKey("k0")
	})
	view(t, st, func(tx store.Tx) error {
		keys, err := tx.SigningKeys()
		if err != nil || !reflect.DeepEqual(keys, []store.SigningKey{k1, k2, k3}) {
			t.Errorf("SigningKeys, in signing order after an update and a deletion: %+v, %v", keys, err)
		}
		return nil
	})
}

// testAppSessionsEndWithALogout: a session an application signed in to
// owes the application a back-channel logout however it ends (ended on
// its own or with its account), queued in the same transaction; other
// sessions owe nothing.
func testAppSessionsEndWithALogout(t *testing.T, st store.Store) {
	create(t, st, "a", "b")
	app1, app2, own := session("s1", "a", t0), session("s2", "b", t0), session("s3", "a", t0)
	app1.AppID, app2.AppID = "web", "grafana"
	update(t, st, func(tx store.Tx) error {
		for _, s := range []store.Session{app1, app2, own} {
			if err := tx.PutSession(s); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		if err := tx.EndSession("s1", "Revoked.", t0.Add(time.Minute)); err != nil {
			return err
		}
		return tx.EndSession("s3", "Revoked.", t0.Add(time.Minute))
	})
	b := account(t, st, "b")
	update(t, st, func(tx store.Tx) error { _, err := tx.DeleteAccount(b, "Deleted.", t0.Add(2*time.Minute)); return err })
	view(t, st, func(tx store.Tx) error {
		due, err := tx.DueMail(t0.Add(time.Hour), 10)
		if err != nil {
			return err
		}
		var got []store.AppLogout
		for _, m := range due {
			if m.Logout == nil || m.To != "" {
				t.Errorf("outbox holds %+v, want only logouts", m)
				continue
			}
			got = append(got, *m.Logout)
		}
		want := []store.AppLogout{{AppID: "web", SessionID: "s1", AccountID: "a"}, {AppID: "grafana", SessionID: "s2", AccountID: "b"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("logouts queued: %+v, want %+v", got, want)
		}
		return nil
	})
}
