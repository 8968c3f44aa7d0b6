package e2e

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/dialnexa/account/server/verify"
)

// streamProxy is a reverse proxy in front of a server whose websockets
// (the revocation stream) can be cut and refused while requests pass.
type streamProxy struct {
	srv     *httptest.Server
	mu      gosync.Mutex
	blocked bool
	conns   map[net.Conn]bool
}

type upgradeKey struct{}

func newStreamProxy(t testing.TB, target string) *streamProxy {
	p := &streamProxy{conns: map[net.Conn]bool{}}
	dialer := &net.Dialer{}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(&url.URL{Scheme: "http", Host: target}) },
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err == nil && ctx.Value(upgradeKey{}) != nil {
				p.mu.Lock()
				p.conns[c] = true
				p.mu.Unlock()
			}
			return c, err
		}, DisableKeepAlives: true},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			p.mu.Lock()
			blocked := p.blocked
			p.mu.Unlock()
			if blocked {
				http.Error(w, "streams cut", http.StatusBadGateway)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), upgradeKey{}, true))
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { p.block(); p.srv.Close() })
	return p
}

// block cuts the streams and refuses new ones; unblock lets them again.
func (p *streamProxy) block() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blocked = true
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *streamProxy) unblock() {
	p.mu.Lock()
	p.blocked = false
	p.mu.Unlock()
}

// The package against the real server binary: the stream cut, checks go
// to the server; the server stopped too, checks are refused (never
// answered from the stale cache); the stream back, the revocations it
// missed are applied and the cache answers again.
func TestVerifyFailsClosed(t *testing.T) {
	bin := builtServer(t)
	const token = "verify-service-token-0123456789abcdef"
	dir := t.TempDir()
	srv := &procServer{bin: bin, dir: dir, token: token, addr: freeAddr(t), storeArgs: storeArgs(t, dir)}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.stop(syscall.SIGTERM) })
	var sessions [4]session
	for i := range sessions {
		if err := postTo(srv, "/v1/signup", map[string]any{"email": "v" + string(rune('a'+i)) + "@example.com", "password": goodPassword,
			"displayName": "Verify", "bearer": true, "deviceId": "d"}, http.StatusCreated, "", &sessions[i]); err != nil {
			t.Fatal(err)
		}
	}
	a, b, c, owner := sessions[0], sessions[1], sessions[2], sessions[3]
	proxy := newStreamProxy(t, srv.addr)
	ct := &countingTransport{}
	ch, err := verify.New(context.Background(), verify.Config{Server: proxy.srv.URL, ServiceToken: token, StaleAfter: time.Second,
		HTTPClient: &http.Client{Transport: ct, Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	waitFor(t, "the stream", ch.Live)
	ctx := context.Background()
	for _, s := range []session{a, b, c, owner} {
		if _, err := ch.Check(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
	}
	revoke := func(s session) {
		t.Helper()
		req, _ := http.NewRequest("DELETE", "http://"+srv.addr+"/v1/sessions/"+s.SessionID, nil)
		req.Header.Set("Authorization", "Bearer "+s.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("revoke: %v %v", resp, err)
		}
		resp.Body.Close()
	}

	proxy.block()
	waitFor(t, "the checker to stop trusting its cache", func() bool { return !ch.Live() })
	revoke(a)
	before := ct.checks.Load()
	if _, err := ch.Check(ctx, a.Token); !errors.Is(err, verify.ErrEnded) || ct.checks.Load() == before {
		t.Errorf("with the stream down, a revoked session: %v (%d checks with the server)", err, ct.checks.Load()-before)
	}
	if _, err := ch.Check(ctx, c.Token); err != nil {
		t.Errorf("with the stream down, a live session: %v", err)
	}
	revoke(b) // missed by the stream
	srv.stop(syscall.SIGTERM)
	if _, err := ch.Check(ctx, c.Token); !errors.Is(err, verify.ErrUnavailable) {
		t.Errorf("stream and server down: %v, want ErrUnavailable", err)
	}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	proxy.unblock()
	waitFor(t, "the stream back", ch.Live)
	before = ct.checks.Load()
	if _, err := ch.Check(ctx, b.Token); !errors.Is(err, verify.ErrEnded) {
		t.Errorf("the revocation missed while the stream was down: %v", err)
	}
	if _, err := ch.Check(ctx, owner.Token); err != nil {
		t.Errorf("a live session after the stream came back: %v", err)
	}
	if n := ct.checks.Load() - before; n != 0 {
		t.Errorf("after the stream came back, %d checks went to the server, want none", n)
	}
}
