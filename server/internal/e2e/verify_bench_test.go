package e2e

import (
	"context"
	"testing"
)

// BenchmarkVerifyCheckCached is a service's check of a session it has
// checked before, the revocation stream live: from memory.
func BenchmarkVerifyCheckCached(b *testing.B) {
	ts := startServer(b)
	s := apiSignUp(b, ts, "bench-verify@example.com", goodPassword, "Bench", "d")
	c, _ := newChecker(b, ts.url(), ts.token, "")
	ctx := context.Background()
	if _, err := c.Check(ctx, s.Token); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Check(ctx, s.Token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyCheckCachedParallel is the same from every core at once.
func BenchmarkVerifyCheckCachedParallel(b *testing.B) {
	ts := startServer(b)
	s := apiSignUp(b, ts, "bench-verify@example.com", goodPassword, "Bench", "d")
	c, _ := newChecker(b, ts.url(), ts.token, "")
	ctx := context.Background()
	if _, err := c.Check(ctx, s.Token); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Check(ctx, s.Token); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
