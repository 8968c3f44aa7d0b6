package main

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A service token file written with a trailing newline (by an editor or
// echo) is the token without it, as the admin command reads it.
func TestServiceTokenIgnoresSurroundingSpace(t *testing.T) {
	t.Setenv("DIALNEXA_SERVICE_TOKEN", "")
	dir := t.TempDir()
	tok := strings.Repeat("ab12", 16)
	if err := os.WriteFile(filepath.Join(dir, "service.token"), []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := serviceToken(dir)
	if err != nil || got != tok {
		t.Fatalf("serviceToken = %q, %v; want %q", got, err, tok)
	}
	t.Setenv("DIALNEXA_SERVICE_TOKEN", " "+tok+"\r\n")
	if got, _ := serviceToken(dir); got != tok {
		t.Fatalf("from the environment: %q, want %q", got, tok)
	}
}

// -h prints the usage and is not an error (the process exits 0).
func TestHelpIsNotAnError(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}} {
		if err := run(args); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("run(%q) = %v, want flag.ErrHelp (exit 0)", args, err)
		}
	}
	if err := admin([]string{"event", "-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("admin event -h = %v, want flag.ErrHelp (exit 0)", err)
	}
}
