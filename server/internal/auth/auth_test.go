package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

func TestHashVerify(t *testing.T) {
	h := NewHasher(2, rand.Reader, nil)
	ctx := context.Background()
	long := strings.Repeat("x", 72)
	cases := []struct {
		stored, tried string
		want          bool
	}{
		{"correct horse 7!", "correct horse 7!", true},
		{"correct horse 7!", "correct horse 7?", false},
		{long + "A1!", long + "B1!", false}, // differ only after byte 72: not truncated
		{strings.Repeat("p", 126) + "1!", strings.Repeat("p", 126) + "1!", true},
	}
	for _, tc := range cases {
		enc, err := h.Hash(ctx, tc.stored)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("hash %q does not use argon2id m=19456,t=2,p=1", enc)
		}
		ok, err := h.Verify(ctx, tc.tried, enc)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%.20q against %.20q) = %v, %v; want %v", tc.tried, tc.stored, ok, err, tc.want)
		}
	}
}

func TestSamePasswordDifferentSalt(t *testing.T) {
	h := NewHasher(1, rand.Reader, nil)
	a, _ := h.Hash(context.Background(), "same pass 1!")
	b, _ := h.Hash(context.Background(), "same pass 1!")
	if a == b {
		t.Fatal("two hashes of one password are equal: not salted")
	}
}

func TestMalformedHash(t *testing.T) {
	h := NewHasher(1, rand.Reader, nil)
	for _, s := range []string{"", "$2a$10$abc", "$argon2id$v=19$m=1,t=1,p=1$!!$!!", "$argon2i$v=19$m=1,t=1,p=1$AA$AA"} {
		if _, err := h.Verify(context.Background(), "x", s); err == nil {
			t.Errorf("Verify against %q succeeded, want ErrMalformedHash", s)
		}
	}
}

func TestHashWaitsForItsTurn(t *testing.T) {
	h := NewHasher(1, rand.Reader, nil)
	h.sem <- struct{}{} // the one slot is taken
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "abc pass 1!"); err == nil {
		t.Fatal("Hash ran beyond the concurrency limit")
	}
}

// The wait for a turn is reported: a hash that queued behind the one
// running reports a wait at least as long as it was held back.
func TestHashReportsItsWait(t *testing.T) {
	waits := make(chan time.Duration, 1)
	h := NewHasher(1, rand.Reader, func(d time.Duration) { waits <- d })
	h.sem <- struct{}{} // the one slot is taken
	held := 50 * time.Millisecond
	time.AfterFunc(held, func() { <-h.sem })
	if _, err := h.Hash(context.Background(), "abc pass 1!"); err != nil {
		t.Fatal(err)
	}
	if d := <-waits; d < held {
		t.Fatalf("reported wait %v, but the slot was held for %v", d, held)
	}
}

func TestToken(t *testing.T) {
	tok, err := NewToken(bytes.NewReader(bytes.Repeat([]byte{7}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) < 43 { // 32 bytes in base64
		t.Errorf("token %q shorter than 256 bits", tok)
	}
	if HashToken(tok) == tok || len(HashToken(tok)) != 64 {
		t.Errorf("HashToken(%q) = %q, want a 64-hex-digit hash", tok, HashToken(tok))
	}
	a, _ := NewToken(rand.Reader)
	b, _ := NewToken(rand.Reader)
	if a == b {
		t.Error("two tokens are equal")
	}
}
