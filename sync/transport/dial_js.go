package transport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/dialnexa/account/sync/wire"
)

// Conn is the browser's WebSocket carrying wire messages. Send may be
// called from one goroutine at a time and Recv from another; Close from
// any. Its methods block, so call them from goroutines, not from inside a
// js.FuncOf callback.
type Conn struct {
	ws    js.Value
	mu    sync.Mutex
	queue [][]byte
	ready chan struct{} // signalled when queue grows or the socket closes
	done  chan struct{}
	code  int
	funcs []js.Func
	// ignored is told what Recv skipped (see OnIgnored).
	ignored func(what string)
}

// OnIgnored sets the function Recv calls with what it skipped of the
// server's messages (an unknown field or message type). Call it before the
// first Recv.
func (c *Conn) OnIgnored(fn func(what string)) { c.ignored = fn }

// CloseError is the error Recv returns once the socket closed.
type CloseError struct{ Code int }

func (e *CloseError) Error() string { return fmt.Sprintf("websocket closed with status %d", e.Code) }

// DialSync opens the client's sync socket. The browser sends the session
// cookie itself and does not tell a page why a handshake was refused, so
// bearer is ignored and the status is always 0.
func DialSync(ctx context.Context, url, bearer string) (*Conn, int, error) {
	c := &Conn{ready: make(chan struct{}, 1), done: make(chan struct{}), ignored: func(string) {}}
	c.ws = js.Global().Get("WebSocket").New(url)
	opened := make(chan struct{})
	var openOnce, doneOnce sync.Once
	c.on("open", func(js.Value) { openOnce.Do(func() { close(opened) }) })
	c.on("message", func(ev js.Value) {
		data := ev.Get("data")
		if data.Type() != js.TypeString {
			return // the protocol is text only
		}
		c.mu.Lock()
		c.queue = append(c.queue, []byte(data.String()))
		c.mu.Unlock()
		c.signal()
	})
	c.on("close", func(ev js.Value) {
		c.mu.Lock()
		c.code = ev.Get("code").Int()
		c.mu.Unlock()
		doneOnce.Do(func() { close(c.done) })
		c.signal()
	})
	select {
	case <-opened:
		return c, 0, nil
	case <-c.done:
		c.release()
		return nil, 0, errors.New("could not connect to the sync server")
	case <-ctx.Done():
		// Its close event is still to come: the callbacks stay alive.
		c.ws.Call("close")
		return nil, 0, ctx.Err()
	}
}

func (c *Conn) on(event string, fn func(js.Value)) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		fn(args[0])
		return nil
	})
	c.funcs = append(c.funcs, f)
	c.ws.Call("addEventListener", event, f)
}

// release frees the callbacks once the socket has closed (no event follows).
func (c *Conn) release() {
	c.mu.Lock()
	fs := c.funcs
	c.funcs = nil
	c.mu.Unlock()
	for _, f := range fs {
		f.Release()
	}
}

func (c *Conn) signal() {
	select {
	case c.ready <- struct{}{}:
	default:
	}
}

// Send encodes msg and writes it as one text message.
func (c *Conn) Send(ctx context.Context, msg any) error {
	b, err := wire.Encode(msg)
	if err != nil {
		return err
	}
	return c.SendRaw(ctx, b)
}

// SendRaw writes an already encoded message.
func (c *Conn) SendRaw(ctx context.Context, b []byte) error {
	select {
	case <-c.done:
		return &CloseError{Code: c.status()}
	default:
	}
	c.ws.Call("send", string(b))
	return nil
}

// SendRawWithin is SendRaw (the browser queues what it sends).
func (c *Conn) SendRawWithin(d time.Duration, b []byte) error {
	return c.SendRaw(context.Background(), b)
}

func (c *Conn) status() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.code
}

// Recv returns the next message, decoded leniently (a newer server may add
// fields and message types; unknown types are skipped). A message that does not decode
// returns a *wire.Error and leaves the connection usable; once the socket
// closed it returns a *CloseError. A message over wire.MaxMessageBytes
// closes the connection with status 1009.
func (c *Conn) Recv(ctx context.Context) (any, error) {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			b := c.queue[0]
			c.queue = c.queue[1:]
			c.mu.Unlock()
			if len(b) > wire.MaxMessageBytes {
				c.Close(1009, "message too big")
				return nil, &CloseError{Code: 1009}
			}
			msg, ignored, err := wire.DecodeLenient(b)
			if ignored != "" {
				c.ignored(ignored)
			}
			if msg == nil && err == nil {
				continue // a message type of a newer server
			}
			return msg, err
		}
		c.mu.Unlock()
		select {
		case <-c.done:
			c.mu.Lock()
			empty := len(c.queue) == 0
			c.mu.Unlock()
			if empty {
				c.release()
				return nil, &CloseError{Code: c.status()}
			}
		case <-c.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Close closes the connection with a status code and a short reason.
// Browsers let a page send only 1000 or 3000–4999; other codes become 1000.
func (c *Conn) Close(code int, reason string) error {
	if code != 1000 && (code < 3000 || code > 4999) {
		code = 1000
	}
	c.ws.Call("close", code, reason)
	return nil
}

// CloseNow closes the connection.
func (c *Conn) CloseNow() error {
	c.ws.Call("close")
	return nil
}

// Drop is CloseNow.
func (c *Conn) Drop() { c.CloseNow() }

// CloseStatus returns the websocket close status carried by err, or -1 if
// err is not a close.
func CloseStatus(err error) int {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return -1
}
