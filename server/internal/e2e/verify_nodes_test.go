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
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dialnexa/account/server/verify"
)

// streamProxy is a reverse proxy in front of a server whose websockets
// (the revocation stream) can be cut and refused while requests pass.
type streamProxy struct {
	srv     *httptest.Server
	mu      sync.Mutex
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

// Three server processes on one PostgreSQL database; the checker follows
// node A's stream. A revocation through node B, a deletion through node
// C and a role change through node C reach it; the revoked and deleted
// sessions are refused without asking the server.
func TestVerifyAcrossThreeNodes(t *testing.T) {
	t.Parallel()
	nodes := startNodes(t, 3)
	a, b, c := nodes[0], nodes[1], nodes[2]
	var owner, member, gone, extra session
	for _, x := range []struct {
		s     *session
		email string
	}{{&owner, "owner@example.com"}, {&member, "member@example.com"}, {&gone, "gone@example.com"}} {
		if err := postTo(b, "/v1/signup", map[string]any{"email": x.email, "password": goodPassword, "displayName": "Node Test",
			"bearer": true, "deviceId": "d"}, http.StatusCreated, "", x.s); err != nil {
			t.Fatal(err)
		}
	}
	if err := postTo(c, "/v1/signin", map[string]any{"email": "owner@example.com", "password": goodPassword, "bearer": true, "deviceId": "d2"},
		http.StatusOK, "", &extra); err != nil {
		t.Fatal(err)
	}
	ct := &countingTransport{}
	ch, err := verify.New(context.Background(), verify.Config{Server: "http://" + a.addr, ServiceToken: a.token, HTTPClient: &http.Client{Transport: ct}})
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	waitFor(t, "the stream", ch.Live)
	ctx := context.Background()
	for _, s := range []session{owner, member, gone, extra} {
		if _, err := ch.Check(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
	}
	before := ct.checks.Load()
	// Revoked through B.
	req, _ := http.NewRequest("DELETE", "http://"+b.addr+"/v1/sessions/"+extra.SessionID, nil)
	req.Header.Set("Authorization", "Bearer "+owner.Token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke through B: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	// Deleted through C.
	if err := postTo(c, "/v1/account/delete", map[string]any{"email": "gone@example.com", "password": goodPassword}, http.StatusNoContent, gone.Token, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the revocation through node B", func() bool { _, err := ch.Check(ctx, extra.Token); return errors.Is(err, verify.ErrEnded) })
	waitFor(t, "the deletion through node C", func() bool { _, err := ch.Check(ctx, gone.Token); return errors.Is(err, verify.ErrEnded) })
	if n := ct.checks.Load() - before; n != 0 {
		t.Errorf("the revocation and deletion cost %d checks with the server, want none", n)
	}
	// A role change through C: the member is made an admin of the
	// owner's workspace, seen at the next check.
	var ws struct{ ID string }
	if err := postTo(c, "/v1/workspaces", map[string]string{"name": "Nodes"}, http.StatusCreated, owner.Token, &ws); err != nil {
		t.Fatal(err)
	}
	if err := postTo(c, "/v1/workspaces/"+ws.ID+"/invitations", map[string]string{"email": "member@example.com", "role": "member"}, http.StatusAccepted, owner.Token, nil); err != nil {
		t.Fatal(err)
	}
	tok := waitForInviteToken(t, nodes, "member@example.com")
	if err := postTo(b, "/v1/invitations/accept", map[string]string{"token": tok}, http.StatusOK, member.Token, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the membership seen", func() bool { s, err := ch.Check(ctx, member.Token); return err == nil && s.Role(ws.ID) == "member" })
	req, _ = http.NewRequest("PUT", "http://"+c.addr+"/v1/workspaces/"+ws.ID+"/members/"+member.AccountID+"/role", strings.NewReader(`{"role":"admin"}`))
	req.Header.Set("Authorization", "Bearer "+owner.Token)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("change the role through C: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	waitFor(t, "the role change seen", func() bool { s, err := ch.Check(ctx, member.Token); return err == nil && s.Role(ws.ID) == "admin" })
}

// waitForInviteToken waits for the invitation mail one of the nodes wrote
// to email and returns its token.
func waitForInviteToken(t *testing.T, nodes []*procServer, email string) string {
	t.Helper()
	var tok string
	waitFor(t, "the invitation mail", func() bool { tok = mailedToken(nodes, "invited you"); return tok != "" })
	return tok
}
