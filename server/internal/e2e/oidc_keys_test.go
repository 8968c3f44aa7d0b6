package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// kid is the key id in a JWT's header.
func kid(t *testing.T, jwt string) string {
	t.Helper()
	head, err := base64.RawURLEncoding.DecodeString(strings.SplitN(jwt, ".", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ Kid string }
	json.Unmarshal(head, &h)
	return h.Kid
}

// jwks returns the published key ids and the Cache-Control of the JWKS.
func jwks(t *testing.T, ts *testServer) ([]string, string) {
	t.Helper()
	resp, err := http.Get(ts.url() + "/oidc/keys")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var set struct {
		Keys []struct{ Kid, Alg, Use string }
	}
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatalf("JWKS %s: %v", b, err)
	}
	var ids []string
	for _, k := range set.Keys {
		if k.Alg != "RS256" || k.Use != "sig" {
			t.Errorf("published key %+v", k)
		}
		ids = append(ids, k.Kid)
	}
	return ids, resp.Header.Get("Cache-Control")
}

// An operator's key rotation across a token's life: the new key is
// published at once but signs only after the lead; tokens the old key
// signed keep verifying until they have expired, when it is withdrawn.
// Discovery and the JWKS are cacheable, for less than the lead.
func TestOIDCKeyRotation(t *testing.T) {
	ts, rp, s := oidcApp(t)
	res := signInApp(t, ts, rp, s)
	idToken := res.Token.Extra("id_token").(string)
	old := kid(t, idToken)
	keys, cache := jwks(t, ts)
	if !slices.Equal(keys, []string{old}) || cache != "public, max-age=300" {
		t.Fatalf("JWKS before the rotation: %v, Cache-Control %q", keys, cache)
	}
	if resp, err := http.Get(ts.url() + "/.well-known/openid-configuration"); err != nil || resp.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("discovery: %v %v", resp, err)
	} else {
		var doc map[string]any
		json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		// Every endpoint it names is served.
		for k, v := range doc {
			if u, ok := v.(string); ok && strings.HasSuffix(k, "_endpoint") || k == "jwks_uri" {
				r, err := http.Get(strings.Replace(u, rp.issuer, ts.url(), 1))
				if err != nil || r.StatusCode == http.StatusNotFound {
					t.Errorf("discovery names %s %s, which answers %v %v", k, u, r, err)
				}
				if r != nil {
					r.Body.Close()
				}
			}
		}
		if doc["code_challenge_methods_supported"] == nil {
			t.Errorf("discovery: %v", doc)
		}
	}

	a := call(t, ts, "POST", "/internal/v1/oidc/keys/rotate", ts.token, map[string]any{})
	if a.status != http.StatusOK {
		t.Fatalf("rotate-keys: %d %s", a.status, a.body)
	}
	keys, _ = jwks(t, ts)
	if len(keys) != 2 || keys[0] != old {
		t.Fatalf("JWKS after the rotation: %v", keys)
	}
	fresh := keys[1]
	next, code := rp.refresh(res.Token.RefreshToken)
	if code != "" || kid(t, next.Extra("id_token").(string)) != old {
		t.Fatalf("a refresh within the lead: %q, signed by %s (want the old key)", code, kid(t, next.Extra("id_token").(string)))
	}

	ts.clock.Advance(10*time.Minute + 31*time.Second) // the lead, and a node's key ring going stale
	next, code = rp.refresh(next.RefreshToken)
	if code != "" {
		t.Fatal(code)
	}
	if got := kid(t, next.Extra("id_token").(string)); got != fresh {
		t.Fatalf("after the lead: signed by %s, want %s", got, fresh)
	}
	if _, err := rp.verifier.Verify(context.Background(), next.Extra("id_token").(string)); err != nil {
		t.Errorf("the new key's token: %v", err)
	}
	if _, err := rp.verifier.Verify(context.Background(), idToken); err != nil {
		t.Errorf("the old key's token while it lives: %v", err)
	}
	if keys, _ = jwks(t, ts); len(keys) != 2 {
		t.Errorf("the old key was withdrawn while its tokens live: %v", keys)
	}
	ts.clock.Advance(11*time.Minute + 31*time.Second)
	if keys, _ = jwks(t, ts); !slices.Equal(keys, []string{fresh}) {
		t.Errorf("after the old key's tokens expired: %v, want only %s", keys, fresh)
	}
}
