package main

import (
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
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
}

// The server users reach bounds how long a client may take over its
// headers and its request and how long an idle connection stays open.
func TestPublicServerTimeouts(t *testing.T) {
	hs := publicServer(http.NotFoundHandler(), slog.Default())
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.ReadTimeout > time.Minute || hs.IdleTimeout <= 0 || hs.WriteTimeout <= 0 {
		t.Fatalf("timeouts: header %v, read %v, write %v, idle %v", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout)
	}
}

// Bad flags say what is wanted.
func TestFlagErrorsSayWhatIsWanted(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-tls-cert", "x.pem"}, "-tls-cert and -tls-key go together"},
		{[]string{"stray"}, "unexpected argument"},
		{[]string{"-log-format", "xml", "-data", t.TempDir()}, "want text or json"},
		{[]string{"-log-level", "loud", "-data", t.TempDir()}, "want debug, info, warn or error"},
		{[]string{"-trusted-proxies", "10.0.0.0/33", "-data", t.TempDir()}, "-trusted-proxies"},
		{[]string{"-smtp", "mail.example.com:465", "-smtp-security", "ssl", "-data", t.TempDir()}, "-smtp-security"},
		{[]string{"-public-origin", "account.example.com"}, "-public-origin \"account.example.com\": want https://host"},
		{[]string{"-public-origin", "https://account.example.com/settings"}, "-public-origin"},
		{[]string{"-dashboard-origin", "ftp://app.example.com"}, "-dashboard-origin"},
	} {
		err := run(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) = %v; want an error containing %q", c.args, err, c.want)
		}
	}
}

// The server collects garbage at 50% unless GOGC says otherwise.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	if got := tuneGC(func(string) string { return "" }); got != 50 {
		t.Errorf("without GOGC: %d, want 50", got)
	}
	if got := debug.SetGCPercent(80); got != 50 {
		t.Errorf("runtime at %d%%, want 50", got)
	}
	// GOGC is read by the runtime at start; tuneGC leaves what it set.
	if got := tuneGC(func(k string) string { return map[string]string{"GOGC": "80"}[k] }); got != 80 {
		t.Errorf("with GOGC=80: %d, want the runtime's 80", got)
	}
}
