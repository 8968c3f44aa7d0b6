package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/hub"
)

// Store is what the server needs of its storage: transactions over the
// store's Tx. The embedded bbolt store implements it; a shared database can
// later take its place.
type Store interface {
	Update(func(store.Tx) error) error
	View(func(store.Tx) error) error
}

// Config configures a Server. Store is required; the rest have defaults.
type Config struct {
	Store Store
	// Now is the clock (injected in tests).
	Now func() time.Time
	// Rand is the source of tokens, ids and salts (crypto/rand by default).
	Rand io.Reader
	Log  *slog.Logger
	// PanelDir holds the built browser panel (index.html, panel.wasm,
	// wasm_exec.js); empty serves a page saying how to build it.
	PanelDir string
	// SecureCookies marks the panel cookie Secure and uses the __Host-
	// prefix; set when served over TLS. Cookies are Secure regardless (browsers
	// accept Secure cookies from http://localhost).
	TLS bool
	// HashLimit bounds concurrent password hashes (19 MiB each).
	HashLimit int
	// Heartbeat is how long a socket may stay silent before it is closed.
	Heartbeat time.Duration
}

// Server is the sync server. Create it with New; it is safe for concurrent use.
type Server struct {
	cfg    Config
	store  Store
	hub    *hub.Hub
	hasher *auth.Hasher
	log    *slog.Logger
	now    func() time.Time
	dummy  string // a hash verified for unknown emails, so timing matches
	limits *limiter
}

// New returns a server over cfg.Store.
func New(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = cryptoRand
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.HashLimit <= 0 {
		cfg.HashLimit = runtime.NumCPU()
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 45 * time.Second
	}
	s := &Server{
		cfg:    cfg,
		store:  cfg.Store,
		hub:    hub.New(cfg.Log),
		hasher: auth.NewHasher(cfg.HashLimit, cfg.Rand),
		log:    cfg.Log,
		now:    cfg.Now,
		limits: newLimiter(cfg.Now),
	}
	var err error
	s.dummy, err = s.hasher.Hash(context.Background(), "dummy password for timing 1!")
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Connections returns the number of connected sync sockets.
func (s *Server) Connections() int { return s.hub.Count() }

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("POST /v1/signup", s.signUp)
	mux.HandleFunc("POST /v1/signin", s.signIn)
	mux.HandleFunc("POST /v1/signout", s.authed(s.signOut))
	mux.HandleFunc("GET /v1/me", s.authed(s.me))
	mux.HandleFunc("DELETE /v1/sessions/{id}", s.authed(s.revokeSession))
	mux.HandleFunc("GET /v1/sync", s.syncSocket)
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, errNotFound("No such API endpoint: %s %s.", r.Method, r.URL.Path))
	})
	mux.Handle("/", s.panel())

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden, errForbidden("Cross-origin request refused."))
	}))
	return securityHeaders(cop.Handler(mux))
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "connections": s.hub.Count()})
}

// CloseSockets disconnects every sync socket with status 1012 (service
// restart). Call it when shutting down: http.Server.Shutdown does not close
// upgraded connections.
func (s *Server) CloseSockets() { s.hub.CloseAll(1012, "server restarting") }
