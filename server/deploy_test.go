package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The systemd unit passes systemd-analyze verify (where systemd's tools are
// installed) and keeps the hardening the README promises.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile("../deploy/dialnexa-server.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DynamicUser=yes", "User=dialnexa", "StateDirectory=dialnexa", "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "ExecStart=/usr/local/bin/dialnexa-server"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("the unit lacks %q", want)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is not installed here: the unit's syntax was not verified")
		return
	}
	// verify wants ExecStart to exist: point it at this test binary.
	self, _ := os.Executable()
	path := filepath.Join(t.TempDir(), "dialnexa-server.service")
	os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), "/usr/local/bin/dialnexa-server", self)), 0o644)
	if out, err := exec.Command(analyze, "verify", path).CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
