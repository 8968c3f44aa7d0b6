package e2e

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/sync/wire"
)

// A socket that keeps sending heartbeats stays open past the server's
// heartbeat period (5 s here), each ping answered; one that falls silent
// is closed by the server.
func TestSilentSocketIsClosed(t *testing.T) {
	ts := startServer(t)
	a := newClient(t, ts)
	signUp(t, a, "beat@example.com", "Heart Beat")
	tok := tokenOf(t, a)
	live := dialRaw(t, ts, tok, "live")
	silent := dialRaw(t, ts, tok, "silent")

	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for {
			if _, _, err := silent.Read(ctx); err != nil {
				closed <- err
				return
			}
		}
	}()
	for start := time.Now(); time.Since(start) < 7*time.Second; time.Sleep(time.Second) {
		send(t, live, wire.Ping{})
		if _, ok := recvType[*wire.Pong](t, live); !ok {
			t.Fatalf("no pong %v after the socket opened", time.Since(start).Round(time.Second))
		}
	}
	err := <-closed
	if websocket.CloseStatus(err) == wire.CloseRevoked || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the silent socket ended with %v, want the server to close it", err)
	}
	send(t, live, wire.Ping{})
	if _, ok := recvType[*wire.Pong](t, live); !ok {
		t.Fatal("the live socket stopped answering")
	}
}
