package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// clock is the injected clock the commands read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// noSockets is the sync endpoint of a node with no socket open.
type noSockets struct{}

func (noSockets) Mark() uint64 { return 0 }
func (noSockets) ServeSocket(w http.ResponseWriter, _ *http.Request, _ store.Session, _ uint64) {
	w.WriteHeader(http.StatusTeapot) // reached only once authenticated
}
func (noSockets) Count() int { return 0 }

// discard takes the committed effects (no sockets, no mail here).
type discard struct{}

func (discard) Apply(*account.Effects) {}

const (
	serviceToken = "service-token-for-tests"
	goodPassword = "Correct horse battery 42!"
)

// api is the HTTP API over the account service on a real bbolt store in a
// temp dir, with the injected clock, served on a loopback port.
type api struct {
	t   *testing.T
	srv *httptest.Server
}

func newAPI(t *testing.T) *api {
	t.Helper()
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &clock{t: time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	svc, err := account.New(account.Config{Store: st, Effects: discard{}, Now: clk.Now, Log: log, HashLimit: 2, PublicOrigin: "https://account.dialnexa.test"})
	if err != nil {
		t.Fatal(err)
	}
	h := New(Config{Accounts: svc, Sockets: noSockets{}, Log: log, ServiceToken: serviceToken, PublicOrigin: "https://account.dialnexa.test",
		Revocations: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }})
	a := &api{t: t, srv: httptest.NewServer(h.Handler())}
	t.Cleanup(a.srv.Close)
	return a
}

// answer is a response: its status and, for errors, the wire error.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    *wire.Error
}

// do sends a request with a raw body and an optional bearer token.
func (a *api) do(method, path, token string, body []byte, header ...string) answer {
	a.t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := a.srv.Client().Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	ans := answer{status: resp.StatusCode, header: resp.Header, body: b}
	if resp.StatusCode >= 400 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var e struct {
			Error *wire.Error `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil {
			ans.err = e.Error
		}
	}
	return ans
}

func (a *api) json(method, path, token string, v any) answer {
	a.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.do(method, path, token, b)
}

// signUp creates an account and returns its session token.
func (a *api) signUp(email, name string) string {
	a.t.Helper()
	r := a.json("POST", "/v1/signup", "", map[string]any{"email": email, "password": goodPassword, "displayName": name, "deviceId": "dev-" + name, "bearer": true})
	var out struct{ Token string }
	if r.status != http.StatusCreated || json.Unmarshal(r.body, &out) != nil || out.Token == "" {
		a.t.Fatalf("sign up %s: %d %s", email, r.status, r.body)
	}
	return out.Token
}

// path fills a route's pattern with values that name nothing.
func path(pattern string) (method, p string) {
	method, p, _ = strings.Cut(pattern, " ")
	r := strings.NewReplacer("{id...}", "j1", "{id}", "x1", "{account}", "a1", "{invitation}", "i1", "{code}", "ABCD-EFGH")
	return method, r.Replace(p)
}

// Every route answers a caller without the access it needs 401 with the
// protocol's error, before reading anything it sent.
func TestEveryRouteChecksAccess(t *testing.T) {
	a := newAPI(t)
	s := &Server{cfg: Config{Revocations: func(http.ResponseWriter, *http.Request) {}}}
	for _, rt := range s.routes() {
		if rt.access == public {
			continue
		}
		method, p := path(rt.pattern)
		for _, tok := range []string{"", "not-a-session"} {
			r := a.do(method, p, tok, []byte(`{`))
			if r.status != http.StatusUnauthorized || r.err == nil || r.err.Code != wire.CodeUnauthorized || r.err.Message == "" {
				t.Errorf("%s with token %q: %d %s, want 401 unauthorized", rt.pattern, tok, r.status, r.body)
			}
		}
	}
	// A session token is not a service token, nor the reverse.
	tok := a.signUp("ada@example.com", "Ada")
	if r := a.json("POST", "/internal/v1/sessions/check", tok, map[string]string{"sessionId": "x"}); r.status != http.StatusUnauthorized {
		t.Errorf("a session token on an internal route: %d", r.status)
	}
	if r := a.do("GET", "/v1/me", serviceToken, nil); r.status != http.StatusUnauthorized {
		t.Errorf("the service token as a session: %d", r.status)
	}
}

// noBody are the routes that read no body.
var noBody = map[string]bool{"POST /v1/signout": true, "POST /v1/sessions/revoke-others": true, "POST /v1/signin/passkey/options": true,
	"POST /v1/workspaces/{id}/invitations/{invitation}/accept": true, "POST /v1/workspaces/{id}/invitations/{invitation}/decline": true}

// Every route that reads a JSON body refuses malformed JSON, unknown keys
// and an oversized body with 400 or 413 and the protocol's error: never a
// 500, never a page that is not JSON.
func TestEveryRouteRefusesBadBodies(t *testing.T) {
	a := newAPI(t)
	tok := a.signUp("ada@example.com", "Ada")
	s := &Server{cfg: Config{}}
	bodies := []struct {
		name string
		body []byte
		want []int
	}{
		{"malformed JSON", []byte(`{"email": `), []int{400, 415}},
		{"an unknown key", []byte(`{"surprise": true}`), []int{400, 404, 415}},
		{"over the limit", bytes.Repeat([]byte(" "), maxBodyBytes+1), []int{413, 415}},
	}
	for _, rt := range s.routes() {
		method, p := path(rt.pattern)
		if method == "GET" || method == "DELETE" || noBody[rt.pattern] {
			continue
		}
		token := tok
		if rt.access == byService {
			token = serviceToken
		}
		for _, b := range bodies {
			r := a.do(method, p, token, b.body, "Content-Type", "application/json")
			ok := false
			for _, w := range b.want {
				ok = ok || r.status == w
			}
			if !ok || r.err == nil || r.err.Message == "" {
				t.Errorf("%s, %s: %d %.200s; want one of %v with a message", rt.pattern, b.name, r.status, r.body, b.want)
			}
		}
	}
}

// The kinds of refusal reach the client as their statuses and codes.
func TestRefusalsMapToStatusesAndCodes(t *testing.T) {
	a := newAPI(t)
	tok := a.signUp("ada@example.com", "Ada")
	cases := []struct {
		name         string
		r            answer
		status       int
		code         wire.Code
		retryAfterOK bool
	}{
		{"a rule broken", a.json("POST", "/v1/signup", "", map[string]string{"email": "not an address", "password": goodPassword, "displayName": "Bo", "deviceId": "d"}), 400, wire.CodeInvalidArgument, false},
		{"a wrong password", a.json("POST", "/v1/signin", "", map[string]string{"email": "ada@example.com", "password": "Wrong horse 42!", "deviceId": "d2"}), 401, wire.CodeBadCredentials, false},
		{"a session of someone else", a.do("DELETE", "/v1/sessions/nobody", tok, nil), 404, wire.CodeNotFound, false},
		{"a takeover-grade change without the password", a.json("POST", "/v1/2fa/setup", tok, map[string]string{}), 403, wire.CodeStepUp, false},
		{"an unknown endpoint", a.do("GET", "/v1/nothing-here", tok, nil), 404, wire.CodeNotFound, false},
		{"an unknown internal endpoint", a.do("GET", "/internal/v1/nothing-here", serviceToken, nil), 404, wire.CodeNotFound, false},
		{"a cross-site request", a.do("POST", "/v1/signout", tok, nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"), 403, wire.CodeForbidden, false},
	}
	for _, c := range cases {
		if c.r.status != c.status || c.r.err == nil || c.r.err.Code != c.code || c.r.err.Name != c.code.String() || c.r.err.Message == "" {
			t.Errorf("%s: %d %s, want %d %s", c.name, c.r.status, c.r.body, c.status, c.code)
		}
	}
	// Throttled: Retry-After in the header and the body.
	var last answer
	for range 30 {
		last = a.json("POST", "/v1/signin", "", map[string]string{"email": "ada@example.com", "password": "Wrong horse 42!", "deviceId": "d3"})
		if last.status == http.StatusTooManyRequests {
			break
		}
	}
	if last.status != http.StatusTooManyRequests || last.err == nil || last.err.Code != wire.CodeRateLimited || last.header.Get("Retry-After") == "" || last.err.RetryAfterMs <= 0 {
		t.Errorf("repeated wrong passwords: %d %s (Retry-After %q), want 429 rate_limited saying when", last.status, last.body, last.header.Get("Retry-After"))
	}
	// Every answer carries the security headers.
	r := a.do("GET", "/v1/me", tok, nil)
	if r.status != 200 || r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Frame-Options") != "DENY" || r.header.Get("Strict-Transport-Security") == "" {
		t.Errorf("GET /v1/me: %d, headers %v", r.status, r.header)
	}
}
