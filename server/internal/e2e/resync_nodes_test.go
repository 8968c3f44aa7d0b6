package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/dialnexa/account/server/internal/bus"
	"github.com/dialnexa/account/sync/wire"
)

// SECURITY: while node A's connection to the database bus is down,
// sessions whose sockets are on node A are revoked through node B and the
// account is renamed. When A's listener is back, each of those sockets
// gets its revocation and nothing else: not the account's new view
// (profile, sessions, inbox) first. The account's live device on A gets
// the new name. (Node A is stopped while its listener's backend is ended
// and B does its work, so A cannot reconnect in between.)
func TestListenerReconnectRevokesBeforeItPushes(t *testing.T) {
	nodes := startNodes(t, 2)
	a, b := nodes[0], nodes[1]
	live := openClientAt(t, "http://"+a.addr, filepath.Join(t.TempDir(), "live.db"))
	signUp(t, live, "away-node@example.com", "Before")
	live.run()
	onB := openClientAt(t, "http://"+b.addr, filepath.Join(t.TempDir(), "b.db"))
	signIn(t, onB, "away-node@example.com")
	onB.run()
	waitFor(t, "both devices online", func() bool { return online(live)() && online(onB)() })

	// Nine sessions (as many as the sign-in limit lets one address make at
	// once) with their sockets on node A, welcomed.
	type socket struct {
		ws *websocket.Conn
		id string
	}
	var ended []socket
	for i := range 9 {
		var s session
		if err := postTo(b, "/v1/signin", map[string]any{"email": "away-node@example.com", "password": goodPassword, "bearer": true, "deviceId": fmt.Sprintf("box-%d", i)}, http.StatusOK, "", &s); err != nil {
			t.Fatal(err)
		}
		ws, _, err := websocket.Dial(context.Background(), "ws://"+a.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + s.Token}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.CloseNow() })
		send(t, ws, wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientID: fmt.Sprintf("box-%d", i), SchemaVersion: wire.SchemaVersion})
		if _, ok := recvType[*wire.Welcome](t, ws); !ok {
			t.Fatal("no welcome")
		}
		ended = append(ended, socket{ws, s.SessionID})
	}

	// Node A stops; its listener's connection is ended.
	pid := a.cmd.Process.Pid
	host, _ := os.Hostname()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			syscall.Kill(pid, syscall.SIGCONT)
		}
	}
	t.Cleanup(resume)
	conn, err := pgx.Connect(context.Background(), a.storeArgs[3])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var killed int
	if err := conn.QueryRow(context.Background(), "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", bus.ListenerNameOf(host, pid)).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("ended %d listener connections of node A (%v), want 1", killed, err)
	}

	// Through node B: the nine sessions revoked, the account renamed.
	for _, s := range ended {
		if err := onB.RevokeSession(context.Background(), s.id); err != nil {
			t.Fatal(err)
		}
	}
	if err := onB.SetDisplayName("Renamed While Away"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rename committed through node B", func() bool {
		s := onB.Snapshot()
		return s.Pending == 0 && s.View.Profile.DisplayName == "Renamed While Away"
	})

	resume()
	for i, s := range ended {
		last, status, leaked := readToClose(t, s.ws, "Renamed While Away")
		if leaked {
			t.Errorf("socket %d of an ended session got the account's new view before its revocation", i)
		}
		if r, ok := last.(*wire.Revoked); !ok || r.Reason == "" || status != wire.CloseRevoked {
			t.Errorf("socket %d of an ended session: last message %#v, close %d; want the revocation and close %d", i, last, status, wire.CloseRevoked)
		}
	}
	waitFor(t, "the live device on node A to show the new name", func() bool {
		return live.Snapshot().View.Profile.DisplayName == "Renamed While Away"
	})
}

// readToClose reads a socket until it closes and returns its last message,
// the close status, and whether any message carried marker.
func readToClose(t *testing.T, ws *websocket.Conn, marker string) (last any, status int, seen bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			return last, int(websocket.CloseStatus(err)), seen
		}
		seen = seen || bytes.Contains(b, []byte(marker))
		if last, err = wire.Decode(b); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
	}
}
