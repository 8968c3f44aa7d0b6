package auth

import (
	"context"
	"crypto/rand"
	"testing"
)

// BenchmarkHash is the cost of one argon2id hash (19 MiB, t=2, p=1): what
// each sign-in and password change costs the server.
func BenchmarkHash(b *testing.B) {
	h := NewHasher(1, rand.Reader, nil)
	for b.Loop() {
		if _, err := h.Hash(context.Background(), "correct horse 7!"); err != nil {
			b.Fatal(err)
		}
	}
}
