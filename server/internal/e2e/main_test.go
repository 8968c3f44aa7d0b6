package e2e

import (
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/dialnexa/account/server/internal/store/pgtest"
)

// pgCluster is the run's private PostgreSQL cluster when the suite runs on
// PostgreSQL (DIALNEXA_TEST_STORE=postgres); nil on bbolt, the default.
var pgCluster *pgtest.Cluster

// TestMain starts the PostgreSQL cluster when asked to, and fails the run
// if any goroutine the tests started is still running at the end: every
// server, client, proxy and worker must be waited for by whoever started
// it.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		// -short is the fast loop: units and adapters, no browser,
		// database, X server or proxy. This suite runs in the full test
		// command (scripts/test.sh).
		fmt.Println("end-to-end suite: not run with -short; scripts/test.sh runs it on bbolt and PostgreSQL")
		os.Exit(0)
	}
	// What libraries log to the default logger (the OpenID Connect
	// provider's refusals) is searched for secrets like the rest.
	slog.SetDefault(slog.New(slog.NewJSONHandler(secrets, &slog.HandlerOptions{Level: slog.LevelDebug})))
	switch backend := os.Getenv("DIALNEXA_TEST_STORE"); backend {
	case "", "bolt":
	case "postgres":
		c, err := pgtest.Start()
		if err != nil {
			fmt.Fprintln(os.Stderr, "start PostgreSQL:", err)
			os.Exit(1)
		}
		pgCluster = c
	default:
		fmt.Fprintf(os.Stderr, "DIALNEXA_TEST_STORE=%q: want bolt or postgres\n", backend)
		os.Exit(2)
	}
	code := m.Run()
	if pgCluster != nil {
		if err := pgCluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	if code == 0 && len(wholeViewsAsked.tests) > 0 {
		fmt.Fprintf(os.Stderr, "clients asked for the whole view after a view patch did not fit, in:\n  %s\n", strings.Join(wholeViewsAsked.tests, "\n  "))
		code = 1
	}
	if code == 0 {
		found, lines, n := secrets.check()
		fmt.Printf("searched %d server log lines for %d secrets the run used\n", lines, n)
		if len(found) > 0 {
			fmt.Fprintf(os.Stderr, "the server logged %d secrets:\n  %s\n", len(found), strings.Join(found, "\n  "))
			code = 1
		}
	}
	if code == 0 {
		// Idle keep-alive connections of the tests' own HTTP clients are
		// not goroutines the product started.
		http.DefaultClient.CloseIdleConnections()
		if err := goleak.Find(leakOptions()...); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left running after the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func leakOptions() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		// The D-Bus session connection go-keyring opens is process-wide
		// (godbus's shared SessionBus), kept open by design.
		goleak.IgnoreTopFunction("github.com/godbus/dbus/v5.newConn.func1"),
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*Conn).inWorker"),
	}
}
