//go:build !js

package transport

import (
	"context"
	"net"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/sync/wire"
)

// Conn is one websocket carrying wire messages. Send may be called from one
// goroutine at a time and Recv from another; Close from any. A server's
// Conn (Accept) decodes strictly; a client's (Dial) reads the server's
// messages leniently, so a newer server may add fields and message types.
type Conn struct {
	ws      *websocket.Conn
	raw     net.Conn // the connection under an accepted socket (Drop)
	lenient bool
	ignored func(what string)
}

func newConn(ws *websocket.Conn, lenient bool) *Conn {
	ws.SetReadLimit(wire.MaxMessageBytes)
	return &Conn{ws: ws, lenient: lenient, ignored: func(string) {}}
}

// OnIgnored sets the function a client's Recv calls with what it skipped
// (an unknown field or message type). Call it before the first Recv.
func (c *Conn) OnIgnored(fn func(what string)) { c.ignored = fn }

// Send encodes msg and writes it as one text message.
func (c *Conn) Send(ctx context.Context, msg any) error {
	b, err := wire.Encode(msg)
	if err != nil {
		return err
	}
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// SendRaw writes an already encoded message, so a broadcast is encoded once.
func (c *Conn) SendRaw(ctx context.Context, b []byte) error {
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// SendRawWithin is SendRaw bounded by d. On an accepted socket the bound
// is a deadline on its connection, set and cleared around the write: a
// context with a timeout costs a timer, a context and a callback
// registered with the library for every message, a tenth of a server's
// processor time when it fans a burst of changes out.
func (c *Conn) SendRawWithin(d time.Duration, b []byte) error {
	if c.raw == nil {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		return c.SendRaw(ctx, b)
	}
	c.raw.SetWriteDeadline(time.Now().Add(d))
	err := c.ws.Write(context.Background(), websocket.MessageText, b)
	c.raw.SetWriteDeadline(time.Time{})
	return err
}

// RecvRaw reads the next message without decoding it (a server decodes
// it with wire.Decode, where it chooses). A binary message returns a
// *wire.Error and leaves the connection usable.
func (c *Conn) RecvRaw(ctx context.Context) ([]byte, error) {
	typ, b, err := c.ws.Read(ctx)
	if err != nil {
		return nil, err
	}
	if typ != websocket.MessageText {
		return nil, wire.Errorf(wire.CodeBadMessage, "binary messages are not part of the protocol")
	}
	return b, nil
}

// Recv reads and decodes the next message; a client's Conn skips messages
// of unknown types. A message that does not decode
// returns a *wire.Error and leaves the connection usable; any other error
// means the connection is gone (see CloseStatus). A message over
// wire.MaxMessageBytes closes the connection with status 1009.
func (c *Conn) Recv(ctx context.Context) (any, error) {
	for {
		typ, b, err := c.ws.Read(ctx)
		if err != nil {
			return nil, err
		}
		if typ != websocket.MessageText {
			return nil, wire.Errorf(wire.CodeBadMessage, "binary messages are not part of the protocol")
		}
		if !c.lenient {
			return wire.Decode(b)
		}
		msg, ignored, err := wire.DecodeLenient(b)
		if ignored != "" {
			c.ignored(ignored)
		}
		if msg != nil || err != nil {
			return msg, err
		}
	}
}

// Close closes the connection with a status code and a short reason.
func (c *Conn) Close(code int, reason string) error {
	return c.ws.Close(websocket.StatusCode(code), reason)
}

// CloseNow closes the connection without the closing handshake.
func (c *Conn) CloseNow() error { return c.ws.CloseNow() }

// Drop closes an accepted socket's connection at once and returns: unlike
// CloseNow, which then waits for the goroutine reading the socket to let
// go of it, so a caller that must cut a client off now is not held up
// by that goroutine's turn for a thread. The reader fails and closes the
// socket as usual. A dialled socket is closed with CloseNow.
func (c *Conn) Drop() {
	if c.raw == nil {
		c.ws.CloseNow()
		return
	}
	c.raw.Close()
}

// CloseStatus returns the websocket close status carried by err, or -1 if
// err is not a close.
func CloseStatus(err error) int {
	return int(websocket.CloseStatus(err))
}
