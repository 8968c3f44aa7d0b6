package api

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

const panelMissing = `<!doctype html><meta charset="utf-8"><title>DialNexa Account</title>
<p>The browser panel has not been built. Run <code>./run.sh</code> from the project, or build it with
<code>GOOS=js GOARCH=wasm go build -o build/panel/panel.wasm ./wasm</code> and start the server with <code>-panel build/panel</code>.</p>`

// panel serves the built browser panel. The wasm file is served
// pre-compressed when a .gz copy sits beside it and the client accepts gzip.
func (s *Server) panel() http.Handler {
	dir := s.cfg.PanelDir
	if dir == "" {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(panelMissing))
		})
	}
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'")
		if r.URL.Path == "/index.html" {
			http.Redirect(w, r, "/", http.StatusMovedPermanently)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
			w.Header().Set("Cache-Control", "no-cache")
			gz := filepath.Join(dir, filepath.FromSlash(filepath.Clean(r.URL.Path))+".gz")
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				if f, err := os.Open(gz); err == nil {
					defer f.Close()
					if st, err := f.Stat(); err == nil {
						w.Header().Set("Content-Encoding", "gzip")
						w.Header().Add("Vary", "Accept-Encoding")
						http.ServeContent(w, r, r.URL.Path, st.ModTime(), f)
						return
					}
				}
			}
		}
		files.ServeHTTP(w, r)
	})
}
