package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/server/verify"
)

// countingTransport counts the session checks a service makes.
type countingTransport struct{ checks atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/internal/v1/sessions/check") {
		c.checks.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// newChecker starts a service's checker against server (and issuer, for
// access tokens) and waits for its stream.
func newChecker(t testing.TB, server, token, issuer string) (*verify.Checker, *countingTransport) {
	t.Helper()
	ct := &countingTransport{}
	c, err := verify.New(context.Background(), verify.Config{Server: server, ServiceToken: token, Issuer: issuer,
		HTTPClient: &http.Client{Transport: ct}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	waitFor(t, "the checker's stream", c.Live)
	return c, ct
}

// A service checks sessions: once through the server, then from memory;
// each kind of revocation reaches it on the stream and the next check
// refuses from memory; a role change is seen at the next check; access
// tokens are verified locally and refused once their session ended.
func TestVerifySessions(t *testing.T) {
	ts, rp, s := oidcApp(t)
	c, calls := newChecker(t, ts.url(), ts.token, rp.issuer)
	ctx := context.Background()

	got, err := c.Check(ctx, s.Token)
	if err != nil || got.AccountID != s.AccountID || got.SessionID != s.SessionID || got.Email != "ada@example.com" || got.DisplayName != "Ada Lovelace" {
		t.Fatalf("first check: %+v, %v", got, err)
	}
	for range 3 {
		if _, err := c.Check(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
	}
	if n := calls.checks.Load(); n != 1 {
		t.Errorf("four checks of one session asked the server %d times, want once", n)
	}
	if _, err := c.Check(ctx, "not-a-token"); !errors.Is(err, verify.ErrInvalid) {
		t.Errorf("an unknown token: %v", err)
	}
	if _, err := c.Check(ctx, ""); !errors.Is(err, verify.ErrNoCredential) {
		t.Errorf("no token: %v", err)
	}

	// Revoked: refused from memory once the stream says so.
	other := apiSignInSession(t, ts, "ada@example.com")
	if _, err := c.Check(ctx, other.Token); err != nil {
		t.Fatal(err)
	}
	before := calls.checks.Load()
	if a := call(t, ts, "DELETE", "/v1/sessions/"+other.SessionID, s.Token, nil); a.status != http.StatusNoContent {
		t.Fatal(a.body)
	}
	waitFor(t, "the revoked session refused", func() bool { _, err := c.Check(ctx, other.Token); return errors.Is(err, verify.ErrEnded) })
	if n := calls.checks.Load() - before; n != 0 {
		t.Errorf("the revocation cost %d checks with the server, want none", n)
	}

	// Every other kind of end: revoke-others, a password change with
	// sign-out, a password reset.
	for _, end := range []struct {
		name string
		do   func()
	}{
		{"revoke-others", func() {
			if a := call(t, ts, "POST", "/v1/sessions/revoke-others", s.Token, map[string]any{}); a.status != http.StatusOK {
				t.Fatal(a.body)
			}
		}},
		{"a password change with sign-out", func() {
			a := call(t, ts, "POST", "/v1/password", s.Token, map[string]any{"currentPassword": goodPassword, "newPassword": "verify horse 8!", "signOutOthers": true})
			if a.status/100 != 2 {
				t.Fatal(a.body)
			}
			call(t, ts, "POST", "/v1/password", s.Token, map[string]any{"currentPassword": "verify horse 8!", "newPassword": goodPassword})
		}},
	} {
		victim := apiSignInSession(t, ts, "ada@example.com")
		if _, err := c.Check(ctx, victim.Token); err != nil {
			t.Fatal(err)
		}
		before := calls.checks.Load()
		end.do()
		waitFor(t, end.name, func() bool { _, err := c.Check(ctx, victim.Token); return errors.Is(err, verify.ErrEnded) })
		if n := calls.checks.Load() - before; n != 0 {
			t.Errorf("%s cost %d checks with the server", end.name, n)
		}
	}
	// A password reset ends every session, the checker's first included.
	link := resetLink(t, ts, "ada@example.com", 1)
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]any{"token": link, "newPassword": goodPassword + "x"}); a.status != http.StatusOK {
		t.Fatalf("reset: %d %s", a.status, a.body)
	}
	waitFor(t, "the reset", func() bool { _, err := c.Check(ctx, s.Token); return errors.Is(err, verify.ErrEnded) })
	s = apiSignInSessionWith(t, ts, "ada@example.com", goodPassword+"x")
	if a := call(t, ts, "POST", "/v1/password", s.Token, map[string]any{"currentPassword": goodPassword + "x", "newPassword": goodPassword}); a.status/100 != 2 {
		t.Fatal(a.body)
	}

	// A role change is seen at the next check.
	var ws struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", s.Token, map[string]string{"name": "Calls"}).decode(t, &ws)
	waitFor(t, "the new workspace seen", func() bool {
		got, err := c.Check(ctx, s.Token)
		return err == nil && got.Role(ws.ID) == "owner"
	})

	// Access tokens: verified locally, the session checked once.
	res := signInApp(t, ts, rp, s)
	got, err = c.Check(ctx, res.Token.AccessToken)
	if err != nil || got.SessionID != res.Claims["sid"] || got.App != "grafana" || got.AccountID != s.AccountID {
		t.Fatalf("an access token: %+v, %v", got, err)
	}
	before = calls.checks.Load()
	if _, err := c.Check(ctx, res.Token.AccessToken); err != nil || calls.checks.Load() != before {
		t.Errorf("the access token again: %v, %d more checks", err, calls.checks.Load()-before)
	}
	if a := call(t, ts, "DELETE", "/v1/sessions/"+res.Claims["sid"].(string), s.Token, nil); a.status != http.StatusNoContent {
		t.Fatal(a.body)
	}
	waitFor(t, "the access token refused before it expires", func() bool {
		_, err := c.Check(ctx, res.Token.AccessToken)
		return errors.Is(err, verify.ErrEnded)
	})
	if calls.checks.Load() != before {
		t.Errorf("the access token's revocation cost %d checks", calls.checks.Load()-before)
	}

	// Deleting the account ends its sessions.
	if a := call(t, ts, "POST", "/v1/account/delete", s.Token, map[string]any{"email": "ada@example.com", "password": goodPassword}); a.status/100 != 2 {
		t.Fatalf("delete: %d %s", a.status, a.body)
	}
	waitFor(t, "the deleted account's session refused", func() bool { _, err := c.Check(ctx, s.Token); return errors.Is(err, verify.ErrEnded) })
}

// apiSignInSession signs the account in again (goodPassword).
func apiSignInSession(t *testing.T, ts *testServer, email string) session {
	t.Helper()
	return apiSignInSessionWith(t, ts, email, goodPassword)
}

func apiSignInSessionWith(t *testing.T, ts *testServer, email, password string) session {
	t.Helper()
	a, s := apiSignIn(t, ts, email, password, "", "dev-"+email)
	if a.status != http.StatusOK {
		t.Fatalf("sign in: %d %s", a.status, a.body)
	}
	return s
}

// The changes log is kept a day: a follower that comes back after it was
// pruned is told to drop its cache (reset) and starts from the newest
// change; one within it gets what it missed.
func TestRevocationStreamResetsAfterPruning(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "stream@example.com", goodPassword, "Stream", "d")
	other := apiSignInSession(t, ts, "stream@example.com")
	if a := call(t, ts, "DELETE", "/v1/sessions/"+other.SessionID, s.Token, nil); a.status != http.StatusNoContent {
		t.Fatal(a.body)
	}
	first := streamHello(t, ts, 0)
	if first.Reset || first.Until < 2 {
		t.Fatalf("hello from the start: %+v", first)
	}
	ts.clock.Advance(25 * time.Hour)
	if err := ts.api.RunJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h := streamHello(t, ts, 0); !h.Reset || h.Seq < first.Until {
		t.Errorf("hello after the log was pruned: %+v, want a reset at the newest change", h)
	}
}

// A position that is not a number is refused with the project's error
// JSON, saying what to send.
func TestRevocationStreamRefusesABadPosition(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	req, _ := http.NewRequest("GET", ts.url()+"/internal/v1/revocations?after=yesterday", nil)
	req.Header.Set("Authorization", "Bearer "+ts.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error struct{ Name, Message string }
	}
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusBadRequest || body.Error.Name != "invalid_argument" || !strings.Contains(body.Error.Message, "leave after out") {
		t.Errorf("after=yesterday: %s %+v", resp.Status, body)
	}
}

// streamHello opens the revocation stream after a position and returns
// its hello.
func streamHello(t *testing.T, ts *testServer, after uint64) (h struct {
	Seq, Until uint64
	Kind       string
	Reset      bool
}) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+ts.addr+"/internal/v1/revocations?after="+strconv.FormatUint(after, 10),
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + ts.token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	_, b, err := ws.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &h); err != nil || h.Kind != "hello" {
		t.Fatalf("first message %s: %v", b, err)
	}
	return h
}
