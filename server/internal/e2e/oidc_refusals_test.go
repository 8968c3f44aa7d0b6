package e2e

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func getNoFollow(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirects.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// Bad authorization requests are refused with a clear error and nothing
// issued: a redirect URI that is not registered exactly gets an error page
// (never a redirect, which would send the browser wherever the request
// says), and missing or plain PKCE an error sent back to the application.
func TestOIDCRefusesBadAuthorizationRequests(t *testing.T) {
	_, rp, _ := oidcApp(t)
	good := rp.authURL()
	for _, bad := range []string{rp.redirectURI() + "/x", rp.redirectURI() + "?x=1", strings.Replace(rp.redirectURI(), "127.0.0.1", "localhost", 1), "https://evil.example/callback"} {
		u, _ := url.Parse(good)
		q := u.Query()
		q.Set("redirect_uri", bad)
		u.RawQuery = q.Encode()
		resp, body := getNoFollow(t, u.String())
		if resp.StatusCode/100 == 3 || resp.Header.Get("Location") != "" {
			t.Errorf("redirect_uri %s: redirected to %q", bad, resp.Header.Get("Location"))
		}
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "redirect_uri") {
			t.Errorf("redirect_uri %s: %s %q, want an error page naming the redirect URI", bad, resp.Status, body)
		}
	}
	for name, change := range map[string]func(url.Values){
		"no PKCE": func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") },
		"plain PKCE": func(q url.Values) {
			q.Set("code_challenge_method", "plain")
			q.Set("code_challenge", strings.Repeat("a", 43))
		},
		"no method": func(q url.Values) { q.Del("code_challenge_method") },
	} {
		u, _ := url.Parse(rp.authURL())
		q := u.Query()
		change(q)
		u.RawQuery = q.Encode()
		resp, _ := getNoFollow(t, u.String())
		loc, err := resp.Location()
		if err != nil || !strings.HasPrefix(loc.String(), rp.redirectURI()) {
			t.Errorf("%s: %s to %v, want the error sent back to the application", name, resp.Status, loc)
			continue
		}
		if e := loc.Query().Get("error"); e != "invalid_request" && e != "unsupported_response_type" {
			t.Errorf("%s: error %q (%s)", name, e, loc.Query().Get("error_description"))
		}
		if loc.Query().Get("code") != "" || loc.Query().Get("state") != q.Get("state") {
			t.Errorf("%s: answered %v", name, loc.Query())
		}
	}
	// The implicit flow: refused (an error page), no token issued.
	u, _ := url.Parse(good)
	q := u.Query()
	q.Set("response_type", "id_token token")
	u.RawQuery = q.Encode()
	if resp, body := getNoFollow(t, u.String()); resp.StatusCode != http.StatusBadRequest || strings.Contains(resp.Header.Get("Location"), "token") {
		t.Errorf("implicit flow: %s to %q: %s", resp.Status, resp.Header.Get("Location"), body)
	}
	// An unknown client: an error page.
	u, _ = url.Parse(good)
	q = u.Query()
	q.Set("client_id", "nobody")
	u.RawQuery = q.Encode()
	if resp, _ := getNoFollow(t, u.String()); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
		t.Errorf("unknown client: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
}

// A code works once, briefly, for the client it was issued to: a second
// use revokes what the first gave; an expired one is refused; a callback
// replayed gets no second code; a refresh token works only for its client.
func TestOIDCCodesAndTokensAreBound(t *testing.T) {
	ts, rp, s := oidcApp(t)
	other := newRelyingParty(t)
	secret := registerApp(t, ts, map[string]any{"id": "other", "name": "Other app", "redirectUris": []string{other.redirectURI()}, "firstParty": true})
	other.connect(rp.issuer, "other", secret, "offline_access")

	// Reused: refused, and the first use's tokens revoked.
	q := httpAuthorize(t, ts, rp.authURL(), s.Token)
	state := q.Get("state")
	rp.mu.Lock()
	p := rp.pending[state]
	rp.mu.Unlock()
	first := rp.finish(q)
	if first.Error != "" {
		t.Fatal(first.Error)
	}
	if again := rp.exchange(t.Context(), q.Get("code"), p); !strings.Contains(again.Error, "invalid_grant") {
		t.Errorf("a code used twice: %+v", again)
	}
	if lt := rp.logout(); lt.Session != first.Claims["sid"] {
		t.Errorf("the reuse ended %s, want %s", lt.Session, first.Claims["sid"])
	}
	if _, code := rp.refresh(first.Token.RefreshToken); code != "invalid_grant" {
		t.Errorf("the first use's refresh token after the reuse: %q", code)
	}

	// Expired: a code lasts a minute.
	q = httpAuthorize(t, ts, rp.authURL(), s.Token)
	ts.clock.Advance(61 * time.Second)
	if res := rp.finish(q); !strings.Contains(res.Error, "invalid_grant") {
		t.Errorf("an expired code: %+v", res)
	}

	// Presented by another client, or with a wrong verifier: refused, and
	// the code stays good for its own client.
	q = httpAuthorize(t, ts, rp.authURL(), s.Token)
	if _, err := other.conf.Exchange(t.Context(), q.Get("code"), oauth2.SetAuthURLParam("redirect_uri", rp.redirectURI()), oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
		t.Error("another client exchanged the code")
	}
	rp.mu.Lock()
	p = rp.pending[q.Get("state")]
	rp.mu.Unlock()
	if res := rp.exchange(t.Context(), q.Get("code"), pendingAuth{verifier: oauth2.GenerateVerifier(), nonce: p.nonce}); res.Error == "" {
		t.Error("a wrong PKCE verifier was accepted")
	}
	res := rp.finish(q)
	if res.Error != "" {
		t.Fatalf("the code after the refused attempts: %s", res.Error)
	}

	// A refresh token of another client.
	if tok, err := other.conf.TokenSource(t.Context(), &oauth2.Token{RefreshToken: res.Token.RefreshToken}).Token(); err == nil {
		t.Errorf("another client refreshed the token: %+v", tok)
	}

	// A replayed callback (the browser's history, a proxy's log) gets no
	// second code.
	resp, _ := getNoFollow(t, rp.authURL())
	loc, _ := resp.Location()
	id := loc.Query().Get("id")
	var next struct{ Redirect string }
	call(t, ts, "POST", "/v1/oidc/requests/"+id, s.Token, map[string]any{}).decode(t, &next)
	resp, _ = getNoFollow(t, next.Redirect)
	if l, _ := resp.Location(); l == nil || l.Query().Get("code") == "" {
		t.Fatalf("the callback: %s", resp.Status)
	}
	resp, body := getNoFollow(t, next.Redirect)
	if l, _ := resp.Location(); l != nil && l.Query().Get("code") != "" {
		t.Errorf("a replayed callback got a second code: %v", l)
	} else if resp.StatusCode/100 == 2 {
		t.Errorf("a replayed callback: %s %q", resp.Status, body)
	}
	// The sign-in page, asked again, says the request was answered.
	if a := call(t, ts, "POST", "/v1/oidc/requests/"+id, s.Token, map[string]any{}); a.status != http.StatusNotFound {
		t.Errorf("an answered request asked again: %d %s", a.status, a.body)
	}
}

// prompt=none answers without showing anything: login_required without a
// session, consent_required before a third-party app was allowed, and a
// code once it was; prompt=login and max_age ask for a recent sign-in.
func TestOIDCPrompts(t *testing.T) {
	ts, rp, s := oidcApp(t)
	resp, _ := getNoFollow(t, rp.authURL("prompt", "none"))
	loc, _ := resp.Location()
	var next struct {
		Redirect string
		SignIn   bool
		Fresh    bool
	}
	call(t, ts, "POST", "/v1/oidc/requests/"+loc.Query().Get("id"), "", map[string]any{}).decode(t, &next)
	if u, _ := url.Parse(next.Redirect); u == nil || u.Query().Get("error") != "login_required" || !strings.HasPrefix(next.Redirect, rp.redirectURI()) {
		t.Errorf("prompt=none signed out: %+v", next)
	}
	if q := httpAuthorize(t, ts, rp.authURL("prompt", "none"), s.Token); q.Get("error") != "consent_required" {
		t.Errorf("prompt=none before consent: %v", q)
	}
	signInApp(t, ts, rp, s) // consents
	q := httpAuthorize(t, ts, rp.authURL("prompt", "none"), s.Token)
	if q.Get("code") == "" {
		t.Fatalf("prompt=none after consent: %v", q)
	}
	if res := rp.finish(q); res.Error != "" {
		t.Errorf("prompt=none's code: %s", res.Error)
	}

	ask := func(extra ...string) (out struct {
		Redirect      string
		SignIn, Fresh bool
	}) {
		resp, _ := getNoFollow(t, rp.authURL(extra...))
		loc, _ := resp.Location()
		call(t, ts, "POST", "/v1/oidc/requests/"+loc.Query().Get("id"), s.Token, map[string]any{}).decode(t, &out)
		return out
	}
	if n := ask("prompt", "login"); !n.SignIn || !n.Fresh {
		t.Errorf("prompt=login with a session: %+v, want a fresh sign-in", n)
	}
	ts.clock.Advance(10 * time.Minute)
	if n := ask("max_age", "300"); !n.SignIn || !n.Fresh {
		t.Errorf("max_age=300 ten minutes after the sign-in: %+v", n)
	}
	if n := ask("max_age", "3600"); n.Redirect == "" {
		t.Errorf("max_age=3600: %+v, want a code", n)
	}
	// A sign-in after the request satisfies prompt=login (at the same
	// instant too, once the older session was found too old).
	resp, _ = getNoFollow(t, rp.authURL("prompt", "login"))
	loc, _ = resp.Location()
	var first struct{ SignIn, Fresh bool }
	call(t, ts, "POST", "/v1/oidc/requests/"+loc.Query().Get("id"), s.Token, map[string]any{}).decode(t, &first)
	if !first.Fresh {
		t.Fatalf("prompt=login: %+v", first)
	}
	_, again := apiSignIn(t, ts, "ada@example.com", goodPassword, "", "dev-ada")
	var n struct{ Redirect string }
	call(t, ts, "POST", "/v1/oidc/requests/"+loc.Query().Get("id"), again.Token, map[string]any{}).decode(t, &n)
	if n.Redirect == "" {
		t.Errorf("prompt=login after signing in again: %+v", n)
	}
}
