package transport

import (
	"context"
	"net/http"

	"github.com/coder/websocket"
)

// Dial opens a websocket to url from the browser. The browser sends the
// session cookie itself and does not let a page set headers or see why a
// handshake was refused, so header and client are ignored and the response
// is always nil.
func Dial(ctx context.Context, url string, header http.Header, client *http.Client) (*Conn, *http.Response, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, nil, err
	}
	return newConn(ws), nil, nil
}
