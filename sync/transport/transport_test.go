//go:build !js

package transport_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// endpoint is a websocket server on loopback whose accepted connections
// (the server's ends, as Accept returns them) arrive on the channel.
func endpoint(t *testing.T) (url string, accepted <-chan *transport.Conn) {
	t.Helper()
	ch := make(chan *transport.Conn, 1)
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := transport.Accept(w, r, nil)
		if err != nil {
			return
		}
		ch <- c
		<-done
		c.CloseNow()
	}))
	t.Cleanup(func() {
		close(done)
		srv.Close()
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http"), ch
}

// pair returns the server's and the client's ends of one real websocket
// on loopback.
func pair(t *testing.T) (server, client *transport.Conn) {
	t.Helper()
	url, accepted := endpoint(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, _, err := transport.Dial(ctx, url, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.CloseNow() })
	return <-accepted, client
}

func recv(t *testing.T, c *transport.Conn) (any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.Recv(ctx)
}

func send(t *testing.T, c *transport.Conn, raw string) {
	t.Helper()
	if err := c.SendRaw(context.Background(), []byte(raw)); err != nil {
		t.Fatal(err)
	}
}

// The server reads strictly: an unknown field is an error the server can
// answer, and the connection stays usable.
func TestServerDecodesStrictly(t *testing.T) {
	server, client := pair(t)
	send(t, client, `{"type":"hello","data":{"clientId":"c","admin":true}}`)
	_, err := recv(t, server)
	var we *wire.Error
	if !errors.As(err, &we) || we.Code != wire.CodeBadMessage || !transport.IsProtocolError(err) {
		t.Fatalf("unknown field: %v, want a bad_message protocol error", err)
	}
	if err := client.Send(context.Background(), wire.Ping{}); err != nil {
		t.Fatal(err)
	}
	if m, err := recv(t, server); err != nil {
		t.Fatalf("after a refused message: %v", err)
	} else if _, ok := m.(*wire.Ping); !ok {
		t.Fatalf("got %#v, want the ping", m)
	}
}

// The client reads leniently: what a newer server adds is skipped, once
// reported, and the messages it knows still arrive in order.
func TestClientSkipsWhatANewerServerAdds(t *testing.T) {
	server, client := pair(t)
	var mu sync.Mutex
	var ignored []string
	client.OnIgnored(func(what string) { mu.Lock(); ignored = append(ignored, what); mu.Unlock() })
	send(t, server, `{"type":"presence","data":{"devices":2}}`)
	send(t, server, `{"type":"view","data":{"version":3,"view":{},"delta":true}}`)
	send(t, server, `{"type":"pong"}`)
	m, err := recv(t, client)
	if v, ok := m.(*wire.View); err != nil || !ok || v.Version != 3 {
		t.Fatalf("first known message %#v, %v; want view 3", m, err)
	}
	if m, err := recv(t, client); err != nil {
		t.Fatal(err)
	} else if _, ok := m.(*wire.Pong); !ok {
		t.Fatalf("then %#v, want pong", m)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{`message type "presence"`, `field "delta" of view`}
	if strings.Join(ignored, "|") != strings.Join(want, "|") {
		t.Errorf("ignored %q, want %q", ignored, want)
	}
}

// Binary frames are not part of the protocol; a message over the limit
// closes the connection with 1009.
func TestBinaryAndOversizedMessages(t *testing.T) {
	url, accepted := endpoint(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	raw, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.CloseNow()
	server := <-accepted
	if err := raw.Write(ctx, websocket.MessageBinary, []byte(`{"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	var we *wire.Error
	if _, err := recv(t, server); !errors.As(err, &we) || we.Code != wire.CodeBadMessage {
		t.Fatalf("binary message: %v, want bad_message", err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { raw.Write(ctx, websocket.MessageText, []byte(strings.Repeat(" ", wire.MaxMessageBytes+1))) })
	if _, err := recv(t, server); err == nil || transport.IsProtocolError(err) {
		t.Fatalf("oversized message: %v, want the connection closed", err)
	}
	if _, _, err := raw.Read(ctx); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("the sender saw %v, want close 1009", err)
	}
}

// CloseStatus tells a revocation from a network failure.
func TestCloseStatus(t *testing.T) {
	server, client := pair(t)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { server.Close(wire.CloseRevoked, "session revoked") })
	_, err := recv(t, client)
	if got := transport.CloseStatus(err); got != wire.CloseRevoked {
		t.Fatalf("CloseStatus = %d (%v), want %d", got, err, wire.CloseRevoked)
	}
	if got := transport.CloseStatus(errors.New("connection reset")); got != -1 {
		t.Errorf("CloseStatus of a network error = %d, want -1", got)
	}
}

// The server's small socket buffers carry messages of every size, either
// way: a heartbeat, one just past each buffer, and one as large as the
// protocol allows.
func TestMessagesOfEverySize(t *testing.T) {
	server, client := pair(t)
	for _, n := range []int{0, 500, 1000, 5000, wire.MaxMessageBytes - 200} {
		if err := server.Send(context.Background(), wire.Revoked{Reason: strings.Repeat("x", n)}); err != nil {
			t.Fatal(err)
		}
		m, err := recv(t, client)
		if got, ok := m.(*wire.Revoked); err != nil || !ok || len(got.Reason) != n {
			t.Fatalf("client got %T %v for a reason of %d", m, err, n)
		}
		if err := client.Send(context.Background(), wire.Push{Mutations: []wire.Mutation{{ID: 1, Name: "n", Args: []byte(`"` + strings.Repeat("y", n) + `"`)}}}); err != nil {
			t.Fatal(err)
		}
		m, err = recv(t, server)
		if got, ok := m.(*wire.Push); err != nil || !ok || len(got.Mutations[0].Args) != n+2 {
			t.Fatalf("server got %T %v for arguments of %d", m, err, n)
		}
	}
}

// A write to a client that reads nothing fails once its bound has passed
// (the deadline set on the accepted connection), instead of blocking its
// writer forever.
func TestSendRawWithinBoundsAStuckWrite(t *testing.T) {
	server, client := pair(t)
	_ = client // reads nothing
	if err := server.SendRawWithin(time.Second, []byte(`{"type":"pong"}`)); err != nil {
		t.Fatalf("a write to a reading-capable client: %v", err)
	}
	big := []byte(`{"type":"pong","pad":"` + strings.Repeat("x", 60<<10) + `"}`)
	for i := range 10000 { // the socket buffers fill within a few hundred
		if err := server.SendRawWithin(20*time.Millisecond, big); err != nil {
			return
		}
		if i == 9999 {
			t.Fatal("10,000 writes of 60 KiB to a client that reads nothing all went through")
		}
	}
}

// Drop closes an accepted socket's connection without waiting for its
// reader: the reader then fails, and so does the client's next read.
func TestDropClosesTheConnection(t *testing.T) {
	server, client := pair(t)
	read := make(chan error, 1)
	go func() { _, err := server.RecvRaw(context.Background()); read <- err }()
	server.Drop()
	if err := <-read; err == nil {
		t.Fatal("the server's reader went on after Drop")
	}
	if _, err := recv(t, client); err == nil || transport.CloseStatus(err) != -1 {
		t.Fatalf("the client after Drop: %v, want the connection gone without a close status", err)
	}
}
