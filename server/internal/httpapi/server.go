// Package httpapi is the server's HTTP surface: the JSON API under /v1/,
// the internal endpoints for operators and other services, health, the
// sync endpoint's authentication, and the browser panel's files. Each
// handler decodes, authenticates, calls one account command and encodes
// its answer; the rules live in the account package.
package httpapi

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/avatar"
	"github.com/dialnexa/account/server/internal/metrics"
	"github.com/dialnexa/account/server/internal/oidc"
	"github.com/dialnexa/account/server/internal/panel"
	"github.com/dialnexa/account/server/internal/store"
)

// Sockets is the sync endpoint, served to authenticated sessions.
type Sockets interface {
	// Mark is taken before the socket's session is read and passed to
	// ServeSocket: revocations after it reach the socket without its
	// session being read again.
	Mark() uint64
	ServeSocket(w http.ResponseWriter, r *http.Request, ss store.Session, mark uint64)
	// Count is the number of connected sockets.
	Count() int
}

// Config configures a Server. Accounts and Sockets are required.
type Config struct {
	Accounts *account.Service
	Sockets  Sockets
	Log      *slog.Logger
	// Panel holds the built browser panel (panel.wasm, its .gz,
	// wasm_exec.js); nil serves a page saying how to build it.
	Panel fs.FS
	// PublicOrigin is where users reach the server
	// (https://account.example.com), perhaps through a proxy that sets its
	// own Host: requests and sockets from it are same-origin. An https
	// origin means users reach the server over TLS: the panel cookie then
	// has the __Host- prefix and responses carry HSTS. Cookies are Secure
	// regardless (browsers accept Secure cookies from http://localhost).
	PublicOrigin string
	// Proxies are the reverse proxies whose forwarding header gives the
	// client's address (none by default).
	Proxies Proxies
	// Metrics records requests and refusals (nil: none).
	Metrics *metrics.Metrics
	// Backup writes a consistent copy of the store (nil: the store cannot,
	// as PostgreSQL, which pg_dump backs up).
	Backup func(io.Writer) (int64, error)
	// Ready and Version serve /readyz and /version (404 when nil).
	Ready, Version http.HandlerFunc
	// ServiceToken authenticates operators and other DialNexa services on
	// /internal/ endpoints; empty disables them.
	ServiceToken string
	// OIDC is the OpenID Connect provider (nil: off).
	OIDC *oidc.Provider
	// Revocations serves the revocation stream to services (the caller
	// checks the service token).
	Revocations http.HandlerFunc
}

// Server is the HTTP API. Create it with New.
type Server struct {
	cfg      Config
	accounts *account.Service
	log      *slog.Logger
	// avatars processes uploaded pictures within one decode budget.
	avatars *avatar.Processor
	// tls: users reach the server over TLS (an https public origin).
	tls bool
}

// New returns the HTTP API over cfg.Accounts.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	tls := strings.HasPrefix(cfg.PublicOrigin, "https://")
	return &Server{cfg: cfg, accounts: cfg.Accounts, log: cfg.Log, avatars: avatar.New(avatar.DefaultWait), tls: tls}
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.Healthz)
	if s.cfg.Ready != nil {
		mux.HandleFunc("GET /readyz", s.cfg.Ready)
	}
	if s.cfg.Version != nil {
		mux.HandleFunc("GET /version", s.cfg.Version)
	}
	mux.HandleFunc("POST /v1/signup", s.signUp)
	mux.HandleFunc("POST /v1/signin", s.signIn)
	mux.HandleFunc("POST /v1/signout", s.authed(s.signOut))
	mux.HandleFunc("GET /v1/me", s.authed(s.me))
	mux.HandleFunc("DELETE /v1/sessions/{id}", s.authed(s.revokeSession))
	mux.HandleFunc("POST /v1/sessions/revoke-others", s.authed(s.revokeOthers))
	mux.HandleFunc("POST /v1/password", s.authed(s.changePassword))
	mux.HandleFunc("POST /v1/password/forgot", s.forgotPassword)
	mux.HandleFunc("POST /v1/password/reset", s.resetPassword)
	mux.HandleFunc("POST /v1/email", s.authed(s.changeEmail))
	mux.HandleFunc("PUT /v1/avatar", s.authed(s.putAvatar))
	mux.HandleFunc("GET /v1/avatar", s.authed(s.getAvatar))
	mux.HandleFunc("DELETE /v1/avatar", s.authed(s.deleteAvatar))
	mux.HandleFunc("POST /v1/email/verify", s.verifyEmail)
	mux.HandleFunc("POST /v1/2fa/setup", s.authed(s.setupTwoFactor))
	mux.HandleFunc("POST /v1/2fa/enable", s.authed(s.enableTwoFactor))
	mux.HandleFunc("POST /v1/2fa/disable", s.authed(s.disableTwoFactor))
	mux.HandleFunc("POST /v1/2fa/backup-codes", s.authed(s.regenerateBackupCodes))
	mux.HandleFunc("POST /v1/passkeys/options", s.authed(s.passkeyOptions))
	mux.HandleFunc("POST /v1/passkeys", s.authed(s.addPasskey))
	mux.HandleFunc("PATCH /v1/passkeys/{id}", s.authed(s.renamePasskey))
	mux.HandleFunc("POST /v1/passkeys/{id}/remove", s.authed(s.removePasskey))
	mux.HandleFunc("POST /v1/signin/passkey/options", s.passkeySignInOptions)
	mux.HandleFunc("POST /v1/signin/passkey", s.passkeySignIn)
	mux.HandleFunc("POST /v1/signin/browser", s.startBrowserSignIn)
	mux.HandleFunc("POST /v1/signin/browser/poll", s.pollBrowserSignIn)
	mux.HandleFunc("GET /v1/signin/browser/{code}", s.authed(s.browserRequest))
	mux.HandleFunc("POST /v1/signin/browser/{code}/approve", s.authed(s.approveBrowserSignIn))
	mux.HandleFunc("POST /v1/signin/browser/{code}/deny", s.authed(s.denyBrowserSignIn))
	mux.HandleFunc("POST /internal/v1/support/disable-2fa", s.internal(s.supportDisableTwoFactor))
	mux.HandleFunc("POST /internal/v1/events", s.internal(s.serviceEvents))
	mux.HandleFunc("POST /internal/v1/resources", s.internal(s.serviceResources))
	mux.HandleFunc("GET /internal/v1/jobs/{id...}", s.internal(s.job))
	mux.HandleFunc("GET /internal/v1/backup", s.internal(s.backup))
	mux.HandleFunc("POST /internal/v1/sessions/check", s.internal(s.checkSession))
	if s.cfg.Revocations != nil {
		mux.HandleFunc("GET /internal/v1/revocations", s.internal(s.cfg.Revocations))
	}
	mux.HandleFunc("POST /v1/workspaces", s.authed(s.createWorkspace))
	mux.HandleFunc("POST /v1/workspaces/{id}/invitations", s.authed(s.invite))
	mux.HandleFunc("POST /v1/workspaces/{id}/transfer", s.authed(s.transferOwnership))
	mux.HandleFunc("DELETE /v1/workspaces/{id}", s.authed(s.deleteWorkspace))
	mux.HandleFunc("DELETE /v1/workspaces/{id}/members/{account}", s.authed(s.removeMember))
	mux.HandleFunc("PUT /v1/workspaces/{id}/members/{account}/role", s.authed(s.changeRole))
	mux.HandleFunc("DELETE /v1/workspaces/{id}/invitations/{invitation}", s.authed(s.withdrawInvitation))
	mux.HandleFunc("GET /v1/workspaces/{id}/audit", s.authed(s.workspaceAudit))
	mux.HandleFunc("POST /v1/invitations/accept", s.authed(s.acceptInvitation))
	mux.HandleFunc("GET /v1/account/deletion", s.authed(s.deletionPreview))
	mux.HandleFunc("POST /v1/account/delete", s.authed(s.deleteAccount))
	mux.HandleFunc("POST /v1/account/export", s.authed(s.requestExport))
	mux.HandleFunc("GET /v1/account/export/{id}", s.authed(s.downloadExport))
	mux.HandleFunc("GET /v1/sync", s.socket)
	notFound := func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, errNotFound("No such API endpoint: %s %s.", r.Method, r.URL.Path))
	}
	s.routeOIDC(mux)
	s.routeOIDCAdmin(mux)
	mux.HandleFunc("/v1/", notFound)
	mux.HandleFunc("/internal/", notFound)
	mux.Handle("/", panel.Handler(s.cfg.Panel))

	cop := http.NewCrossOriginProtection()
	// The provider's endpoints are called across origins by design
	// (applications' servers and single-page apps, with CORS); none acts
	// on the panel's cookie.
	cop.AddInsecureBypassPattern("/oidc/")
	if s.cfg.PublicOrigin != "" {
		// Behind a proxy that sets its own Host, the browser's Origin is
		// the public one, not the Host the server sees.
		if err := cop.AddTrustedOrigin(s.cfg.PublicOrigin); err != nil {
			s.log.Warn("public origin not usable for origin checks", "origin", s.cfg.PublicOrigin, "err", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Info("cross-origin request refused", "request_id", requestOf(r).id, "origin", r.Header.Get("Origin"), "client", requestOf(r).clientIP)
		writeError(w, http.StatusForbidden, errForbidden("Cross-origin request refused."))
	}))
	return s.observe(s.securityHeaders(cop.Handler(mux)))
}

func (s *Server) securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		if s.tls {
			// Two years, the preload list's minimum; subdomains are
			// the operator's to include.
			hd.Set("Strict-Transport-Security", "max-age=63072000")
		}
		h.ServeHTTP(w, r)
	})
}

// Healthz answers that the process serves, and how many sync sockets it
// holds: the same on the public and the operators' listener.
func (s *Server) Healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "connections": s.cfg.Sockets.Count()})
}
