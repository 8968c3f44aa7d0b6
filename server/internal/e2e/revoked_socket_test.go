package e2e

import (
	"context"
	"net/http"
	"strings"
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

// cutOff reads ws, a socket of a session just revoked on this node, until
// it closes, and checks the revocation cut it off before its commit: the
// connection dropped without a close status (the client reconnects to
// learn why; the commit might still have failed), nothing answered meanwhile, and the session's token now
// refused with the revocation's reason, on the socket's address too.
func cutOff(t *testing.T, ts *testServer, ws *websocket.Conn, token, reason string) {
	t.Helper()
	msgs, status := readUntilClose(t, ws)
	if status != -1 {
		t.Fatalf("the revoked session's socket closed with %d after %#v, want it dropped (cut off before the commit)", status, msgs)
	}
	for _, m := range msgs {
		if _, ok := m.(*wire.Pong); ok {
			t.Errorf("the revoked session's socket answered a ping: %#v", msgs)
		}
	}
	for _, path := range []string{"/v1/sync", "/v1/me"} {
		if a := call(t, ts, "GET", path, token, nil); a.status != http.StatusUnauthorized || !strings.Contains(a.body, reason) {
			t.Errorf("GET %s with the revoked token: %d %s, want 401 saying %q", path, a.status, a.body, reason)
		}
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
// stay open: it is closed before the revocation is even committed, and
// coming back it is told why.
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
	cutOff(t, ts, ws, stolen.Token, "This session was revoked from another device.")
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
