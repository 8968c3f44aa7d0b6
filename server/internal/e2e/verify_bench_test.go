package e2e

import (
	"context"
	"testing"

	"github.com/dialnexa/account/server/verify"
)

// cachedChecker starts a server, a session and a checker that has checked
// it once (the revocation stream live).
func cachedChecker(b *testing.B) (*verify.Checker, string) {
	ts := startServer(b)
	s := apiSignUp(b, ts, "bench-verify@example.com", goodPassword, "Bench", "d")
	c, _ := newChecker(b, ts.url(), ts.token, "")
	if _, err := c.Check(context.Background(), s.Token); err != nil {
		b.Fatal(err)
	}
	return c, s.Token
}

// BenchmarkVerifyCheckCached is a service's check of a session it has
// checked before, the revocation stream live: from memory.
func BenchmarkVerifyCheckCached(b *testing.B) {
	c, tok := cachedChecker(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Check(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyCheckCachedParallel is the same from every core at once.
func BenchmarkVerifyCheckCachedParallel(b *testing.B) {
	c, tok := cachedChecker(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Check(ctx, tok); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
