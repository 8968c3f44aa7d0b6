//go:build !js

package core_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/dialnexa/account"

// deps lists the packages (transitively) imported by pkgs, built for goos.
func deps(t *testing.T, goos string, pkgs ...string) []string {
	t.Helper()
	args := append([]string{"list", "-deps"}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = ".."
	cmd.Env = os.Environ()
	if goos == "js" {
		cmd.Env = append(cmd.Env, "GOOS=js", "GOARCH=wasm")
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %v: %v", pkgs, err)
	}
	return strings.Fields(string(out))
}

func TestImportRules(t *testing.T) {
	cases := []struct {
		name      string
		goos      string
		pkgs      []string
		forbidden func(dep string) bool
	}{
		{"core never imports Fyne", "linux", []string{"./core/..."},
			func(d string) bool { return strings.HasPrefix(d, "fyne.io/") }},
		{"nothing built for js imports bbolt", "js", []string{"./wasm", "./core/...", "./sync/..."},
			func(d string) bool { return strings.HasPrefix(d, "go.etcd.io/bbolt") }},
		{"sync imports neither core nor server", "linux", []string{"./sync/..."},
			func(d string) bool {
				return strings.HasPrefix(d, mod+"/core") || strings.HasPrefix(d, mod+"/server") || strings.HasPrefix(d, mod+"/app")
			}},
		{"the account model imports nothing of the project", "linux", []string{"./core/model"},
			func(d string) bool { return strings.HasPrefix(d, mod+"/") && d != mod+"/core/model" }},
		{"the server imports only the account rules of core", "linux", []string{"./server/..."},
			func(d string) bool {
				return (strings.HasPrefix(d, mod+"/core") && d != mod+"/core/model") || strings.HasPrefix(d, mod+"/app") || strings.HasPrefix(d, "fyne.io/")
			}},
		{"the account service speaks the domain: no protocol (sync/*) in it", "linux", []string{"./server/internal/account"},
			func(d string) bool { return strings.HasPrefix(d, mod+"/sync/") }},
		{"the UI package does not start a Fyne app", "linux", []string{"./app"},
			func(d string) bool { return d == "fyne.io/fyne/v2/app" }},
		{"the panel does not import the UI toolkit", "js", []string{"./wasm"},
			func(d string) bool { return strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, mod+"/server") }},
		{"the panel stays small: no net/http or TLS (the browser does both)", "js", []string{"./wasm"},
			func(d string) bool {
				return d == "net/http" || d == "crypto/tls" || strings.HasPrefix(d, "github.com/coder/websocket")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, d := range deps(t, tc.goos, tc.pkgs...) {
				if tc.forbidden(d) {
					t.Errorf("%v depends on %s", tc.pkgs, d)
				}
			}
		})
	}
}
