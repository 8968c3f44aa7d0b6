//go:build !js

package transport

import (
	"bufio"
	"net"
	"net/http"
)

// A server holds thousands of idle sockets, each keeping the buffers it
// was upgraded with for its whole life: net/http's are 4 KiB each way.
// These are smaller: a frame header and a client's heartbeat fit in the
// reader at once (a larger payload is read straight into the message), and
// the pongs, revocations, events and most view patches the server sends
// fit in the writer, one write each (a larger message is written through,
// in one more write).
const (
	readBufferSize  = 512
	writeBufferSize = 512
)

// smallBuffers is a ResponseWriter whose Hijack swaps the connection's
// buffers for smaller ones. Bytes net/http had already read past the
// request stay in its reader, which is then kept.
type smallBuffers struct {
	http.ResponseWriter
	conn net.Conn // the hijacked connection
}

func (w *smallBuffers) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.conn = conn
	r := brw.Reader
	if r.Buffered() == 0 {
		r = bufio.NewReaderSize(conn, readBufferSize)
	}
	return conn, bufio.NewReadWriter(r, bufio.NewWriterSize(conn, writeBufferSize)), nil
}
