//go:build !js

package core_test

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

const harness = `<!doctype html><meta charset="utf-8"><title>core tests</title>
<script src="wasm_exec.js"></script>
<script>
window.out = [];
const log = console.log.bind(console);
console.log = (...a) => { window.out.push(a.join(" ")); log(...a); };
(async () => {
  const go = new Go();
  go.argv = ["core.test", "-test.v", "-test.run=TestIDBStoreContract"];
  go.exit = (code) => { window.exitCode = code; };
  try {
    const { instance } = await WebAssembly.instantiateStreaming(fetch("core.wasm"), go.importObject);
    await go.run(instance);
  } catch (e) { window.out.push("harness: " + e); window.exitCode = 99; }
})();
</script>`

// TestIDBStoreInChromium compiles this package's tests for js/wasm and runs
// the IndexedDB store contract (TestIDBStoreContract) in Debian's chromium.
func TestIDBStoreInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium, which -short does not (the full test command runs this)")
	}
	dir := t.TempDir()
	build := exec.Command("go", "test", "-c", "-o", filepath.Join(dir, "core.wasm"), ".")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build js tests: %v\n%s", err, out)
	}
	wasmExec := filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js")
	b, err := os.ReadFile(wasmExec)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "wasm_exec.js"), b, 0o644)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte(harness), 0o644)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	actx, cancelA := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true))...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	wctx, cancelW := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelW()
	code, err := chromedp.Run(wctx, chromedp.Poll[string](`window.exitCode !== undefined && String(window.exitCode)`, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(0)))
	out, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`window.out.join("\n")`))
	if err != nil {
		t.Fatalf("waiting for the browser tests: %v\n%s", err, out)
	}
	t.Logf("in chromium:\n%s", out)
	if code != "0" || !strings.Contains(out, "--- PASS: TestIDBStoreContract") {
		t.Fatalf("IndexedDB store contract failed in chromium (exit %s)", code)
	}
}
