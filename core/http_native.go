//go:build !js

package core

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"
)

// netHTTP is the desktop app's HTTP client.
type netHTTP struct{ c *http.Client }

func defaultHTTP() Doer { return netHTTP{&http.Client{Timeout: 30 * time.Second}} }

// Do implements Doer.
func (h netHTTP) Do(ctx context.Context, method, url string, header map[string]string, body []byte) (int, []byte, error) {
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := h.c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp.StatusCode, data, err
}
