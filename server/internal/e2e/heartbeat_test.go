package e2e

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/sync/wire"
)

// A socket that keeps sending heartbeats stays open past the server's
// heartbeat period (5 s here), each ping answered; one that falls silent
// is closed by the server. The sockets' clock is the test's: it moves 6
// seconds in three steps, the live socket pinging after each.
func TestSilentSocketIsClosed(t *testing.T) {
	t.Parallel()
	sockets := clockwork.NewFakeClock()
	ts := startServerTuned(t, "", func(c *node.Config) { c.SocketClock = sockets })
	a := newClient(t, ts)
	signUp(t, a, "beat@example.com", "Heart Beat")
	tok := tokenOf(t, a)
	live := dialRaw(t, ts, tok, "live")
	silent := dialRaw(t, ts, tok, "silent")
	// Both sockets' silence timers are armed once they are welcomed.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := sockets.BlockUntilContext(ctx, 2); err != nil {
		t.Fatalf("the sockets' heartbeat timers: %v", err)
	}

	closed := make(chan error, 1)
	go func() {
		for {
			if _, _, err := silent.Read(ctx); err != nil {
				closed <- err
				return
			}
		}
	}()
	for i := range 3 {
		sockets.Advance(2 * time.Second)
		// The pong says the server took the ping, and moved the live
		// socket's timer, before the clock moves again.
		send(t, live, wire.Ping{})
		if _, ok := recvType[*wire.Pong](t, live); !ok {
			t.Fatalf("no pong %d s after the socket opened", 2*(i+1))
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
