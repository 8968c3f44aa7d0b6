package e2e

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"syscall"
	"testing"

	"github.com/dialnexa/account/server/internal/store"
)

// Three server processes on one PostgreSQL database behind a balancer,
// the issuer being the balancer's address: a sign-in started on one node
// goes on through another and ends through a third, the code is exchanged
// on the first, the refresh token used on the second (every node signs
// with the same keys), and a revocation through the third sends the
// application exactly one logout token.
func TestOIDCAcrossThreeNodes(t *testing.T) {
	// The balancer's listener is opened first and kept: a port picked and
	// let go could be taken (by a node's connection to the database)
	// before the balancer listened on it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	issuer := "http://localhost:" + port
	bin := builtServer(t)
	dbURL := clusterFor(t).NewDatabase(t)
	nodes := make([]*procServer, 3)
	for i := range nodes {
		dir := t.TempDir()
		nodes[i] = &procServer{bin: bin, dir: dir, token: "nodes-service-token-0123456789abcdef", addr: freeAddr(t),
			storeArgs: []string{"-data", dir, "-store", dbURL, "-public-origin", issuer}}
		if err := nodes[i].start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { nodes[i].stop(syscall.SIGTERM) })
	}
	a, b, c := nodes[0], nodes[1], nodes[2]
	lb := &balancer{nodes: nodes, down: map[*procServer]bool{}}
	srv := httptest.NewUnstartedServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(&url.URL{Scheme: "http", Host: lb.pick(false).addr})
		pr.Out.Host = pr.In.Host
	}})
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)

	rp := newRelyingParty(t)
	var app struct{ Secret string }
	if err := postTo(a, "/internal/v1/oidc/apps", map[string]any{"id": "dashboard", "name": "DialNexa dashboard", "firstParty": true,
		"redirectUris": []string{rp.redirectURI()}, "backchannelLogoutUri": rp.logoutURI()}, http.StatusOK, a.token, &app); err != nil {
		t.Fatal(err)
	}
	rp.connect(issuer, "dashboard", app.Secret, "email", "offline_access")
	var s session
	if err := postTo(b, "/v1/signup", map[string]any{"email": "nodes@example.com", "password": goodPassword, "displayName": "Nodes",
		"bearer": true, "deviceId": "d1"}, http.StatusCreated, "", &s); err != nil {
		t.Fatal(err)
	}
	at := func(n *procServer, u string) string {
		x, _ := url.Parse(u)
		x.Host = n.addr
		return x.String()
	}

	// Started on A, continued on B, the callback on C.
	q := httpAuthorizeAt(t, "http://"+b.addr, at(a, rp.authURL()), s.Token)
	if q.Get("code") == "" {
		t.Fatalf("no code: %v", q)
	}
	rp.conf.Endpoint.TokenURL = "http://" + a.addr + "/oidc/token"
	res := rp.finish(q)
	if res.Error != "" {
		t.Fatalf("exchange on node A: %s", res.Error)
	}
	rp.conf.Endpoint.TokenURL = "http://" + b.addr + "/oidc/token"
	next, code := rp.refresh(res.Token.RefreshToken)
	if code != "" {
		t.Fatalf("refresh on node B: %s", code)
	}
	if raw, _ := next.Extra("id_token").(string); raw == "" {
		t.Fatal("no ID token from node B")
	} else if _, err := rp.verifier.Verify(context.Background(), raw); err != nil {
		t.Fatalf("node B's ID token does not verify with the published keys: %v", err)
	}

	sid := res.Claims["sid"].(string)
	req, _ := http.NewRequest("DELETE", "http://"+c.addr+"/v1/sessions/"+sid, nil)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke through node C: %v %v", resp, err)
	}
	resp.Body.Close()
	if lt := rp.logout(); lt.Session != sid {
		t.Fatalf("logout for %s, want %s", lt.Session, sid)
	}
	// Sent once: when the outbox is empty every node has finished with
	// it, and the application has had one token.
	st, err := store.OpenPostgres(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	waitFor(t, "the outbox empty", func() bool {
		var n int
		st.View(context.Background(), func(tx store.Tx) (err error) { n, _, err = tx.OutboxStats(); return })
		return n == 0
	})
	select {
	case lt := <-rp.logouts:
		t.Errorf("a second logout token: %+v", lt)
	default:
	}
	if _, code := rp.refresh(next.RefreshToken); code != "invalid_grant" {
		t.Errorf("refresh after the revocation, on node B: %q", code)
	}
}
