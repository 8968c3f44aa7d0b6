package main

import (
	"debug/elf"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scripts/release.sh builds a static server with its version linked in
// and the panel built in: started from any directory, with no -panel, it
// serves the panel and is ready.
func TestReleaseServer(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command("bash", "../scripts/release.sh", out)
	cmd.Env = append(os.Environ(), "RELEASE_TARGETS=server", "DIALNEXA_VERSION=v9.8.7-test")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, b)
	}
	bin := filepath.Join(out, "dialnexa-server-v9.8.7-test-linux-amd64")
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the server binary asks for a dynamic loader: not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the server binary links %v", libs)
	}
	f.Close()
	if sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS")); err != nil || !strings.Contains(string(sums), filepath.Base(bin)) {
		t.Errorf("SHA256SUMS: %q, %v", sums, err)
	}
	if v, err := exec.Command(bin, "-version").Output(); err != nil || !strings.HasPrefix(string(v), "dialnexa-server v9.8.7-test") {
		t.Errorf("-version: %q, %v", v, err)
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	run := exec.Command(bin, "-addr", addr, "-data", filepath.Join(t.TempDir(), "data"))
	run.Dir = t.TempDir() // nothing beside it
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { run.Process.Signal(os.Interrupt); run.Wait() }()
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(20 * time.Second)
	for code, _ := get("/healthz"); code != http.StatusOK; code, _ = get("/healthz") {
		if time.Now().After(deadline) {
			t.Fatal("the released server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz: %d %s", code, body)
	}
	if code, body := get("/"); code != http.StatusOK || strings.Contains(body, "has not been built") {
		t.Errorf("/: %d, %.200s", code, body)
	}
	if code, body := get("/panel.wasm"); code != http.StatusOK || !strings.HasPrefix(body, "\x00asm") {
		t.Errorf("/panel.wasm: %d", code)
	}
	if code, body := get("/version"); code != http.StatusOK || !strings.Contains(body, `"version":"v9.8.7-test"`) {
		t.Errorf("/version: %d %s", code, body)
	}
}
