package e2e

import (
	"bytes"
	"errors"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// An application signs its user out: revoking its refresh token (RFC
// 7009) or sending the browser to end_session with its ID token ends the
// account session; revoking an access token makes it inactive at once.
func TestOIDCApplicationSignsOut(t *testing.T) {
	ts, rp, s := oidcApp(t)
	revoke := func(token, hint string) int {
		req, _ := http.NewRequest("POST", ts.url()+"/oidc/revoke", strings.NewReader(url.Values{"token": {token}, "token_type_hint": {hint}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(rp.conf.ClientID, rp.conf.ClientSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	res := signInApp(t, ts, rp, s)
	if code := revoke(res.Token.AccessToken, "access_token"); code != http.StatusOK {
		t.Fatalf("revoke an access token: %d", code)
	}
	if in := introspect(t, ts, rp, res.Token.AccessToken); in["active"] != false {
		t.Errorf("a revoked access token: %v", in)
	}
	if _, code := rp.refresh(res.Token.RefreshToken); code != "" {
		t.Errorf("the session after revoking one access token: %q", code)
	}

	res = signInApp(t, ts, rp, s)
	sid := res.Claims["sid"].(string)
	if code := revoke(res.Token.RefreshToken, "refresh_token"); code != http.StatusOK {
		t.Fatalf("revoke a refresh token: %d", code)
	}
	if lt := rp.logout(); lt.Session != sid {
		t.Errorf("revoking the refresh token ended %s, want %s", lt.Session, sid)
	}
	if _, err := ts.session(sid); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the session after its refresh token was revoked: %v", err)
	}
	if code := revoke("no-such-token", "refresh_token"); code != http.StatusOK {
		t.Errorf("revoking an unknown token (RFC 7009: not an error): %d", code)
	}

	// RP-initiated logout with the ID token as hint.
	res = signInApp(t, ts, rp, s)
	sid = res.Claims["sid"].(string)
	end := ts.url() + "/oidc/end_session?" + url.Values{"id_token_hint": {res.Token.Extra("id_token").(string)}, "client_id": {"grafana"}}.Encode()
	resp, _ := getNoFollow(t, end)
	if resp.StatusCode/100 != 3 {
		t.Errorf("end_session: %s", resp.Status)
	}
	if lt := rp.logout(); lt.Session != sid {
		t.Errorf("end_session ended %s, want %s", lt.Session, sid)
	}
	if _, code := rp.refresh(res.Token.RefreshToken); code != "invalid_grant" {
		t.Errorf("refresh after end_session: %q", code)
	}
}

// A logout token the application does not take (its server answers 500)
// stays in the outbox and is sent again after the backoff, until taken.
func TestOIDCLogoutIsRetried(t *testing.T) {
	ts, rp, s := oidcApp(t)
	var refused atomic.Int32
	refused.Store(2)
	inner := rp.srv.Config.Handler
	rp.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/backchannel" && refused.Add(-1) >= 0 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		inner.ServeHTTP(w, r)
	})
	res := signInApp(t, ts, rp, s)
	if a := call(t, ts, "DELETE", "/v1/sessions/"+res.Claims["sid"].(string), s.Token, nil); a.status != http.StatusNoContent {
		t.Fatal(a.body)
	}
	queued := func() (m store.Mail, ok bool) {
		ts.st.View(t.Context(), func(tx store.Tx) error {
			due, _ := tx.DueMail(ts.clock.Now().Add(24*time.Hour), 10)
			for _, x := range due {
				if x.Logout != nil {
					m, ok = x, true
				}
			}
			return nil
		})
		return
	}
	waitFor(t, "the first attempt refused", func() bool { m, ok := queued(); return ok && m.Attempts == 1 })
	m, _ := queued()
	if !m.Next.Equal(ts.clock.Now().Add(time.Minute)) || !strings.Contains(m.LastErr, "503") {
		t.Errorf("after a refusal: next %v (now %v), error %q", m.Next, ts.clock.Now(), m.LastErr)
	}
	ts.clock.Advance(time.Minute)
	waitFor(t, "the second attempt refused", func() bool { m, ok := queued(); return ok && m.Attempts == 2 })
	ts.clock.Advance(2 * time.Minute)
	if lt := rp.logout(); lt.Session != res.Claims["sid"] {
		t.Errorf("the retried logout: %+v", lt)
	}
	waitFor(t, "the outbox empty", func() bool { _, ok := queued(); return !ok })
}

// The picture claim links to the profile picture while it is the current
// one.
func TestOIDCPictureClaim(t *testing.T) {
	ts, rp, s := oidcApp(t)
	var buf bytes.Buffer
	png.Encode(&buf, testImage(64, 64))
	if a := upload(t, ts, s.Token, buf.Bytes()); a.status/100 != 2 {
		t.Fatalf("upload: %d %s", a.status, a.body)
	}
	pic, _ := signInApp(t, ts, rp, s).Claims["picture"].(string)
	if !strings.HasPrefix(pic, rp.issuer+"/oidc/picture/"+s.AccountID+"?v=") {
		t.Fatalf("picture claim %q", pic)
	}
	local := strings.Replace(pic, rp.issuer, ts.url(), 1)
	resp, err := http.Get(local)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || len(b) == 0 {
		t.Errorf("the picture: %s %s %d bytes", resp.Status, resp.Header.Get("Content-Type"), len(b))
	}
	if resp, _ := http.Get(ts.url() + "/oidc/picture/" + s.AccountID + "?v=guess"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a guessed version: %s", resp.Status)
	}
}
