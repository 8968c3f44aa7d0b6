package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/sync/wire"
)

// readUntilClose reads every message until the socket closes and returns
// them with the close status.
func readUntilClose(t *testing.T, ws *websocket.Conn) ([]any, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var msgs []any
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			return msgs, int(websocket.CloseStatus(err))
		}
		m, err := wire.Decode(b)
		if err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		msgs = append(msgs, m)
	}
}

// SECURITY: a socket opened with a token that is revoked before its hello
// gets no welcome (no account view, no live pushes): it is told why and
// closed with the revocation code.
func TestSocketRevokedBeforeHelloGetsNoWelcome(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	owner := apiSignUp(t, ts, "target@example.com", pw, "Target User", "laptop")
	_, stolen := apiSignIn(t, ts, "target@example.com", pw, "", "attacker-box")

	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, "ws://"+ts.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + stolen.Token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	// Upgraded with a valid token; the owner revokes it before the hello.
	if a := call(t, ts, "DELETE", "/v1/sessions/"+stolen.SessionID, owner.Token, nil); a.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", a.status, a.body)
	}
	send(t, ws, wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientID: "attacker", SchemaVersion: wire.SchemaVersion})
	msgs, status := readUntilClose(t, ws)
	for _, m := range msgs {
		if _, ok := m.(*wire.Welcome); ok {
			t.Fatalf("a revoked session got the welcome with the account view: %#v", msgs)
		}
	}
	if len(msgs) == 0 || status != wire.CloseRevoked {
		t.Fatalf("got %#v and close %d, want revoked and close %d", msgs, status, wire.CloseRevoked)
	}
	if r, ok := msgs[len(msgs)-1].(*wire.Revoked); !ok || r.Reason == "" {
		t.Errorf("last message %#v, want revoked with the reason", msgs[len(msgs)-1])
	}
}

// SECURITY: once revoked, a socket's pings are not answered and it does not
// stay open: it gets the revocation and the revocation close code.
func TestRevokedSocketAnswersNoPing(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	owner := apiSignUp(t, ts, "pinger@example.com", pw, "Pinger", "laptop")
	_, stolen := apiSignIn(t, ts, "pinger@example.com", pw, "", "attacker-box")
	ws := dialRaw(t, ts, stolen.Token, "attacker")
	if a := call(t, ts, "DELETE", "/v1/sessions/"+stolen.SessionID, owner.Token, nil); a.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", a.status, a.body)
	}
	for range 3 {
		if err := ws.Write(context.Background(), websocket.MessageText, []byte(`{"type":"ping"}`)); err != nil {
			break // already closed: fine
		}
	}
	msgs, status := readUntilClose(t, ws)
	revoked := false
	for _, m := range msgs {
		switch m.(type) {
		case *wire.Pong:
			t.Errorf("a revoked socket answered a ping: %#v", msgs)
		case *wire.Revoked:
			revoked = true
		}
	}
	if !revoked || status != wire.CloseRevoked {
		t.Fatalf("got %#v and close %d, want revoked and close %d", msgs, status, wire.CloseRevoked)
	}
}

// SECURITY: a socket upgraded before its account is deleted and saying
// hello after gets no welcome either: it is told why and closed.
func TestSocketOfADeletedAccountGetsNoWelcome(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	owner := apiSignUp(t, ts, "gone@example.com", pw, "Gone Soon", "laptop")
	_, other := apiSignIn(t, ts, "gone@example.com", pw, "", "phone")
	ws, _, err := websocket.Dial(context.Background(), "ws://"+ts.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + other.Token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if a := call(t, ts, "POST", "/v1/account/delete", owner.Token, map[string]string{"email": "gone@example.com", "password": pw}); a.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", a.status, a.body)
	}
	send(t, ws, wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientID: "phone", SchemaVersion: wire.SchemaVersion})
	msgs, status := readUntilClose(t, ws)
	if status != wire.CloseRevoked || len(msgs) != 1 {
		t.Fatalf("got %#v and close %d, want only the revocation and close %d", msgs, status, wire.CloseRevoked)
	}
	if r, ok := msgs[0].(*wire.Revoked); !ok || r.Reason == "" {
		t.Errorf("got %#v, want the revocation with its reason", msgs[0])
	}
}
