//go:build !js

package transport

import (
	"context"
	"net/http"

	"github.com/coder/websocket"
)

// Dial opens a websocket to url with the given request headers (the desktop
// app's bearer token). The response, when there is one, tells why a refused
// handshake was refused (for example 401).
func Dial(ctx context.Context, url string, header http.Header, client *http.Client) (*Conn, *http.Response, error) {
	ws, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: header, HTTPClient: client})
	if err != nil {
		return nil, resp, err
	}
	return newConn(ws, true), resp, nil
}

// Accept upgrades an HTTP request to a websocket. Only the request's own
// host is an allowed Origin unless originPatterns adds others.
func Accept(w http.ResponseWriter, r *http.Request, originPatterns []string) (*Conn, error) {
	sb := &smallBuffers{ResponseWriter: w}
	ws, err := websocket.Accept(sb, r, &websocket.AcceptOptions{OriginPatterns: originPatterns})
	if err != nil {
		return nil, err
	}
	c := newConn(ws, false)
	c.raw = sb.conn
	return c, nil
}

// DialSync opens the client's sync socket, authenticated with a bearer
// token when one is given. When the handshake is refused, status is the
// HTTP status (401 for an ended session); 0 when the server is unreachable.
func DialSync(ctx context.Context, url, bearer string) (*Conn, int, error) {
	var h http.Header
	if bearer != "" {
		h = http.Header{"Authorization": {"Bearer " + bearer}}
	}
	c, resp, err := Dial(ctx, url, h, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return nil, status, err
	}
	return c, 0, nil
}
