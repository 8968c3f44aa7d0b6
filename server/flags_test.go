package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/envflag"
	"github.com/dialnexa/account/server/internal/store"
)

// Every flag but -version can be given in the environment, and -h says
// which variable.
func TestEveryFlagNamesItsEnvironmentVariable(t *testing.T) {
	var out bytes.Buffer
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(&out)
	c := &config{}
	e := envflag.Set{FS: fs}
	e.String(&c.addr, "addr", "DIALNEXA_ADDR", "127.0.0.1:8080", "listen address")
	if !strings.Contains(fs.Lookup("addr").Usage, "[$DIALNEXA_ADDR]") {
		t.Fatalf("usage %q does not name the variable", fs.Lookup("addr").Usage)
	}
	// The server's own flags.
	t.Setenv("DIALNEXA_DATA", t.TempDir())
	if _, err := parseFlags([]string{"-h"}); err != flag.ErrHelp {
		t.Fatalf("-h: %v", err)
	}
	fs, err := serverFlags(&config{})
	if err != nil {
		t.Fatal(err)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "version" && !strings.Contains(f.Usage, "[$DIALNEXA_") {
			t.Errorf("-%s names no environment variable: %q", f.Name, f.Usage)
		}
	})
}

// A variable that does not parse is an error that names it.
func TestBadEnvironmentVariableIsNamed(t *testing.T) {
	t.Setenv("DIALNEXA_MESSAGE_RATE", "fast")
	if _, err := parseFlags(nil); err == nil || !strings.Contains(err.Error(), `DIALNEXA_MESSAGE_RATE="fast": want a number`) {
		t.Fatalf("DIALNEXA_MESSAGE_RATE=fast: %v", err)
	}
	t.Setenv("DIALNEXA_MESSAGE_RATE", "")
	t.Setenv("DIALNEXA_DEV", "yes please")
	if _, err := parseFlags(nil); err == nil || !strings.Contains(err.Error(), "DIALNEXA_DEV") {
		t.Fatalf("DIALNEXA_DEV=yes please: %v", err)
	}
	t.Setenv("DIALNEXA_DEV", "true")
	if c, err := parseFlags(nil); err != nil || !c.dev {
		t.Fatalf("DIALNEXA_DEV=true: %+v, %v", c, err)
	}
}

// The public origin defaults to localhost on a loopback address (where
// passkeys work), is required behind trusted proxies, and is otherwise the
// listen address.
func TestPublicOriginDefaults(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "http://localhost:8080"},
		{[]string{"-addr", "127.0.0.1:9000"}, "http://localhost:9000"},
		{[]string{"-addr", "[::1]:9000"}, "http://localhost:9000"},
		{[]string{"-addr", "localhost:9000"}, "http://localhost:9000"},
		{[]string{"-addr", "192.0.2.10:8080"}, "http://192.0.2.10:8080"},
		{[]string{"-addr", "127.0.0.1:8443", "-tls-cert", "c.pem", "-tls-key", "k.pem"}, "https://127.0.0.1:8443"},
		{[]string{"-trusted-proxies", "127.0.0.1", "-public-origin", "https://account.example.com"}, "https://account.example.com"},
	} {
		cfg, err := parseFlags(c.args)
		if err != nil || cfg.origin != c.want {
			t.Errorf("%q: origin %v, %v; want %s", c.args, cfg, err, c.want)
		}
	}
	_, err := parseFlags([]string{"-trusted-proxies", "127.0.0.1"})
	if err == nil || !strings.Contains(err.Error(), "set -public-origin (DIALNEXA_PUBLIC_ORIGIN)") {
		t.Errorf("-trusted-proxies without -public-origin: %v, want a refusal naming the flag to set", err)
	}
}

// A database address in a message is the one given, its password masked.
func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://app:s3cr%2Ft@db.example.com:5432/account?sslmode=require": "postgres://app:xxxxx@db.example.com:5432/account?sslmode=require",
		"postgres://app@db/account": "postgres://app@db/account",
		"host=db dbname=account":    "host=db dbname=account",
		"mysql://root:p@ss@db/x":    "mysql://root:xxxxx@db/x",
	} {
		if got := store.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if _, _, err := openStore("host=db dbname=account", t.TempDir()); err == nil || !strings.Contains(err.Error(), `"host=db dbname=account"`) {
		t.Errorf("a key=value address: %v, want it quoted as given", err)
	}
}

// JSON logs give durations in milliseconds, named so.
func TestJSONLogDurationsInMilliseconds(t *testing.T) {
	var out bytes.Buffer
	log, err := (&config{logFormat: "json", logLevel: "info"}).logger(&out)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("request", "duration", 1500*time.Microsecond, slog.Duration("took", 2*time.Second))
	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["duration_ms"] != 1.5 || line["took_ms"] != 2000.0 || line["duration"] != nil {
		t.Errorf("logged %s, want duration_ms 1.5 and took_ms 2000", out.String())
	}
}

// The desktop release is announced with its download address, both
// checked: a version that is not one, or an address that is not https,
// is refused saying what to give.
func TestDesktopReleaseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-desktop-release", "v1.4.2", "-desktop-download", "https://dialnexa.com/download"})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.desktopRelease(); r == nil || r.Version != "1.4.2" || r.URL != "https://dialnexa.com/download" {
		t.Errorf("release %+v", r)
	}
	if c, err := parseFlags(nil); err != nil || c.desktopRelease() != nil {
		t.Errorf("no release: %+v, %v", c, err)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"-desktop-release", "1.4.2"}, "go together"},
		{[]string{"-desktop-download", "https://dialnexa.com/download"}, "go together"},
		{[]string{"-desktop-release", "latest", "-desktop-download", "https://dialnexa.com/download"}, "such as 1.4.2"},
		{[]string{"-desktop-release", "1.4.2", "-desktop-download", "http://dialnexa.com/download"}, "must be an https address"},
	} {
		if _, err := parseFlags(bad.args); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: %v, want an error saying %q", bad.args, err, bad.want)
		}
	}
}

func TestFlightRecorderNeedsTheAdminListener(t *testing.T) {
	if _, err := parseFlags([]string{"-flight-recorder"}); err == nil || !strings.Contains(err.Error(), "-admin-addr") {
		t.Errorf("-flight-recorder alone: %v", err)
	}
	if _, err := parseFlags([]string{"-flight-recorder", "-admin-addr", "127.0.0.1:9090"}); err != nil {
		t.Error(err)
	}
}
