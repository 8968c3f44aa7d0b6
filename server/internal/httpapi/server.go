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
	for _, rt := range s.routes() {
		mux.HandleFunc(rt.pattern, s.guard(rt))
	}
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

// access is who may call a route.
type access int

const (
	public    access = iota // anyone (sign-up, sign-in, links from mails)
	bySession               // a signed-in session (bearer token or the panel's cookie)
	byService               // operators and other DialNexa services (the service token)
)

// route is one endpoint of the API: its pattern, who may call it, and
// its handler (h, or hs for session routes, which get the session).
type route struct {
	pattern string
	access  access
	h       http.HandlerFunc
	hs      func(http.ResponseWriter, *http.Request, store.Session)
}

// routes is the API's table (the OpenID Connect provider's endpoints and
// the sync socket are routed on their own).
func (s *Server) routes() []route {
	rs := []route{
		{"POST /v1/signup", public, s.signUp, nil},
		{"POST /v1/signin", public, s.signIn, nil},
		{"POST /v1/signout", bySession, nil, s.signOut},
		{"GET /v1/me", bySession, nil, s.me},
		{"DELETE /v1/sessions/{id}", bySession, nil, s.revokeSession},
		{"POST /v1/sessions/revoke-others", bySession, nil, s.revokeOthers},
		{"POST /v1/password", bySession, nil, s.changePassword},
		{"POST /v1/password/forgot", public, s.forgotPassword, nil},
		{"POST /v1/password/reset", public, s.resetPassword, nil},
		{"POST /v1/email", bySession, nil, s.changeEmail},
		{"PUT /v1/timezone", bySession, nil, s.setTimeZone},
		{"PUT /v1/avatar", bySession, nil, s.putAvatar},
		{"GET /v1/avatar", bySession, nil, s.getAvatar},
		{"DELETE /v1/avatar", bySession, nil, s.deleteAvatar},
		{"POST /v1/email/verify", public, s.verifyEmail, nil},
		{"POST /v1/2fa/setup", bySession, nil, s.setupTwoFactor},
		{"POST /v1/2fa/enable", bySession, nil, s.enableTwoFactor},
		{"POST /v1/2fa/disable", bySession, nil, s.disableTwoFactor},
		{"POST /v1/2fa/backup-codes", bySession, nil, s.regenerateBackupCodes},
		{"POST /v1/passkeys/options", bySession, nil, s.passkeyOptions},
		{"POST /v1/passkeys", bySession, nil, s.addPasskey},
		{"PATCH /v1/passkeys/{id}", bySession, nil, s.renamePasskey},
		{"POST /v1/passkeys/{id}/remove", bySession, nil, s.removePasskey},
		{"POST /v1/signin/passkey/options", public, s.passkeySignInOptions, nil},
		{"POST /v1/signin/passkey", public, s.passkeySignIn, nil},
		{"POST /v1/signin/browser", public, s.startBrowserSignIn, nil},
		{"POST /v1/signin/browser/poll", public, s.pollBrowserSignIn, nil},
		{"GET /v1/signin/browser/{code}", bySession, nil, s.browserRequest},
		{"POST /v1/signin/browser/{code}/approve", bySession, nil, s.approveBrowserSignIn},
		{"POST /v1/signin/browser/{code}/deny", bySession, nil, s.denyBrowserSignIn},
		{"POST /internal/v1/support/disable-2fa", byService, s.supportDisableTwoFactor, nil},
		{"POST /internal/v1/events", byService, s.serviceEvents, nil},
		{"POST /internal/v1/resources", byService, s.serviceResources, nil},
		{"GET /internal/v1/jobs/{id...}", byService, s.job, nil},
		{"GET /internal/v1/backup", byService, s.backup, nil},
		{"POST /internal/v1/sessions/check", byService, s.checkSession, nil},
		{"POST /v1/workspaces", bySession, nil, s.createWorkspace},
		{"POST /v1/workspaces/{id}/invitations", bySession, nil, s.invite},
		{"POST /v1/workspaces/{id}/transfer", bySession, nil, s.transferOwnership},
		{"DELETE /v1/workspaces/{id}", bySession, nil, s.deleteWorkspace},
		{"DELETE /v1/workspaces/{id}/members/{account}", bySession, nil, s.removeMember},
		{"PUT /v1/workspaces/{id}/members/{account}/role", bySession, nil, s.changeRole},
		{"DELETE /v1/workspaces/{id}/invitations/{invitation}", bySession, nil, s.withdrawInvitation},
		{"POST /v1/workspaces/{id}/invitations/{invitation}/accept", bySession, nil, s.acceptReceived},
		{"POST /v1/workspaces/{id}/invitations/{invitation}/decline", bySession, nil, s.declineReceived},
		{"GET /v1/workspaces/{id}/audit", bySession, nil, s.workspaceAudit},
		{"POST /v1/invitations/accept", bySession, nil, s.acceptInvitation},
		{"POST /v1/invitations/preview", bySession, nil, s.previewInvitation},
		{"POST /v1/invitations/decline", bySession, nil, s.declineInvitation},
		{"GET /v1/account/deletion", bySession, nil, s.deletionPreview},
		{"POST /v1/account/delete", bySession, nil, s.deleteAccount},
		{"POST /v1/account/export", bySession, nil, s.requestExport},
		{"GET /v1/account/export/{id}", bySession, nil, s.downloadExport},
	}
	if s.cfg.Revocations != nil {
		rs = append(rs, route{"GET /internal/v1/revocations", byService, s.cfg.Revocations, nil})
	}
	return rs
}

// guard is the route's handler behind its access check.
func (s *Server) guard(rt route) http.HandlerFunc {
	switch rt.access {
	case bySession:
		return s.authed(rt.hs)
	case byService:
		return s.internal(rt.h)
	}
	return rt.h
}

// Healthz answers that the process serves, and how many sync sockets it
// holds: the same on the public and the operators' listener.
func (s *Server) Healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "connections": s.cfg.Sockets.Count()})
}
