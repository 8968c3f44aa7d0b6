package account

import (
	"bytes"
	"strings"
	"testing"
)

// The request code's letters come from the alphabet without favouring
// any: bytes that would (252–255 with 28 letters) are skipped, and a
// source that gives nothing else is an error, not an endless loop.
func TestUserCodeSkipsBytesThatWouldFavourLetters(t *testing.T) {
	src := append(bytes.Repeat([]byte{255}, 3), 0, 1, 252, 27, 28, 55, 253, 56, 83, 100, 200)
	src = append(src, make([]byte, 32-len(src))...)
	code, err := newUserCode(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	a := codeAlphabet
	want := string([]byte{a[0], a[1], a[27], a[0], '-', a[27], a[0], a[27], a[100%28]})
	if code != want {
		t.Errorf("code %q, want %q", code, want)
	}
	if _, err := newUserCode(bytes.NewReader(bytes.Repeat([]byte{255}, 16*16))); err == nil || !strings.Contains(err.Error(), "usable") {
		t.Errorf("a source of only unusable bytes: %v, want an error", err)
	}
}
