package e2e

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/dialnexa/account/server/internal/store"
)

// oidcApp starts a server, an application registered with it (a
// confidential third-party client with a back-channel logout URI) and an
// account, signed in through the API.
func oidcApp(t testing.TB) (*testServer, *relyingParty, session) {
	t.Helper()
	ts, origin := startOIDCServer(t, false)
	rp := newRelyingParty(t)
	secret := registerApp(t, ts, map[string]any{"id": "grafana", "name": "Grafana", "redirectUris": []string{rp.redirectURI()},
		"backchannelLogoutUri": rp.logoutURI()})
	rp.connect(origin, "grafana", secret, "profile", "email", "offline_access")
	return ts, rp, apiSignUp(t, ts, "ada@example.com", goodPassword, "Ada Lovelace", "dev-ada")
}

// signInApp signs the account in to the application (without a browser)
// and returns what the application got.
func signInApp(t testing.TB, ts *testServer, rp *relyingParty, s session, extra ...string) rpResult {
	t.Helper()
	res := rp.finish(httpAuthorize(t, ts, rp.authURL(extra...), s.Token))
	if res.Error != "" {
		t.Fatalf("sign in to the application: %s", res.Error)
	}
	return res
}

func TestOIDCSignInIsAnAccountSession(t *testing.T) {
	ts, rp, s := oidcApp(t)
	res := signInApp(t, ts, rp, s)
	c := res.Claims
	sid, _ := c["sid"].(string)
	if c["sub"] != s.AccountID || c["email"] != "ada@example.com" || c["email_verified"] != false || c["name"] != "Ada Lovelace" || sid == "" {
		t.Fatalf("ID token claims: %v", c)
	}
	if amr, _ := c["amr"].([]any); len(amr) != 1 || amr[0] != "pwd" {
		t.Errorf("amr of a password sign-in: %v", c["amr"])
	}
	if at, _ := c["auth_time"].(float64); int64(at) != ts.clock.Now().Unix() {
		t.Errorf("auth_time %v, want the sign-in's %d", c["auth_time"], ts.clock.Now().Unix())
	}
	ss, err := ts.session(sid)
	if err != nil || ss.AppID != "grafana" || ss.AccountID != s.AccountID || !strings.HasPrefix(ss.Device, "Grafana via ") {
		t.Fatalf("the sign-in's session: %+v, %v", ss, err)
	}
	// Listed with the account's sessions, as every client shows them.
	var me struct {
		View struct {
			Sessions []struct{ ID, Device string }
		}
	}
	call(t, ts, "GET", "/v1/me", s.Token, nil).decode(t, &me)
	if !slices.ContainsFunc(me.View.Sessions, func(x struct{ ID, Device string }) bool { return x.ID == sid }) {
		t.Errorf("the application's session is not among the account's: %+v", me.View.Sessions)
	}

	// The access token is a short JWT the resource servers check.
	if exp := time.Until(res.Token.Expiry); exp > 5*time.Minute+5*time.Second || exp < 4*time.Minute {
		t.Errorf("access token lives %v, want 5 minutes", exp)
	}
	info, err := rp.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(res.Token))
	if err != nil || info.Subject != s.AccountID || info.Email != "ada@example.com" {
		t.Fatalf("userinfo: %+v, %v", info, err)
	}
	if in := introspect(t, ts, rp, res.Token.AccessToken); in["active"] != true || in["sid"] != sid || in["sub"] != s.AccountID {
		t.Errorf("introspection of a live token: %v", in)
	}

	// Refresh tokens rotate: each is good once.
	next, code := rp.refresh(res.Token.RefreshToken)
	if code != "" || next.RefreshToken == "" || next.RefreshToken == res.Token.RefreshToken {
		t.Fatalf("refresh: %+v, %q", next, code)
	}
	// A rotated-out one presented again is a stolen copy: the whole
	// session ends, its newest refresh token with it, and the
	// application is told.
	if _, code := rp.refresh(res.Token.RefreshToken); code != "invalid_grant" {
		t.Fatalf("a used refresh token again: %q, want invalid_grant", code)
	}
	if lt := rp.logout(); lt.Session != sid || lt.Subject != s.AccountID {
		t.Errorf("logout token: %+v, want sid %s", lt, sid)
	}
	if _, err := ts.session(sid); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the session after a refresh token's reuse: %v", err)
	}
	if _, code := rp.refresh(next.RefreshToken); code != "invalid_grant" {
		t.Errorf("the family's newest refresh token after the reuse: %q", code)
	}
	if in := introspect(t, ts, rp, next.AccessToken); in["active"] != false {
		t.Errorf("introspection after the session ended: %v", in)
	}
}

// introspect asks the introspection endpoint (RFC 7662) about a token, as
// the application's resource server, with its client credentials.
func introspect(t *testing.T, ts *testServer, rp *relyingParty, token string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.url()+"/oidc/introspect", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(rp.conf.ClientID, rp.conf.ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	if err := jsonDecode(resp.Body, &out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("introspect: %s %v", resp.Status, err)
	}
	return out
}

// Every way a session ends ends an application's: its refresh token is
// refused, its access token inactive, and the application gets one
// logout token for it.
func TestOIDCSessionEndsEverywhere(t *testing.T) {
	ts, rp, s := oidcApp(t)
	ends := []struct {
		name string
		end  func(sid string) session // returns the account's session from then on
	}{
		{"revoked from the account", func(sid string) session {
			if a := call(t, ts, "DELETE", "/v1/sessions/"+sid, s.Token, nil); a.status != http.StatusNoContent && a.status != http.StatusOK {
				t.Fatalf("revoke: %d %s", a.status, a.body)
			}
			return s
		}},
		{"signed out by revoke-others", func(string) session {
			if a := call(t, ts, "POST", "/v1/sessions/revoke-others", s.Token, map[string]any{}); a.status != http.StatusOK {
				t.Fatalf("revoke others: %d %s", a.status, a.body)
			}
			return s
		}},
		{"password changed with sign-out", func(string) session {
			a := call(t, ts, "POST", "/v1/password", s.Token, map[string]any{"currentPassword": goodPassword, "newPassword": "another horse 8!", "signOutOthers": true})
			if a.status != http.StatusOK && a.status != http.StatusNoContent {
				t.Fatalf("change password: %d %s", a.status, a.body)
			}
			call(t, ts, "POST", "/v1/password", s.Token, map[string]any{"currentPassword": "another horse 8!", "newPassword": goodPassword})
			return s
		}},
		{"password reset", func(string) session {
			link := resetLink(t, ts, "ada@example.com", 1)
			if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]any{"token": link, "newPassword": "reset horse 9!"}); a.status != http.StatusOK {
				t.Fatalf("reset: %d %s", a.status, a.body)
			}
			_, again := apiSignIn(t, ts, "ada@example.com", "reset horse 9!", "", "dev-ada")
			a := call(t, ts, "POST", "/v1/password", again.Token, map[string]any{"currentPassword": "reset horse 9!", "newPassword": goodPassword})
			if a.status/100 != 2 {
				t.Fatalf("change back: %d %s", a.status, a.body)
			}
			return again
		}},
		{"two-factor reset by support", func(string) session {
			enable2FAWith(t, ts, s.Token, goodPassword)
			if a := call(t, ts, "POST", "/internal/v1/support/disable-2fa", ts.token, map[string]any{"email": "ada@example.com", "note": "ticket 4521"}); a.status != http.StatusOK {
				t.Fatalf("support reset: %d %s", a.status, a.body)
			}
			return s
		}},
	}
	for _, e := range ends {
		res := signInApp(t, ts, rp, s)
		sid := res.Claims["sid"].(string)
		s = e.end(sid)
		if lt := rp.logout(); lt.Session != sid {
			t.Errorf("%s: logout token for %s, want %s", e.name, lt.Session, sid)
		}
		if _, code := rp.refresh(res.Token.RefreshToken); code != "invalid_grant" {
			t.Errorf("%s: refresh afterwards: %q, want invalid_grant", e.name, code)
		}
		if in := introspect(t, ts, rp, res.Token.AccessToken); in["active"] != false {
			t.Errorf("%s: the access token is still active: %v", e.name, in)
		}
	}

	// Deleting the account ends them all.
	res := signInApp(t, ts, rp, s)
	a := call(t, ts, "POST", "/v1/account/delete", s.Token, map[string]any{"email": "ada@example.com", "password": goodPassword})
	if a.status/100 != 2 {
		t.Fatalf("delete the account: %d %s", a.status, a.body)
	}
	if lt := rp.logout(); lt.Session != res.Claims["sid"] {
		t.Errorf("deletion: logout token for %s", lt.Session)
	}
	if _, code := rp.refresh(res.Token.RefreshToken); code != "invalid_grant" {
		t.Errorf("refresh after deletion: %q", code)
	}
}
