package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/sync/wire"
)

// A server that is stopping stops listening before it tells its sockets
// to come back (1012): a client reconnecting at once is refused, not
// accepted by the server on its way out and dropped again.
func TestStoppingServerRefusesBeforeClosingSockets(t *testing.T) {
	bin := builtServer(t)
	dir := filepath.Join(t.TempDir(), "data")
	srv := &procServer{bin: bin, dir: dir, token: "stop-service-token-0123456789abcdef", addr: freeAddr(t), storeArgs: []string{"-data", dir}}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.stop(syscall.SIGKILL) })
	body, _ := json.Marshal(map[string]any{"email": "stopping@example.com", "password": pw, "displayName": "Stop Ping", "bearer": true, "deviceId": "d1"})
	resp, err := http.Post("http://"+srv.addr+"/v1/signup", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var s session
	json.NewDecoder(resp.Body).Decode(&s)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("sign up: %s", resp.Status)
	}
	dial := func(clientID string) *websocket.Conn {
		ws, _, err := websocket.Dial(context.Background(), "ws://"+srv.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + s.Token}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.CloseNow() })
		send(t, ws, wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientID: clientID, SchemaVersion: wire.SchemaVersion})
		if _, ok := recvType[*wire.Welcome](t, ws); !ok {
			t.Fatal("no welcome")
		}
		return ws
	}
	ws := dial("stopping")
	// A client that stops reading answers no closing handshake: the
	// server waits for it (a few seconds) before it is done closing.
	dial("stuck")

	srv.cmd.Process.Signal(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		if _, _, err = ws.Read(ctx); err != nil {
			break
		}
	}
	if websocket.CloseStatus(err) != 1012 {
		t.Fatalf("socket ended with %v, want 1012", err)
	}
	if c, err := net.DialTimeout("tcp", srv.addr, 2*time.Second); err == nil {
		c.Close()
		t.Fatal("the server still accepted connections after telling its sockets to come back")
	}
}
