package core

import "testing"

func TestNewerRelease(t *testing.T) {
	for _, c := range []struct {
		version, current string
		want             bool
	}{
		{"1.4.2", "v1.4.1", true},
		{"v1.10.0", "1.9.9", true},
		{"1.4.2", "1.4.2", false},
		{"1.4.1", "1.4.2", false},
		{"1.4.2", "(devel)", false}, // a development build is not told
		{"1.4.2", "unknown", false},
		{"latest", "1.0.0", false},
	} {
		if got := newer(c.version, c.current); got != c.want {
			t.Errorf("newer(%q, %q) = %v, want %v", c.version, c.current, got, c.want)
		}
	}
}
