package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/sync/wire"
)

func nameMutation(id uint64, name string) wire.Mutation {
	args, _ := json.Marshal(map[string]string{"displayName": name})
	return wire.Mutation{ID: id, Name: "setDisplayName", Args: args}
}

// A push the rate limit drops is answered with rate_limited and a retry
// time; the next push, which starts after the lost one, is not applied
// past the gap: the ack says where the server stands.
func TestDroppedPushStopsTheNextAtTheGap(t *testing.T) {
	t.Parallel()
	sockets := clockwork.NewFakeClock()
	ts := startServerTuned(t, "", func(c *node.Config) { c.MessageRate, c.MessageBurst, c.SocketClock = 2, 1, sockets })
	a := newClient(t, ts)
	signUp(t, a, "gap@example.com", "Gap Tester")
	ws := dialRaw(t, ts, tokenOf(t, a), "gap-client")

	send(t, ws, wire.Ping{}) // takes the only token
	send(t, ws, wire.Push{Mutations: []wire.Mutation{nameMutation(1, "First Name")}})
	e, ok := recvType[*wire.Error](t, ws)
	if !ok || e.Code != wire.CodeRateLimited || e.RetryAfterMs <= 0 {
		t.Fatalf("dropped push answered %+v, want rate_limited with a retry time", e)
	}
	sockets.Advance(time.Duration(e.RetryAfterMs) * time.Millisecond) // the server's retry-after passes
	send(t, ws, wire.Push{Mutations: []wire.Mutation{nameMutation(2, "Second Name")}})
	ack, _ := recvType[*wire.PushAck](t, ws)
	if ack.LastMutationID != 0 || len(ack.Results) != 0 || ack.Version != 0 {
		t.Fatalf("push after a gap acknowledged %+v, want nothing applied (last 0)", ack)
	}
	if acc, _ := ts.account("gap@example.com"); acc.DisplayName != "Gap Tester" {
		t.Fatalf("name %q after a push past a gap, want it unchanged", acc.DisplayName)
	}

	// Resent from where the server stands, both apply, in order.
	sockets.Advance(time.Second) // the limiter refills (2 a second)
	send(t, ws, wire.Push{Mutations: []wire.Mutation{nameMutation(1, "First Name"), nameMutation(2, "Second Name")}})
	ack, _ = recvType[*wire.PushAck](t, ws)
	if ack.LastMutationID != 2 || len(ack.Results) != 2 || ack.Version == 0 {
		t.Fatalf("resent push acknowledged %+v, want both applied", ack)
	}
	if acc, _ := ts.account("gap@example.com"); acc.DisplayName != "Second Name" {
		t.Errorf("name %q, want the later edit", acc.DisplayName)
	}
}

// A server fault while applying a push is an internal error, retried by
// the client, never shown as a refusal.
func TestServerFaultIsNotARefusal(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a := newClient(t, ts)
	signUp(t, a, "fault@example.com", "Fault Tester")
	ws := dialRaw(t, ts, tokenOf(t, a), "fault-client")
	ts.st.Close() // every transaction now fails
	send(t, ws, wire.Push{Mutations: []wire.Mutation{nameMutation(1, "Never Stored")}})
	m, err := readAny(ws)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := m.(*wire.Error); !ok || e.Code != wire.CodeInternal {
		t.Fatalf("push with a failing store answered %#v, want an internal error", m)
	}
}

func readAny(ws *websocket.Conn) (any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, b, err := ws.Read(ctx)
	if err != nil {
		return nil, err
	}
	return wire.Decode(b)
}

// A desktop client whose pushes are dropped by a tight rate limit still
// lands every edit, in order, and shows no refusal.
func TestClientResendsDroppedPushes(t *testing.T) {
	t.Parallel()
	ts := startServerTuned(t, "", func(c *node.Config) { c.MessageRate, c.MessageBurst = 5, 1 })
	a := newClient(t, ts)
	signUp(t, a, "burst@example.com", "Burst Tester")
	a.run()
	waitFor(t, "online", online(a))
	names := []string{"Name One", "Name Two", "Name Three", "Name Four", "Name Five", "Name Six"}
	for _, n := range names {
		if err := a.SetDisplayName(n); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "queue drained", online(a))
	if acc, _ := ts.account("burst@example.com"); acc.DisplayName != names[len(names)-1] {
		t.Errorf("server has %q, want the last edit %q", acc.DisplayName, names[len(names)-1])
	}
	if n := a.Snapshot().Notice; n != "" {
		t.Errorf("notice %q after dropped pushes: a rate limit is not a refusal", n)
	}
}

// The server serves every protocol version from the first release and
// tells an older client, with a stable code, to update.
func TestProtocolVersions(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a := newClient(t, ts)
	signUp(t, a, "proto@example.com", "Proto Tester")
	tok := tokenOf(t, a)
	dial := func(h wire.Hello) any {
		t.Helper()
		ws, _, err := websocket.Dial(context.Background(), "ws://"+ts.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
		if err != nil {
			t.Fatal(err)
		}
		defer ws.CloseNow()
		send(t, ws, h)
		m, err := readAny(ws)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, v := range []int{0, wire.MinProtocolVersion, wire.ProtocolVersion} {
		if m := dial(wire.Hello{ProtocolVersion: v, ClientID: "p", SchemaVersion: wire.SchemaVersion}); func() bool { _, ok := m.(*wire.Welcome); return !ok }() {
			t.Errorf("protocol %d answered %#v, want a welcome", v, m)
		}
	}
	if m, ok := dial(wire.Hello{ProtocolVersion: wire.ProtocolVersion + 1, ClientID: "p", SchemaVersion: wire.SchemaVersion}).(*wire.Error); !ok || m.Code != wire.CodeBadMessage {
		t.Errorf("a protocol from the future answered %#v, want bad_message", m)
	}
}

// When the server no longer serves the app's protocol, the app says it must
// be updated instead of spinning, and keeps the edits queued.
func TestOutdatedClientSaysUpdate(t *testing.T) {
	t.Parallel()
	ts := startServerTuned(t, "", func(c *node.Config) { c.MinProtocolVersion = wire.ProtocolVersion + 1 })
	a := newClient(t, ts)
	signUp(t, a, "old@example.com", "Old Client")
	a.run()
	waitFor(t, "outdated", func() bool { return a.Snapshot().Conn == core.Outdated })
	if got := a.Snapshot().StatusText(); got != core.OutdatedText {
		t.Errorf("status %q, want %q", got, core.OutdatedText)
	}
	if err := a.SetDisplayName("Still Queued"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "outdated again after the edit's retry", func() bool { s := a.Snapshot(); return s.Conn == core.Outdated && s.Pending == 1 })
}
