package e2e

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine the tests started is still
// running at the end: every server, client, proxy and worker must be
// waited for by whoever started it.
func TestMain(m *testing.M) {
	code := m.Run()
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
	}
}
