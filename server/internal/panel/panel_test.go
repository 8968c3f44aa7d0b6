package panel

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, path string, hdr ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Not built: / says how to build it; the mail pages still work.
func TestPanelNotBuilt(t *testing.T) {
	h := Handler(nil)
	r := get(t, h, "/")
	if r.StatusCode != http.StatusOK || !strings.Contains(body(t, r), "scripts/build-panel.sh") {
		t.Errorf("/ without a build: %d", r.StatusCode)
	}
	if !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP: %q", r.Header.Get("Content-Security-Policy"))
	}
	if r := get(t, h, "/reset"); r.StatusCode != http.StatusOK || !strings.Contains(body(t, r), "reset") {
		t.Errorf("/reset: %d", r.StatusCode)
	}
	if r := get(t, h, "/panel.wasm"); r.StatusCode != http.StatusNotFound {
		t.Errorf("the module without a build: %d", r.StatusCode)
	}
}

// Built: the module is served as wasm, gzip-compressed to a browser that
// takes it, plain to one that does not; /index.html redirects to /.
func TestPanelBuilt(t *testing.T) {
	dir := t.TempDir()
	module := bytes.Repeat([]byte("\x00asm wasm module "), 100)
	if err := os.WriteFile(filepath.Join(dir, "panel.wasm"), module, 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(module)
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "panel.wasm.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	h := Handler(os.DirFS(dir))
	r := get(t, h, "/panel.wasm", "Accept-Encoding", "gzip, br")
	if r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Content-Type") != "application/wasm" || body(t, r) != gz.String() {
		t.Errorf("gzip module: %d %v", r.StatusCode, r.Header)
	}
	r = get(t, h, "/panel.wasm")
	if r.Header.Get("Content-Encoding") != "" || body(t, r) != string(module) {
		t.Errorf("plain module: %v", r.Header)
	}
	if r := get(t, h, "/index.html"); r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/" {
		t.Errorf("/index.html: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := get(t, h, "/"); r.StatusCode != http.StatusOK || strings.Contains(body(t, r), "has not been built") {
		t.Errorf("/ with a build: %d", r.StatusCode)
	}
	// The panel page is never kept in the back/forward cache (a frozen
	// one would hold its IndexedDB connection).
	if r := get(t, h, "/"); r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("/ Cache-Control %q, want no-store", r.Header.Get("Cache-Control"))
	}
}

// A panel built into the binary (an in-memory file system, as embed's) is
// served like a directory, the compressed module included.
func TestPanelFromAnEmbeddedFS(t *testing.T) {
	module := bytes.Repeat([]byte("\x00asm embedded "), 100)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(module)
	zw.Close()
	files := fstest.MapFS{"panel.wasm": {Data: module}, "panel.wasm.gz": {Data: gz.Bytes()}, "wasm_exec.js": {Data: []byte("// go")}}
	if !Built(files) || Built(fstest.MapFS{}) || Built(nil) {
		t.Fatal("Built does not tell a built panel from none")
	}
	h := Handler(files)
	if r := get(t, h, "/panel.wasm", "Accept-Encoding", "gzip"); r.Header.Get("Content-Encoding") != "gzip" || body(t, r) != gz.String() {
		t.Errorf("gzip module: %d %v", r.StatusCode, r.Header)
	}
	if r := get(t, h, "/wasm_exec.js"); r.StatusCode != http.StatusOK || body(t, r) != "// go" {
		t.Errorf("wasm_exec.js: %d", r.StatusCode)
	}
}

// The service worker is served with the build's digest filled in (a new
// build is a new worker, which browsers install beside the old one), never
// from a cache; without a build there is none.
func TestServiceWorkerNamesTheBuild(t *testing.T) {
	if r := get(t, Handler(nil), "/sw.js"); r.StatusCode != http.StatusNotFound {
		t.Errorf("/sw.js without a build: %d, want 404", r.StatusCode)
	}
	build := fstest.MapFS{"panel.wasm": {Data: []byte("\x00asm one")}, "wasm_exec.js": {Data: []byte("// go")}}
	worker := func(files fs.FS) string {
		r := get(t, Handler(files), "/sw.js")
		if r.StatusCode != http.StatusOK || r.Header.Get("Cache-Control") != "no-cache" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/javascript") {
			t.Fatalf("/sw.js: %d %v", r.StatusCode, r.Header)
		}
		return body(t, r)
	}
	one := worker(build)
	if strings.Contains(one, "__BUILD__") || !regexp.MustCompile(`const BUILD = "[0-9a-f]{16}";`).MatchString(one) {
		t.Fatalf("worker without the build's digest: %.200s", one)
	}
	if again := worker(build); again != one {
		t.Error("the same build gave two workers")
	}
	build["panel.wasm"] = &fstest.MapFile{Data: []byte("\x00asm two")}
	if two := worker(build); two == one {
		t.Error("a new build gave the same worker: browsers would keep the old one")
	}
}

// Every page names the app's icon, which is served (so no page load asks
// for a /favicon.ico that is not there), and has a title of its own.
func TestEveryPageHasTheIconAndATitle(t *testing.T) {
	h := Handler(nil)
	r := get(t, h, "/icon.png")
	if b := body(t, r); r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(b, "\x89PNG") {
		t.Fatalf("/icon.png: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	pages, err := fs.Glob(os.DirFS("../../../assets/panel"), "*.html")
	if err != nil || len(pages) < 6 {
		t.Fatalf("pages %v, %v", pages, err)
	}
	titles := map[string]bool{}
	for _, p := range pages {
		b, err := os.ReadFile(filepath.Join("../../../assets/panel", p))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `<link rel="icon" href="/icon.png" type="image/png">`) {
			t.Errorf("%s does not name the icon", p)
		}
		m := regexp.MustCompile(`<title>([^<]+)</title>`).FindStringSubmatch(string(b))
		if m == nil || titles[m[1]] {
			t.Errorf("%s: title %v (each page its own)", p, m)
		} else {
			titles[m[1]] = true
		}
	}
}
