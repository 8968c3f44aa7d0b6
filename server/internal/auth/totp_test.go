package auth

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"testing"
	"time"
)

// RFC 6238 Appendix B, SHA-1 rows.
func TestTOTPRFC6238Vectors(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for _, v := range []struct {
		t    int64
		code string
	}{{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"}, {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}} {
		got, err := TOTPCode(secret, time.Unix(v.t, 0), 8)
		if err != nil || got != v.code {
			t.Errorf("T=%d: code %q, %v; want %q", v.t, got, err, v.code)
		}
	}
}

func TestVerifyTOTPSkewAndReuse(t *testing.T) {
	secret, uri, png, err := NewTOTP(rand.Reader, "DialNexa", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(raw)*8 < 160 {
		t.Fatalf("secret has %d bits (%v), want at least 160", len(raw)*8, err)
	}
	if !strings.HasPrefix(uri, "otpauth://totp/DialNexa:ada@example.com?") || len(png) < 100 {
		t.Fatalf("uri %q / png %d bytes", uri, len(png))
	}
	now := time.Unix(1_800_000_015, 0)
	code := func(d time.Duration) string { c, _ := TOTPCode(secret, now.Add(d), 6); return c }
	cases := []struct {
		name string
		code string
		last int64
		ok   bool
	}{
		{"current", code(0), 0, true},
		{"one step back", code(-30 * time.Second), 0, true},
		{"one step ahead", code(30 * time.Second), 0, true},
		{"two steps back", code(-60 * time.Second), 0, false},
		{"two steps ahead", code(60 * time.Second), 0, false},
		{"already used", code(0), now.Unix() / 30, false},
		{"earlier than last used", code(-30 * time.Second), now.Unix() / 30, false},
		{"wrong", "000000", 0, code(0) == "000000"},
		{"too short", "12345", 0, false},
	}
	for _, tc := range cases {
		if _, ok := VerifyTOTP(secret, tc.code, now, tc.last); ok != tc.ok {
			t.Errorf("%s: ok = %v, want %v", tc.name, ok, tc.ok)
		}
	}
}

func TestBackupCodes(t *testing.T) {
	codes, hashes, err := NewBackupCodes(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("%d codes, %d hashes; want 10", len(codes), len(hashes))
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 19 || !LooksLikeBackupCode(c) || seen[c] {
			t.Errorf("code %q malformed or repeated", c)
		}
		seen[c] = true
		if HashBackupCode(strings.ToUpper(strings.ReplaceAll(c, "-", " "))) != hashes[i] {
			t.Errorf("code %q typed differently does not match its hash", c)
		}
		if strings.Contains(hashes[i], strings.ReplaceAll(c, "-", "")) {
			t.Errorf("hash reveals the code")
		}
	}
}
