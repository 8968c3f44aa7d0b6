package e2e

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/dialnexa/account/server/internal/node"
)

// startOIDCServer starts a server whose public origin (the OpenID Connect
// issuer) is the address it listens on, http://localhost:PORT, so that a
// relying party and Chromium reach every endpoint discovery names; with
// the panel when panel is set.
func startOIDCServer(t testing.TB, panel bool, tune ...func(*node.Config)) (*testServer, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	origin := fmt.Sprintf("http://localhost:%d", port)
	dir := ""
	if panel {
		dir = builtPanel(t)
	}
	ts := startServerAt(t, fmt.Sprintf("127.0.0.1:%d", port), dir, func(c *node.Config) {
		c.PublicOrigin = origin
		for _, f := range tune {
			f(c)
		}
	})
	return ts, origin
}

// registerApp registers an application through the operators' endpoint and
// returns its client secret (empty for a public client).
func registerApp(t testing.TB, ts *testServer, spec map[string]any) string {
	t.Helper()
	a := call(t, ts, "POST", "/internal/v1/oidc/apps", ts.token, spec)
	if a.status != http.StatusOK {
		t.Fatalf("register %v: %d %s", spec["id"], a.status, a.body)
	}
	var out struct{ Secret string }
	a.decode(t, &out)
	return out.Secret
}

// relyingParty is an independent application signing users in through
// the server, built on go-oidc and x/oauth2 as a real one would be: it
// serves its redirect URI and its back-channel logout URI on a loopback
// port of its own.
type relyingParty struct {
	t        testing.TB
	srv      *httptest.Server
	issuer   string
	provider *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
	keys     *gooidc.RemoteKeySet
	conf     oauth2.Config

	mu       sync.Mutex
	pending  map[string]pendingAuth // by state
	results  chan rpResult
	logouts  chan logoutToken
	refusals chan string // bad logout tokens
}

type pendingAuth struct{ verifier, nonce string }

// rpResult is what one visit of the redirect URI gave.
type rpResult struct {
	Token   *oauth2.Token
	IDToken *gooidc.IDToken
	Claims  map[string]any
	// Error is the error the provider sent back (login_required…) or
	// the exchange's.
	Error string
}

// logoutToken is a verified back-channel logout token's claims.
type logoutToken struct {
	Issuer   string                    `json:"iss"`
	Subject  string                    `json:"sub"`
	Audience string                    `json:"aud"`
	IssuedAt int64                     `json:"iat"`
	Expiry   int64                     `json:"exp"`
	ID       string                    `json:"jti"`
	Session  string                    `json:"sid"`
	Nonce    *string                   `json:"nonce"`
	Events   map[string]map[string]any `json:"events"`
}

// newRelyingParty starts the application's server; register it with
// rp.redirectURI() and rp.logoutURI(), then call rp.connect.
func newRelyingParty(t testing.TB) *relyingParty {
	rp := &relyingParty{t: t, pending: map[string]pendingAuth{}, results: make(chan rpResult, 8), logouts: make(chan logoutToken, 16), refusals: make(chan string, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", rp.callback)
	mux.HandleFunc("POST /backchannel", rp.backchannel)
	rp.srv = httptest.NewServer(mux)
	t.Cleanup(rp.srv.Close)
	return rp
}

func (rp *relyingParty) redirectURI() string { return rp.srv.URL + "/callback" }
func (rp *relyingParty) logoutURI() string   { return rp.srv.URL + "/backchannel" }

// connect discovers the provider at issuer and configures the client.
func (rp *relyingParty) connect(issuer, clientID, secret string, scopes ...string) {
	t := rp.t
	t.Helper()
	p, err := gooidc.NewProvider(context.Background(), issuer)
	if err != nil {
		t.Fatalf("discover %s: %v", issuer, err)
	}
	var meta struct {
		JWKS string `json:"jwks_uri"`
	}
	if err := p.Claims(&meta); err != nil {
		t.Fatal(err)
	}
	rp.issuer, rp.provider = issuer, p
	rp.verifier = p.Verifier(&gooidc.Config{ClientID: clientID})
	rp.keys = gooidc.NewRemoteKeySet(context.Background(), meta.JWKS)
	rp.conf = oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: p.Endpoint(), RedirectURL: rp.redirectURI(),
		Scopes: append([]string{gooidc.ScopeOpenID}, scopes...)}
}

// authURL starts a sign-in: the address to send the browser to, with a
// fresh state, nonce and PKCE verifier (S256). extra are more parameters
// (prompt, max_age).
func (rp *relyingParty) authURL(extra ...string) string {
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	rp.mu.Lock()
	rp.pending[state] = pendingAuth{verifier: verifier, nonce: nonce}
	rp.mu.Unlock()
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier), gooidc.Nonce(nonce)}
	for i := 0; i+1 < len(extra); i += 2 {
		opts = append(opts, oauth2.SetAuthURLParam(extra[i], extra[i+1]))
	}
	return rp.conf.AuthCodeURL(state, opts...)
}

// callback is the redirect URI: it checks the state, exchanges the code
// with its verifier and verifies the ID token and its nonce.
func (rp *relyingParty) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rp.mu.Lock()
	p, ok := rp.pending[q.Get("state")]
	delete(rp.pending, q.Get("state")) // a state is good once
	rp.mu.Unlock()
	var res rpResult
	switch {
	case !ok:
		res.Error = "unknown state"
	case q.Get("error") != "":
		res.Error = q.Get("error")
	default:
		res = rp.exchange(r.Context(), q.Get("code"), p)
	}
	rp.results <- res
	if res.Error != "" {
		http.Error(w, "sign-in failed: "+res.Error, http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "<!doctype html><title>Signed in</title><p id=rp-done>Signed in as %s</p>", res.IDToken.Subject)
}

func (rp *relyingParty) exchange(ctx context.Context, code string, p pendingAuth) rpResult {
	tok, err := rp.conf.Exchange(ctx, code, oauth2.VerifierOption(p.verifier))
	if err != nil {
		return rpResult{Error: "exchange: " + err.Error()}
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := rp.verifier.Verify(ctx, raw)
	if err != nil {
		return rpResult{Error: "verify the ID token: " + err.Error()}
	}
	if id.Nonce != p.nonce {
		return rpResult{Error: "the ID token's nonce is not the request's"}
	}
	claims := map[string]any{}
	if err := id.Claims(&claims); err != nil {
		return rpResult{Error: err.Error()}
	}
	return rpResult{Token: tok, IDToken: id, Claims: claims}
}

// backchannel is the back-channel logout URI: it verifies the logout
// token's signature with the provider's key set and its claims as the
// specification says (section 2.6).
func (rp *relyingParty) backchannel(w http.ResponseWriter, r *http.Request) {
	raw := r.PostFormValue("logout_token")
	payload, err := rp.keys.VerifySignature(r.Context(), raw)
	if err != nil {
		rp.refusals <- "signature: " + err.Error()
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	var lt logoutToken
	if err := json.Unmarshal(payload, &lt); err != nil {
		rp.refusals <- err.Error()
		http.Error(w, "bad token", http.StatusBadRequest)
		return
	}
	_, event := lt.Events["http://schemas.openid.net/event/backchannel-logout"]
	if lt.Issuer != rp.issuer || lt.Audience != rp.conf.ClientID || !event || lt.Nonce != nil || lt.Session == "" || lt.ID == "" || lt.Expiry-lt.IssuedAt != 120 {
		rp.refusals <- fmt.Sprintf("claims: %+v", lt)
		http.Error(w, "bad claims", http.StatusBadRequest)
		return
	}
	rp.logouts <- lt
}

// result waits for the next visit of the redirect URI.
func (rp *relyingParty) result() rpResult {
	rp.t.Helper()
	select {
	case r := <-rp.results:
		return r
	case <-time.After(60 * time.Second):
		rp.t.Fatal("the application's redirect URI was never reached")
		return rpResult{}
	}
}

// logout waits for a verified logout token.
func (rp *relyingParty) logout() logoutToken {
	rp.t.Helper()
	select {
	case lt := <-rp.logouts:
		return lt
	case bad := <-rp.refusals:
		rp.t.Fatalf("a logout token was refused: %s", bad)
	case <-time.After(60 * time.Second):
		rp.t.Fatal("no logout token arrived")
	}
	return logoutToken{}
}

// httpAuthorize runs the authorization step without a browser, as the
// sign-in page would for a session with token: it returns the redirect
// URI's query (a code and the state, or an error).
func httpAuthorize(t testing.TB, ts *testServer, authURL, token string) url.Values {
	t.Helper()
	return httpAuthorizeAt(t, ts.url(), authURL, token)
}

// httpAuthorizeAt is httpAuthorize with the sign-in page's requests sent
// to the server at base (a node of several), and the authorization
// endpoint's address as authURL says.
func httpAuthorizeAt(t testing.TB, base, authURL, token string) url.Values {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) *http.Response {
		resp, err := noFollow.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	resp := get(authURL)
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("authorize answered %s without a redirect", resp.Status)
	}
	if loc.Path != "/authorize" {
		return loc.Query()
	}
	var next struct {
		Redirect string
		SignIn   bool
		Consent  *struct{ App string }
	}
	id := url.PathEscape(loc.Query().Get("id"))
	if err := postURL(base+"/v1/oidc/requests/"+id, map[string]any{}, http.StatusOK, token, &next); err != nil {
		t.Fatal(err)
	}
	if next.Consent != nil {
		if err := postURL(base+"/v1/oidc/requests/"+id+"/consent", map[string]any{"allow": true}, http.StatusOK, token, &next); err != nil {
			t.Fatal(err)
		}
	}
	if next.Redirect == "" {
		t.Fatalf("the sign-in page was not sent on: %+v", next)
	}
	u, err := url.Parse(next.Redirect)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/oidc/authorize/callback" {
		return u.Query()
	}
	resp = get(next.Redirect)
	loc, err = resp.Location()
	if err != nil {
		t.Fatalf("the callback answered %s without a redirect", resp.Status)
	}
	return loc.Query()
}

// hasPrefix reports whether s starts with p (for redirect checks).
func hasPrefix(s, p string) bool { return strings.HasPrefix(s, p) }

// finish completes a sign-in whose redirect URI query q was obtained
// without a browser: the state is checked and the code exchanged.
func (rp *relyingParty) finish(q url.Values) rpResult {
	rp.mu.Lock()
	p, ok := rp.pending[q.Get("state")]
	delete(rp.pending, q.Get("state"))
	rp.mu.Unlock()
	switch {
	case !ok:
		return rpResult{Error: "unknown state"}
	case q.Get("error") != "":
		return rpResult{Error: q.Get("error")}
	}
	return rp.exchange(context.Background(), q.Get("code"), p)
}

// refresh exchanges a refresh token; it returns the new tokens or the
// provider's error code.
func (rp *relyingParty) refresh(token string) (*oauth2.Token, string) {
	tok, err := rp.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: token}).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, re.ErrorCode
		}
		return nil, err.Error()
	}
	return tok, ""
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
