// Package browsertest runs a package's Go tests, compiled for js/wasm, in
// Debian's Chromium: for the code that needs a real browser (IndexedDB,
// the DOM). A host test calls Run; the tests it names live in the
// package's js-only test files.
package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// harness loads the test binary with Go's wasm_exec.js and records its
// output and exit code for Run to read.
const harness = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Go tests in the browser</title>
<script src="wasm_exec.js"></script>
<body>
<script>
window.out = [];
const log = console.log.bind(console);
console.log = (...a) => { window.out.push(a.join(" ")); log(...a); };
(async () => {
  const go = new Go();
  go.argv = ["pkg.test", "-test.v", "-test.run=" + decodeURIComponent(location.hash.slice(1))];
  go.exit = (code) => { window.exitCode = code; };
  try {
    const { instance } = await WebAssembly.instantiateStreaming(fetch("pkg.wasm"), go.importObject);
    await go.run(instance);
  } catch (e) { window.out.push("harness: " + e); window.exitCode = 99; }
})();
</script>`

// Run compiles the tests of the package in dir (relative to the calling
// test's directory) for js/wasm, runs those matching the -test.run pattern
// run in a headless Chromium, and fails t unless they exit 0 and each of
// want passed. It skips with -short, which starts no browser.
func Run(t *testing.T, dir, run string, want ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs Chromium, which -short does not (the full test command runs this)")
	}
	tmp := t.TempDir()
	build := exec.Command("go", "test", "-c", "-o", filepath.Join(tmp, "pkg.wasm"), ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the js tests of %s: %v\n%s", dir, err, out)
	}
	b, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"wasm_exec.js": b, "index.html": []byte(harness)} {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(tmp)))
	defer srv.Close()

	actx, cancelA := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true))...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/#"+run)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	wctx, cancelW := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelW()
	exit, err := chromedp.Run(wctx, chromedp.Poll[string](`window.exitCode !== undefined && String(window.exitCode)`, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(0)))
	out, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`window.out.join("\n")`))
	if err != nil {
		t.Fatalf("waiting for the tests in chromium: %v\n%s", err, out)
	}
	t.Logf("in chromium:\n%s", out)
	if exit != "0" {
		t.Fatalf("the tests failed in chromium (exit %s)", exit)
	}
	for _, name := range want {
		if !strings.Contains(out, "--- PASS: "+name+" ") {
			t.Errorf("%s did not pass in chromium", name)
		}
	}
}
