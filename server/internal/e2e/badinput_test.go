package e2e

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/sync/wire"
)

type apiAnswer struct {
	status int
	body   string
	err    *wire.Error
	header http.Header
}

// post sends a raw JSON body with extra headers.
func post(t *testing.T, ts *testServer, path, body string, hdr map[string]string) apiAnswer {
	t.Helper()
	var kv []string
	for k, v := range hdr {
		kv = append(kv, k, v)
	}
	return call(t, ts, "POST", path, "", body, kv...)
}

func TestBadHTTPInputGetsClearErrorAndChangesNothing(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	owner := newClient(t, ts)
	signUp(t, owner, "owner@example.com", "Owner")

	big := `{"email":"x@example.com","password":"` + strings.Repeat("a", 20<<10) + `"}`
	cases := []struct {
		name, path, body string
		status           int
		code             wire.Code
		msg              string
	}{
		{"malformed json", "/v1/signup", `{"email": "new@example.com",`, 400, wire.CodeBadMessage, "Malformed"},
		{"not an object", "/v1/signup", `[1,2]`, 400, wire.CodeBadMessage, "Malformed"},
		{"unknown key", "/v1/signup", `{"email":"new@example.com","password":"abcdefg1!","displayName":"New","admin":true}`, 400, wire.CodeBadMessage, "admin"},
		{"duplicate-case key", "/v1/signup", `{"email":"new@example.com","EMAIL":"owner@example.com","password":"abcdefg1!","displayName":"New"}`, 400, wire.CodeBadMessage, "EMAIL"},
		{"duplicate key", "/v1/signup", `{"email":"new@example.com","email":"owner@example.com","password":"abcdefg1!","displayName":"New"}`, 400, wire.CodeBadMessage, "duplicate"},
		{"trailing data", "/v1/signup", `{"email":"new@example.com","password":"abcdefg1!","displayName":"New"} {}`, 400, wire.CodeBadMessage, "Malformed"},
		{"oversized body", "/v1/signup", big, 413, wire.CodeTooLarge, "limit"},
		{"short password", "/v1/signup", `{"email":"new@example.com","password":"a1!","displayName":"New"}`, 400, wire.CodeInvalidArgument, "at least 8"},
		{"password without number", "/v1/signup", `{"email":"new@example.com","password":"abcdefgh!","displayName":"New"}`, 400, wire.CodeInvalidArgument, "number"},
		{"password without special", "/v1/signup", `{"email":"new@example.com","password":"abcdefgh1","displayName":"New"}`, 400, wire.CodeInvalidArgument, "special"},
		{"common password", "/v1/signup", `{"email":"new@example.com","password":"Password1!","displayName":"New"}`, 400, wire.CodeInvalidArgument, "commonly used"},
		{"password from the email", "/v1/signup", `{"email":"newbie@example.com","password":"newbie2024!","displayName":"New"}`, 400, wire.CodeInvalidArgument, "email address"},
		{"bad email", "/v1/signup", `{"email":"Name <new@example.com>","password":"abcdefg1!","displayName":"New"}`, 400, wire.CodeInvalidArgument, "address"},
		{"short display name", "/v1/signup", `{"email":"new@example.com","password":"abcdefg1!","displayName":" N "}`, 400, wire.CodeInvalidArgument, "at least 2"},
		{"duplicate email", "/v1/signup", `{"email":"OWNER@example.com","password":"other pass 9!","displayName":"Thief"}`, 409, wire.CodeConflict, "already exists"},
		{"wrong password", "/v1/signin", `{"email":"owner@example.com","password":"wrong pass 1!"}`, 401, wire.CodeBadCredentials, "incorrect"},
		{"unknown email", "/v1/signin", `{"email":"nobody@example.com","password":"wrong pass 1!"}`, 401, wire.CodeBadCredentials, "incorrect"},
		{"unknown endpoint", "/v1/nothing", `{}`, 404, wire.CodeNotFound, "No such"},
		{"unknown internal endpoint", "/internal/v1/nothing", `{}`, 404, wire.CodeNotFound, "No such"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := post(t, ts, tc.path, tc.body, nil)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d (body %s)", a.status, tc.status, a.body)
			}
			if a.err == nil || a.err.Code != tc.code || !strings.Contains(a.err.Message, tc.msg) {
				t.Fatalf("error %+v, want code %s with %q", a.err, tc.code, tc.msg)
			}
		})
	}
	// Nothing was created or taken over.
	if _, err := ts.account("new@example.com"); err == nil {
		t.Error("a refused sign-up created an account")
	}
	acc, err := ts.account("owner@example.com")
	if err != nil || acc.DisplayName != "Owner" {
		t.Errorf("owner account changed: %+v %v", acc, err)
	}
	signIn(t, newClient(t, ts), "owner@example.com")

	// Wrong password and unknown email answer exactly alike.
	wrong := post(t, ts, "/v1/signin", `{"email":"owner@example.com","password":"wrong pass 1!"}`, nil)
	unknown := post(t, ts, "/v1/signin", `{"email":"nobody@example.com","password":"wrong pass 1!"}`, nil)
	if wrong.status != unknown.status || wrong.body != unknown.body {
		t.Errorf("wrong password %d %s vs unknown email %d %s: want identical", wrong.status, wrong.body, unknown.status, unknown.body)
	}
}

func TestCrossOriginAndCookieFlags(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	body := `{"email":"panel@example.com","password":"violet kettle 42?","displayName":"Panel"}`
	a := post(t, ts, "/v1/signup", body, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if a.status != http.StatusForbidden || a.err == nil || a.err.Code != wire.CodeForbidden {
		t.Fatalf("cross-origin sign-up: %d %s, want 403 forbidden", a.status, a.body)
	}
	if _, err := ts.account("panel@example.com"); err == nil {
		t.Fatal("cross-origin request created an account")
	}
	a = post(t, ts, "/v1/signup", body, map[string]string{"Origin": ts.url(), "Sec-Fetch-Site": "same-origin"})
	if a.status != http.StatusCreated {
		t.Fatalf("same-origin sign-up: %d %s", a.status, a.body)
	}
	if strings.Contains(a.body, "token") {
		t.Errorf("cookie sign-up returned a token in the body: %s", a.body)
	}
	cookie := a.header.Get("Set-Cookie")
	for _, attr := range []string{"HttpOnly", "Secure", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("session cookie %q lacks %s", cookie, attr)
		}
	}
	name, value, _ := strings.Cut(strings.Split(cookie, ";")[0], "=")

	// A cookie-bearing state change from a foreign origin is refused.
	req, _ := http.NewRequest("POST", ts.url()+"/v1/signout", nil)
	req.AddCookie(&http.Cookie{Name: name, Value: value})
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin sign-out: %d, want 403", resp.StatusCode)
	}

	// A websocket handshake with a foreign Origin is refused.
	h := http.Header{"Origin": {"https://evil.example"}, "Cookie": {name + "=" + value}}
	_, resp, err = websocket.Dial(context.Background(), "ws://"+ts.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: h})
	if err == nil {
		t.Fatal("websocket with foreign Origin was accepted")
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign-origin websocket: %v, want 403", resp)
	}
	// The same cookie from the panel's own origin works.
	h.Set("Origin", ts.url())
	ws, _, err := websocket.Dial(context.Background(), "ws://"+ts.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatalf("same-origin websocket with cookie: %v", err)
	}
	ws.CloseNow()
}

func TestBadWebsocketInput(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a := newClient(t, ts)
	signUp(t, a, "ws@example.com", "Socket")
	ws := dialRaw(t, ts, tokenOf(t, a), "raw")
	ctx := context.Background()

	for _, tc := range []struct {
		name string
		msg  string
		code wire.Code
	}{
		{"unknown type", `{"type":"launchMissiles","data":{}}`, wire.CodeUnknownType},
		{"malformed", `{"type":"push","data":`, wire.CodeBadMessage},
		{"unknown field", `{"type":"push","data":{"mutations":[],"admin":true}}`, wire.CodeBadMessage},
		{"server-only message", `{"type":"welcome","data":{"version":1}}`, wire.CodeBadMessage},
	} {
		if err := ws.Write(ctx, websocket.MessageText, []byte(tc.msg)); err != nil {
			t.Fatal(err)
		}
		e, ok := recvType[*wire.Error](t, ws)
		if !ok || e.Code != tc.code {
			t.Errorf("%s: got %+v, want code %s", tc.name, e, tc.code)
		}
	}
	// Still usable after bad messages.
	send(t, ws, wire.Ping{})
	if _, ok := recvType[*wire.Pong](t, ws); !ok {
		t.Fatal("no pong after bad messages")
	}
	// Over the limit: closed with 1009.
	huge := bytes.Repeat([]byte("x"), wire.MaxMessageBytes+1)
	ws.Write(ctx, websocket.MessageText, huge)
	_, _, err := ws.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusMessageTooBig {
		t.Errorf("oversized message closed with %d (%v), want 1009", got, err)
	}
	acc, _ := ts.account("ws@example.com")
	if acc.DisplayName != "Socket" {
		t.Errorf("bad messages changed the account: %q", acc.DisplayName)
	}
}

// SECURITY 30: a flood of messages is rate limited; the socket stays
// usable for a well-behaved client afterwards.
func TestWebsocketFloodIsRateLimited(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a := newClient(t, ts)
	signUp(t, a, "flood@example.com", "Flood Test")
	ws := dialRaw(t, ts, tokenOf(t, a), "flooder")
	for range 100 {
		send(t, ws, wire.Ping{})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pongs, limited := 0, false
	for !limited {
		_, b, err := ws.Read(ctx)
		if err != nil {
			t.Fatalf("after %d pongs: %v; want a rate_limited error", pongs, err)
		}
		switch m, _ := wire.Decode(b); m := m.(type) {
		case *wire.Pong:
			pongs++
		case *wire.Error:
			limited = m.Code == wire.CodeRateLimited
		}
	}
	if pongs >= 100 {
		t.Fatalf("all 100 messages answered; want a limit")
	}
	// A client that keeps flooding is disconnected.
	for range 1000 {
		if err := ws.Write(ctx, websocket.MessageText, []byte(`{"type":"ping"}`)); err != nil {
			break
		}
	}
	for {
		if _, _, err := ws.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
				t.Errorf("flooding socket closed with %v, want 1008", err)
			}
			break
		}
	}
}
