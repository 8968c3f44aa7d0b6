package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	gosync "sync"
	"time"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/avatar"
	"github.com/dialnexa/account/server/internal/geo"
	"github.com/dialnexa/account/server/internal/mail"
	"github.com/dialnexa/account/server/internal/panel"
	"github.com/dialnexa/account/server/internal/ratelimit"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/hub"
	"github.com/dialnexa/account/sync/wire"
)

// Config configures a Server. Store is required; the rest have defaults.
type Config struct {
	Store store.Store
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
	// MessageRate and MessageBurst limit the messages one socket may send
	// (default 20 a second, bursts of 40); a dropped push is answered with
	// rate_limited and when to send it again.
	MessageRate  float64
	MessageBurst int
	// MinProtocolVersion is the oldest sync protocol served (default
	// wire.MinProtocolVersion, the current one and the one before it);
	// raising it makes older apps say they must be updated.
	MinProtocolVersion int
	// PublicOrigin is where users reach the server (https://account.example.com);
	// links in mails are built from it, never from a request's Host.
	PublicOrigin string
	// Mail delivers the outbox; nil keeps mails queued in the store.
	Mail mail.Transport
	// MailPoll is how often the outbox is checked besides after each
	// change (default 5s).
	MailPoll time.Duration
	// ServiceToken authenticates operators and other DialNexa services on
	// /internal/ endpoints; empty disables them.
	ServiceToken string
	// GeoIP is the path of an optional MaxMind City database for session
	// locations; without one, locations are "Unknown".
	GeoIP string
}

// Server is the sync server. Create it with New; it is safe for concurrent use.
type Server struct {
	cfg    Config
	store  store.Store
	hub    *hub.Hub
	hasher *auth.Hasher
	log    *slog.Logger
	now    func() time.Time
	dummy  string // a hash verified for unknown emails, so timing matches
	limits *ratelimit.Keyed
	guard  *guard
	mail   *mail.Worker
	geo    *geo.Locator
	// jobs runs work answered before it is done (forgotten-password mails).
	jobs chan func()
	// avatars processes uploaded pictures within one decode budget.
	avatars *avatar.Processor
	// pushing is, per account, 1 while a view push runs and 2 when another
	// must follow it (see pushView).
	pushMu  gosync.Mutex
	pushing map[string]int

	// life ends when the server closes: sockets stop reading. lifeMu
	// guards closing and the Adds of bg, the goroutines Close waits for
	// (sockets and view pushes).
	life     context.Context
	stopLife context.CancelFunc
	lifeMu   gosync.RWMutex
	closing  bool
	bg       gosync.WaitGroup
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
	if cfg.MessageRate <= 0 {
		cfg.MessageRate = msgRate
	}
	if cfg.MessageBurst <= 0 {
		cfg.MessageBurst = msgBurst
	}
	if cfg.MinProtocolVersion <= 0 {
		cfg.MinProtocolVersion = wire.MinProtocolVersion
	}
	s := &Server{
		cfg:     cfg,
		store:   cfg.Store,
		hub:     hub.New(cfg.Log),
		hasher:  auth.NewHasher(cfg.HashLimit, cfg.Rand),
		log:     cfg.Log,
		now:     cfg.Now,
		limits:  ratelimit.New(cfg.Now),
		guard:   newGuard(),
		jobs:    make(chan func(), 256),
		pushing: map[string]int{},
		avatars: avatar.New(avatar.DefaultWait),
	}
	s.life, s.stopLife = context.WithCancel(context.Background())
	if cfg.PublicOrigin == "" {
		return nil, fmt.Errorf("the public origin (where users reach the server) is required")
	}
	if cfg.Mail != nil {
		s.mail = mail.NewWorker(cfg.Store, cfg.Mail, cfg.Now, cfg.Log)
		if cfg.MailPoll > 0 {
			s.mail.Poll = cfg.MailPoll
		}
	}
	var err error
	if s.geo, err = geo.Open(cfg.GeoIP); err != nil {
		return nil, fmt.Errorf("open GeoIP database: %w", err)
	}
	s.dummy, err = s.hasher.Hash(context.Background(), "dummy password for timing 1!")
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Run runs the server's background work (mail delivery, queued jobs)
// until ctx ends, and returns once all of it has stopped.
func (s *Server) Run(ctx context.Context) {
	if s.mail != nil {
		var mail gosync.WaitGroup
		defer mail.Wait()
		mail.Go(func() { s.mail.Run(ctx) })
	}
	hourly := time.NewTicker(time.Hour)
	defer hourly.Stop()
	s.SendMonthlySummaries()
	if err := s.pruneAudit(); err != nil {
		s.log.Error("prune audit logs", "err", err)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case job := <-s.jobs:
			job()
		case <-hourly.C:
			if _, err := s.SendMonthlySummaries(); err != nil {
				s.log.Error("monthly summaries", "err", err)
			}
			if err := s.pruneAudit(); err != nil {
				s.log.Error("prune audit logs", "err", err)
			}
		}
	}
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
	mux.HandleFunc("POST /internal/v1/support/disable-2fa", s.internal(s.supportDisableTwoFactor))
	mux.HandleFunc("POST /internal/v1/events", s.internal(s.serviceEvents))
	mux.HandleFunc("POST /internal/v1/resources", s.internal(s.serviceResources))
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
	mux.HandleFunc("GET /v1/sync", s.syncSocket)
	notFound := func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, errNotFound("No such API endpoint: %s %s.", r.Method, r.URL.Path))
	}
	mux.HandleFunc("/v1/", notFound)
	mux.HandleFunc("/internal/", notFound)
	mux.Handle("/", panel.Handler(s.cfg.PanelDir))

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

// Close disconnects every sync socket with status 1012 (service restart)
// and waits for the goroutines serving them and pushing views to end. Call
// it when shutting down, with Run's context cancelled: http.Server.Shutdown
// does not close upgraded connections. Sockets upgraded after Close are
// closed at once.
func (s *Server) Close() {
	s.lifeMu.Lock()
	s.closing = true
	s.lifeMu.Unlock()
	s.hub.CloseAll(1012, "server restarting")
	s.stopLife()
	s.bg.Wait()
	s.geo.Close()
}

// spawn runs fn on a goroutine Close waits for; once the server is closing
// it starts nothing and returns false.
func (s *Server) spawn(fn func()) bool {
	s.lifeMu.RLock()
	defer s.lifeMu.RUnlock()
	if s.closing {
		return false
	}
	s.bg.Go(fn)
	return true
}
