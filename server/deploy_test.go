package main

import (
	"flag"
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

// The example settings file names every variable the server reads, each
// a real one (a typo there would be silently ignored by the server).
func TestExampleEnvironmentFile(t *testing.T) {
	b, err := os.ReadFile("../deploy/server.env.example")
	if err != nil {
		t.Fatal(err)
	}
	inFile := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "#")
		if name, _, ok := strings.Cut(line, "="); ok && strings.HasPrefix(name, "DIALNEXA_") && !strings.Contains(name, " ") {
			inFile[name] = true
		}
	}
	known := map[string]bool{"DIALNEXA_SMTP_PASSWORD": true, "DIALNEXA_SERVICE_TOKEN": true}
	fs, err := serverFlags(&config{})
	if err != nil {
		t.Fatal(err)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if _, rest, ok := strings.Cut(f.Usage, "[$"); ok {
			known[strings.TrimSuffix(rest, "]")] = true
		}
	})
	// Set by the unit itself.
	for _, v := range []string{"DIALNEXA_DATA", "DIALNEXA_ADDR", "DIALNEXA_ADMIN_ADDR", "DIALNEXA_LOG_FORMAT"} {
		inFile[v] = true
	}
	for v := range known {
		if !inFile[v] {
			t.Errorf("%s is not in deploy/server.env.example", v)
		}
	}
	for v := range inFile {
		if !known[v] {
			t.Errorf("deploy/server.env.example sets %s, which the server does not read", v)
		}
	}
}

// The README's layout table names every package of the tree, and it asks
// for the Go version go.mod requires.
func TestREADMEMatchesTheTree(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mod), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok && !strings.Contains(readme, "Go "+v+" or newer") {
			t.Errorf("the README does not ask for Go %s or newer, which go.mod requires", v)
		}
	}
	_, layout, _ := strings.Cut(readme, "## Layout")
	layout, _, _ = strings.Cut(layout, "\n## ")
	err = filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		if strings.HasPrefix(d.Name(), ".") && rel != "." || rel == "build" || rel == "dist" || rel == "data" {
			return filepath.SkipDir
		}
		if rel == "." {
			return nil
		}
		if gos, _ := filepath.Glob(filepath.Join(path, "*.go")); len(gos) == 0 {
			return nil
		}
		if !strings.Contains(layout, "`"+rel+"`") && !strings.Contains(layout, "`"+rel+"/`") && !strings.Contains(layout, "`"+d.Name()+"`") {
			t.Errorf("the README's layout does not name %s", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
