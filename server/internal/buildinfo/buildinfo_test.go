package buildinfo

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	in := Info{Version: "v1.2.3", Commit: "0123456789abcdef0123", Time: "2026-11-28T10:00:00Z", Modified: true, Go: "go1.26.8"}
	if got, want := in.String(), "dialnexa-server v1.2.3 (commit 0123456789ab, modified, 2026-11-28T10:00:00Z) go1.26.8"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (Info{Version: "dev", Go: "go1.26.8"}).String(); got != "dialnexa-server dev go1.26.8" {
		t.Errorf("without a commit: %q", got)
	}
	// A test binary is built by the go command, which records its version.
	if r := Read(); r.Version != Version || !strings.HasPrefix(r.Go, "go1.") {
		t.Errorf("Read() = %+v", r)
	}
}
