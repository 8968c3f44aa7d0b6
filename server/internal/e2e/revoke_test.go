package e2e

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"testing"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

func TestRevokeClosesSocketWipesStoreAndToken401(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a, b := newClient(t, ts), newClient(t, ts)
	signUp(t, a, "marie@example.com", "Marie")
	signIn(t, b, "marie@example.com")
	a.run()
	b.run()
	waitFor(t, "both online", func() bool { return online(a)() && online(b)() })
	waitFor(t, "A sees two sessions", func() bool { return len(a.Snapshot().View.Sessions) == 2 })
	bTok := tokenOf(t, b)
	bSession := b.Snapshot().SessionID
	// B's store holds a preference too, to look for it after the wipe.
	if err := b.SetEmailNotification(model.NotifCampaignCompleted, true); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B's preference synced", online(b))
	if raw, _ := os.ReadFile(b.path); !bytes.Contains(raw, []byte(model.NotifCampaignCompleted)) {
		t.Fatalf("B's store does not hold the preference before the wipe: the check below would prove nothing")
	}

	// A raw socket on B's session too, to watch it close.
	raw := dialRaw(t, ts, bTok, "watcher")

	if err := a.RevokeSession(context.Background(), bSession); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	cutOff(t, ts, raw, bTok, "This session was revoked from another device.")

	waitFor(t, "B signed out", func() bool { return b.Snapshot().Conn == core.SignedOut })
	s := b.Snapshot()
	if s.HasView || s.Pending != 0 || s.SessionID != "" || !contains(s.Notice, "revoked") {
		t.Errorf("B after revocation: view %v pending %d session %q notice %q; want wiped with a revocation notice", s.HasView, s.Pending, s.SessionID, s.Notice)
	}
	st, err := b.store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Confirmed != nil || len(st.Pending) != 0 || st.Meta.Token != "" || st.Meta.SessionID != "" {
		t.Errorf("B's store after revocation still holds data: %+v", st)
	}
	if st.Meta.DeviceID == "" {
		t.Error("B's device id was wiped; it identifies the device, not the account")
	}
	assertNoTrace(t, b.path, "marie@example.com", "Marie", bTok, model.NotifCampaignCompleted)

	// A can no longer see B's session, live.
	waitFor(t, "A sees one session", func() bool { return len(a.Snapshot().View.Sessions) == 1 })
	if s := a.Snapshot(); s.Conn == core.SignedOut {
		t.Error("revoking B signed A out")
	}
}

func TestRevokedWhileOfflineLearnsOnNextConnect(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a, b := newClient(t, ts), newClient(t, ts)
	signUp(t, a, "alan@example.com", "Alan")
	signIn(t, b, "alan@example.com")
	bSession := b.Snapshot().SessionID
	// B is offline (not running) and has a pending edit.
	if err := b.SetDisplayName("Alan T"); err != nil {
		t.Fatal(err)
	}
	if err := a.RevokeSession(context.Background(), bSession); err != nil {
		t.Fatal(err)
	}
	b.run()
	waitFor(t, "B signed out on connect", func() bool { return b.Snapshot().Conn == core.SignedOut })
	if s := b.Snapshot(); s.Pending != 0 || !contains(s.Notice, "revoked") {
		t.Errorf("B: pending %d notice %q, want wiped with revocation notice", s.Pending, s.Notice)
	}
	acc, _ := ts.account("alan@example.com")
	if acc.DisplayName != "Alan" {
		t.Errorf("revoked client's queued edit was applied: name %q", acc.DisplayName)
	}
}

func TestRevokeOtherAccountsSessionIsNotFound(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a, m := newClient(t, ts), newClient(t, ts)
	signUp(t, a, "a1@example.com", "Account One")
	signUp(t, m, "m1@example.com", "Mallory")
	err := m.RevokeSession(context.Background(), a.Snapshot().SessionID)
	var we *wire.Error
	if !errors.As(err, &we) || we.Code != wire.CodeNotFound {
		t.Fatalf("revoking another account's session: %v, want not_found", err)
	}
	if _, err := ts.session(a.Snapshot().SessionID); err != nil {
		t.Errorf("victim session gone: %v", err)
	}
}

// assertNoTrace fails if the raw bytes of the store file at path, freed
// pages included, hold any of secrets.
func assertNoTrace(t *testing.T, path string, secrets ...string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the store file %s still holds %q after the wipe", path, s)
		}
	}
}

// Signing out erases the account from the desktop store file, freed pages
// included.
func TestSignOutLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "leaving@example.com", "Leaving Person")
	tok := tokenOf(t, c)
	c.run()
	waitFor(t, "online", online(c))
	if err := c.SetEmailNotification(model.NotifMonthlySummary, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "preference synced", online(c))
	if raw, _ := os.ReadFile(c.path); !bytes.Contains(raw, []byte("Leaving Person")) || !bytes.Contains(raw, []byte(model.NotifMonthlySummary)) {
		t.Fatal("the store does not hold the account before signing out: the check below would prove nothing")
	}
	c.SignOut(context.Background())
	if s := c.Snapshot(); s.Conn != core.SignedOut {
		t.Fatalf("after sign-out: %s", s.Conn)
	}
	assertNoTrace(t, c.path, "leaving@example.com", "Leaving Person", tok, model.NotifMonthlySummary)
}

// SECURITY: signing out while the server cannot be reached still signs
// out: the account's data is erased at once, and the session is ended on
// the server as soon as it is back, also after the app restarted; once
// told, the token is gone from the store file too.
func TestSignOutOfflineEndsTheSessionWhenTheServerIsBack(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "away@example.com", "Away Person")
	tok := tokenOf(t, c)
	c.run()
	waitFor(t, "online", online(c))
	sid := c.Snapshot().SessionID
	ts.stop()
	waitFor(t, "the client sees the server gone", func() bool { return c.Snapshot().Conn != core.Online })

	c.SignOut(t.Context())
	if s := c.Snapshot(); s.Conn != core.SignedOut || s.View.Profile.Email != "" {
		t.Fatalf("after signing out offline: %s, %+v", s.Conn, s.View.Profile)
	}
	if raw, _ := os.ReadFile(c.path); bytes.Contains(raw, []byte("Away Person")) {
		t.Error("the account's data is still in the store file after signing out offline")
	}

	// The app is closed and opened again before the server is back.
	path := c.path
	c.close()
	c = openClient(t, ts, path)
	if s := c.Snapshot(); s.Conn != core.SignedOut {
		t.Fatalf("reopened after signing out offline: %s", s.Conn)
	}
	ts.start()
	if _, err := ts.session(sid); err != nil {
		t.Fatalf("the server does not hold the session before being told: %v (the check below would prove nothing)", err)
	}
	c.run()
	waitFor(t, "the server ended the session", func() bool {
		_, err := ts.session(sid)
		return errors.Is(err, store.ErrNotFound)
	})
	if a := call(t, ts, "GET", "/v1/me", tok, nil); a.status != http.StatusUnauthorized {
		t.Errorf("the signed-out token after the server was told: %d", a.status)
	}
	c.close()
	assertNoTrace(t, path, "away@example.com", "Away Person", tok)
}
