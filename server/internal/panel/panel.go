// Package panel serves the browser panel under a strict
// Content-Security-Policy.
package panel

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/dialnexa/account/assets"
)

const panelMissing = `<!doctype html><meta charset="utf-8"><title>DialNexa Account</title>
<p>The browser panel has not been built. Run <code>scripts/run.sh</code> from the project, or build it with
<code>scripts/build-panel.sh build/panel</code> and start the server with <code>-panel build/panel</code>.</p>`

// Handler serves the browser panel: its HTML, CSS and scripts from the
// embedded assets, and the built WebAssembly module (with Go's
// wasm_exec.js) from files (nil when it is not built: / then says how to
// build it), a directory or the copy built into the binary. The module is
// served pre-compressed when a .gz copy sits beside it and the browser
// accepts gzip. /reset, /verify-email and /invite are the pages the mails
// link to; /link is where a desktop app's browser sign-in is approved;
// /authorize is where an application's OpenID Connect sign-in passes.
func Handler(files fs.FS) http.Handler {
	shell, _ := fs.Sub(assets.Panel, "panel")
	embedded := http.FileServerFS(shell)
	var built http.Handler
	var worker []byte
	if files != nil {
		built = http.FileServerFS(files)
		src, _ := fs.ReadFile(shell, "sw.js")
		worker = bytes.ReplaceAll(src, []byte("__BUILD__"), []byte(buildHash(shell, files)))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		p := path.Clean(r.URL.Path)
		switch p {
		case "/index.html":
			http.Redirect(w, r, "/", http.StatusMovedPermanently)
			return
		case "/icon.png":
			// The app's icon is every page's icon (no /favicon.ico asked).
			w.Header().Set("Content-Type", "image/png")
			w.Header().Set("Cache-Control", "public, max-age=86400")
			w.Write(assets.Icon)
			return
		case "/reset", "/verify-email", "/invite", "/link", "/authorize":
			r = r.Clone(r.Context())
			r.URL.Path = p + ".html"
			p = r.URL.Path
		}
		if p == "/sw.js" {
			if worker == nil {
				http.NotFound(w, r)
				return
			}
			// Browsers compare the worker byte for byte to find a new
			// build: never from a cache.
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Write(worker)
			return
		}
		if p == "/" && built == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(panelMissing))
			return
		}
		if _, err := fs.Stat(shell, strings.TrimPrefix(p, "/")); err == nil || p == "/" {
			if p == "/" {
				// Never kept in the back/forward cache: a frozen panel
				// holds its IndexedDB connection (and any request on it)
				// and would stall the next panel's start until the
				// browser evicts it. Leaving the page unloads it instead.
				w.Header().Set("Cache-Control", "no-store")
			}
			embedded.ServeHTTP(w, r)
			return
		}
		if built == nil {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(p, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
			w.Header().Set("Cache-Control", "no-cache")
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				if f, err := files.Open(strings.TrimPrefix(p, "/") + ".gz"); err == nil {
					defer f.Close()
					rs, seekable := f.(io.ReadSeeker)
					if st, err := f.Stat(); err == nil && seekable {
						w.Header().Set("Content-Encoding", "gzip")
						w.Header().Add("Vary", "Accept-Encoding")
						http.ServeContent(w, r, p, st.ModTime(), rs)
						return
					}
				}
			}
		}
		built.ServeHTTP(w, r)
	})
}

// buildHash names a build of the panel: a digest of every file it serves.
func buildHash(fsyss ...fs.FS) string {
	h := sha256.New()
	for _, fsys := range fsyss {
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return nil
			}
			fmt.Fprintf(h, "%s %d\n", p, len(b))
			h.Write(b)
			return nil
		})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Built reports whether files hold a built panel (its module).
func Built(files fs.FS) bool {
	if files == nil {
		return false
	}
	_, err := fs.Stat(files, "panel.wasm")
	return err == nil
}
