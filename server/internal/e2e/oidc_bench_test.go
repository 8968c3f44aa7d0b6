package e2e

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// The OpenID Connect paths on one node (bbolt, fsync on), against a
// relying party on loopback; the password is never hashed (the sign-in
// page's step uses a session). Each reports its p50 and p99 in
// milliseconds; docs/PERFORMANCE.md gives the figures and the command.

// quantiles reports d's median and 99th percentile in milliseconds.
func quantiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(q float64) float64 { return float64(d[min(len(d)-1, int(q*float64(len(d))))]) / 1e6 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkOIDCCodeExchange is the token endpoint's answer to a code:
// the code used up, the account session started, the ID and access
// tokens signed and a refresh token stored.
func BenchmarkOIDCCodeExchange(b *testing.B) {
	ts, rp, s := oidcApp(b)
	signInApp(b, ts, rp, s) // consent once
	var took []time.Duration
	for b.Loop() {
		b.StopTimer()
		verifier := oauth2.GenerateVerifier()
		state := "s"
		u := rp.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
		q := httpAuthorize(b, ts, u, s.Token)
		b.StartTimer()
		start := time.Now()
		if _, err := rp.conf.Exchange(b.Context(), q.Get("code"), oauth2.VerifierOption(verifier)); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	quantiles(b, took)
}

// BenchmarkOIDCRefresh is one refresh: the token used up, the session
// checked and touched, new tokens signed, the next refresh token stored.
func BenchmarkOIDCRefresh(b *testing.B) {
	ts, rp, s := oidcApp(b)
	tok := signInApp(b, ts, rp, s).Token.RefreshToken
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		next, code := rp.refresh(tok)
		if code != "" {
			b.Fatal(code)
		}
		took = append(took, time.Since(start))
		tok = next.RefreshToken
	}
	quantiles(b, took)
}

// BenchmarkOIDCRevocationToLogout is a session revoked through the API
// until the application's back-channel logout URI has the verified
// logout token.
func BenchmarkOIDCRevocationToLogout(b *testing.B) {
	ts, rp, s := oidcApp(b)
	var took []time.Duration
	for b.Loop() {
		b.StopTimer()
		sid := signInApp(b, ts, rp, s).Claims["sid"].(string)
		b.StartTimer()
		start := time.Now()
		if a := call(b, ts, "DELETE", "/v1/sessions/"+sid, s.Token, nil); a.status != http.StatusNoContent {
			b.Fatalf("revoke: %d %s", a.status, a.body)
		}
		if lt := rp.logout(); lt.Session != sid {
			b.Fatalf("logout for %s", lt.Session)
		}
		took = append(took, time.Since(start))
	}
	quantiles(b, took)
}
