package e2e

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/sync/wire"
)

func TestOfflineEditReplaysAfterRestartAndArrivesLive(t *testing.T) {
	ts := startServer(t)
	a, b := newClient(t, ts), newClient(t, ts)
	signUp(t, a, "ada@example.com", "Ada")
	signIn(t, b, "ada@example.com")
	a.run()
	b.run()
	waitFor(t, "both clients online", func() bool { return online(a)() && online(b)() })

	ts.stop()
	waitFor(t, "client A offline", func() bool { return a.Snapshot().Conn == core.Offline })
	if err := a.SetDisplayName("  Ada Offline  "); err != nil {
		t.Fatalf("offline edit: %v", err)
	}
	s := a.Snapshot()
	if got, want := s.View.Profile.DisplayName, "Ada Offline"; got != want {
		t.Errorf("offline view shows %q, want %q", got, want)
	}
	if s.Pending != 1 || !s.PendingName {
		t.Errorf("offline edit: pending = %d (name pending %v), want 1 pending name", s.Pending, s.PendingName)
	}
	if got := s.StatusText(); !contains(got, "Offline") || !contains(got, "1 change waiting") {
		t.Errorf("status text %q, want offline with 1 change waiting", got)
	}

	ts.start()
	waitFor(t, "B sees the name live", func() bool { return b.Snapshot().View.Profile.DisplayName == "Ada Offline" })
	waitFor(t, "A's queue drained", online(a))
	if got := a.Snapshot().View.Profile.DisplayName; got != "Ada Offline" {
		t.Errorf("A shows %q after sync, want %q", got, "Ada Offline")
	}
}

func TestPendingChangeSurvivesReopenOffline(t *testing.T) {
	ts := startServer(t)
	a := newClient(t, ts)
	signUp(t, a, "grace@example.com", "Grace")
	a.run()
	waitFor(t, "online", online(a))
	ts.stop()
	waitFor(t, "offline", func() bool { return a.Snapshot().Conn == core.Offline })
	if err := a.SetDisplayName("Grace H"); err != nil {
		t.Fatal(err)
	}
	path := a.path
	a.close()

	// Reopen from the local store with the server still down.
	a2 := openClient(t, ts, path)
	s := a2.Snapshot()
	if !s.SignedIn() || !s.HasView {
		t.Fatalf("reopened offline: signed in %v, has view %v; want both", s.SignedIn(), s.HasView)
	}
	if s.View.Profile.DisplayName != "Grace H" || s.Pending != 1 {
		t.Fatalf("reopened offline: name %q pending %d, want %q pending 1", s.View.Profile.DisplayName, s.Pending, "Grace H")
	}
	ts.start()
	a2.run()
	waitFor(t, "reopened client synced", online(a2))
	if got := a2.Snapshot().View.Profile.DisplayName; got != "Grace H" {
		t.Errorf("after sync name = %q, want %q", got, "Grace H")
	}
}

// dialRaw opens a sync socket with a bearer token and says hello as a
// first-release client (protocol 1, nothing cached).
func dialRaw(t testing.TB, ts *testServer, token, clientID string) *websocket.Conn {
	t.Helper()
	s, _ := dialProtocol(t, ts, token, 0, clientID, 0)
	return s.ws
}

func send(t testing.TB, ws *websocket.Conn, msg any) {
	t.Helper()
	b, err := wire.Encode(msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatalf("send: %v", err)
	}
}

// recvType reads messages until one of type T arrives.
func recvType[T any](t testing.TB, ws *websocket.Conn) (T, bool) {
	t.Helper()
	var zero T
	for range 20 {
		_, b, err := ws.Read(context.Background())
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		m, err := wire.Decode(b)
		if err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		if v, ok := m.(T); ok {
			return v, true
		}
	}
	return zero, false
}

func TestReplayedMutationAppliesOnce(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a := newClient(t, ts)
	signUp(t, a, "linus@example.com", "Linus")
	tok := tokenOf(t, a)
	ws := dialRaw(t, ts, tok, "raw-client")

	push := func(id uint64, name string) *wire.PushAck {
		args, _ := json.Marshal(map[string]string{"displayName": name})
		send(t, ws, wire.Push{Mutations: []wire.Mutation{{ID: id, Name: "setDisplayName", Args: args}}})
		ack, _ := recvType[*wire.PushAck](t, ws)
		return ack
	}
	ack := push(1, "Linus T")
	if ack.LastMutationID != 1 || len(ack.Results) != 1 || ack.Results[0].Error != nil {
		t.Fatalf("first push ack = %+v, want id 1 applied", ack)
	}
	acc, _ := ts.account("linus@example.com")
	v1 := acc.Version

	// The same mutation id again, even with other content, is a replay.
	ack = push(1, "Someone Else")
	if ack.LastMutationID != 1 || ack.Results[0].Error != nil {
		t.Fatalf("replay ack = %+v, want id 1 acknowledged", ack)
	}
	acc, _ = ts.account("linus@example.com")
	if acc.DisplayName != "Linus T" || acc.Version != v1 {
		t.Errorf("after replay: name %q version %d, want %q version %d", acc.DisplayName, acc.Version, "Linus T", v1)
	}

	// A mutation the rules refuse is acknowledged with a reason and changes nothing.
	ack = push(2, "L")
	if ack.LastMutationID != 2 || ack.Results[0].Error == nil || ack.Results[0].Error.Code != wire.CodeInvalidArgument {
		t.Fatalf("invalid push ack = %+v, want id 2 refused with invalid_argument", ack)
	}
	acc, _ = ts.account("linus@example.com")
	if acc.DisplayName != "Linus T" || acc.Version != v1 {
		t.Errorf("after refused change: name %q version %d, want unchanged", acc.DisplayName, acc.Version)
	}
}

func tokenOf(t *testing.T, c *testClient) string {
	t.Helper()
	st, err := c.store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Meta.Token == "" {
		t.Fatal("client has no token")
	}
	return st.Meta.Token
}
