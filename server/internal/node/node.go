// Package node assembles one server node: the store, the account service
// (the domain), the HTTP API, the sync sockets and the mail worker, with
// the committed effects of every command applied to this node's sockets
// and mail worker.
package node

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/bus"
	"github.com/dialnexa/account/server/internal/geo"
	"github.com/dialnexa/account/server/internal/httpapi"
	"github.com/dialnexa/account/server/internal/jobs"
	"github.com/dialnexa/account/server/internal/mail"
	"github.com/dialnexa/account/server/internal/metrics"
	"github.com/dialnexa/account/server/internal/oidc"
	"github.com/dialnexa/account/server/internal/panel"
	"github.com/dialnexa/account/server/internal/revocations"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/server/internal/syncsrv"
	"github.com/dialnexa/account/sync/wire"
)

// Config configures a Server. Store and PublicOrigin are required; the
// rest have defaults.
type Config struct {
	Store store.Store
	// Now is the clock (injected in tests).
	Now func() time.Time
	// SocketClock times the sync sockets' heartbeats and message limits
	// (default the real clock; see syncsrv.Config.Clock).
	SocketClock clockwork.Clock
	// Rand is the source of tokens, ids and salts (crypto/rand by default).
	Rand io.Reader
	Log  *slog.Logger
	// PanelDir holds the built browser panel (index.html, panel.wasm,
	// wasm_exec.js); empty serves a page saying how to build it.
	PanelDir string
	// Panel, when set, is the built panel's files instead of PanelDir
	// (the copy built into the binary).
	Panel fs.FS
	// Proxies are the reverse proxies whose forwarding header gives the
	// client's address (none by default).
	Proxies httpapi.Proxies
	// Metrics is where the node reports what it does (nil: nowhere).
	Metrics *metrics.Metrics
	// HashLimit bounds concurrent password hashes (19 MiB each).
	HashLimit int
	// Heartbeat is how long a socket may stay silent before it is closed.
	Heartbeat time.Duration
	// MessageRate and MessageBurst limit the messages one socket may send
	// (default 20 a second, bursts of 40).
	MessageRate  float64
	MessageBurst int
	// MinProtocolVersion is the oldest sync protocol served (default
	// wire.MinProtocolVersion: every version from the first release);
	// raising it makes older apps say they must be updated.
	MinProtocolVersion int
	// PublicOrigin is where users reach the server (https://account.example.com);
	// links in mails are built from it, never from a request's Host. It is
	// same-origin for the panel's requests and sockets, and an https one
	// gives the panel's cookie the __Host- prefix and responses HSTS.
	PublicOrigin string
	// DashboardOrigin is where the DialNexa dashboard is, for the links
	// of notification mails (default account.DefaultDashboard).
	DashboardOrigin string
	// Mail delivers the outbox's mail; with nil, mails wait in the store
	// (retried, dropped after two days) while back-channel logouts go out.
	Mail mail.Transport
	// MailPoll is how often the outbox is checked besides after each
	// change (default 5s).
	MailPoll time.Duration
	// ServiceToken authenticates operators and other DialNexa services on
	// /internal/ endpoints; empty disables them.
	ServiceToken string
	// Bus tells the other nodes on the same store about changes; nil is
	// bus.Local, for a node alone on its store.
	Bus bus.Bus
	// JobPoll is how often the node looks for jobs without being woken
	// (default 5s).
	JobPoll time.Duration
	// GeoIP is the path of an optional MaxMind City database for session
	// locations; without one, locations are "Unknown".
	GeoIP string
	// KeyLead is how long a new OpenID Connect signing key is published
	// before it signs (default oidc.DefaultKeyLead).
	KeyLead time.Duration
	// DesktopRelease, when set, is the desktop app's current release: its
	// version and download address, sent to every app that connects, so
	// older ones say a newer one is available.
	DesktopRelease *wire.Release
}

// Server is one server node. Create it with New; it is safe for
// concurrent use.
type Server struct {
	accounts *account.Service
	sockets  *syncsrv.Server
	http     *httpapi.Server
	mail     *mail.Worker
	oidc     *oidc.Provider
	revoked  *revocations.Hub
	jobs     *jobs.Runner
	geo      *geo.Locator
	bus      bus.Bus
	log      *slog.Logger
	store    store.Store
	metrics  *metrics.Metrics
	// panel: the browser panel is there to serve.
	panel bool
}

// New returns a node over cfg.Store.
func New(cfg Config) (*Server, error) {
	if cfg.PublicOrigin == "" {
		return nil, fmt.Errorf("the public origin (where users reach the server) is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Bus == nil {
		cfg.Bus = bus.Local{}
	}
	var backup func(io.Writer) (int64, error)
	if b, ok := cfg.Store.(interface {
		Backup(io.Writer) (int64, error)
	}); ok {
		backup = b.Backup
	}
	files := cfg.Panel
	if files == nil && cfg.PanelDir != "" {
		files = os.DirFS(cfg.PanelDir)
	}
	if !panel.Built(files) {
		files = nil
	}
	n := &Server{bus: cfg.Bus, log: cfg.Log, store: cfg.Store, metrics: cfg.Metrics, panel: files != nil}
	cfg.Metrics.Outbox(cfg.Store, cfg.Now)
	cfg.Store = cfg.Metrics.Store(cfg.Store)
	var err error
	if n.geo, err = geo.Open(cfg.GeoIP); err != nil {
		return nil, fmt.Errorf("open GeoIP database: %w", err)
	}
	route := &mail.Route{Mail: cfg.Mail}
	n.mail = mail.NewWorker(cfg.Store, route, cfg.Now, cfg.Log)
	n.mail.Sent, n.mail.Failed = cfg.Metrics.MailSent, cfg.Metrics.MailFailed
	if cfg.MailPoll > 0 {
		n.mail.Poll = cfg.MailPoll
	}
	n.accounts, err = account.New(account.Config{
		Store: cfg.Store, Effects: account.ApplierFunc(n.apply), Announce: n.announce,
		Stop: func(accountID string, sessionIDs []string) { n.sockets.Stop(accountID, sessionIDs) }, Now: cfg.Now, Rand: cfg.Rand, Log: cfg.Log,
		HashLimit: cfg.HashLimit, HashWaited: cfg.Metrics.HashWaited, PublicOrigin: cfg.PublicOrigin, DashboardOrigin: cfg.DashboardOrigin, Geo: n.geo,
	})
	if err != nil {
		n.geo.Close()
		return nil, err
	}
	n.oidc, err = oidc.New(oidc.Config{Issuer: cfg.PublicOrigin, Store: cfg.Store, Accounts: n.accounts, Now: cfg.Now,
		Rand: cfg.Rand, Log: cfg.Log, KeyLead: cfg.KeyLead})
	if err != nil {
		// A development server on a plain-http address that is not
		// loopback cannot be an issuer: no OpenID Connect.
		cfg.Log.Warn("OpenID Connect is off", "err", err)
		n.oidc = nil
	} else {
		route.Logout = n.oidc.SendLogout
	}
	n.revoked = revocations.New(cfg.Store, cfg.Log)
	n.jobs = jobs.New(cfg.Store, n.accounts, rand.Text(), cfg.Now, cfg.Log)
	if cfg.JobPoll > 0 {
		n.jobs.Poll = cfg.JobPoll
	}
	n.sockets = syncsrv.New(syncsrv.Config{
		Accounts: n.accounts, Log: cfg.Log, Heartbeat: cfg.Heartbeat,
		MessageRate: cfg.MessageRate, MessageBurst: cfg.MessageBurst, MinProtocolVersion: cfg.MinProtocolVersion,
		OriginPatterns: originPatterns(cfg.PublicOrigin), Metrics: cfg.Metrics, Clock: cfg.SocketClock,
		Release: cfg.DesktopRelease,
	})
	cfg.Metrics.GaugeFunc("dialnexa_sync_connections", "Sync sockets connected to this node.", func() float64 { return float64(n.sockets.Count()) })
	n.http = httpapi.New(httpapi.Config{
		Accounts: n.accounts, Sockets: n.sockets, Log: cfg.Log,
		Panel: files, Backup: backup, Ready: n.readyz, Version: version, PublicOrigin: cfg.PublicOrigin, Proxies: cfg.Proxies, Metrics: cfg.Metrics, ServiceToken: cfg.ServiceToken,
		OIDC: n.oidc, Revocations: n.revoked.Serve,
	})
	return n, nil
}

// originPatterns are the hosts whose pages may open a socket besides the
// request's own: the public origin's.
func originPatterns(origin string) []string {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return nil
	}
	return []string{u.Host}
}

// apply carries out a command's committed effects on this node: its
// sockets, then its mail worker.
func (n *Server) apply(fx *account.Effects) {
	n.sockets.Apply(fx)
	if len(fx.Sessions) > 0 || len(fx.Accounts) > 0 || len(fx.Views) > 0 {
		n.revoked.Poke()
	}
	if fx.Mail {
		n.mail.Wake()
	}
	if fx.Jobs {
		n.jobs.Wake()
	}
}

// Run runs the node's background work (mail delivery, jobs, the account
// service's queue, the bus listener) until ctx ends, and returns once all
// of it has stopped.
func (n *Server) Run(ctx context.Context) {
	var bg sync.WaitGroup
	defer bg.Wait()
	bg.Go(func() { n.mail.Run(ctx) })
	bg.Go(func() { n.jobs.Run(ctx) })
	bg.Go(func() { n.revoked.Run(ctx) })
	bg.Go(func() {
		if err := n.bus.Run(ctx, peers{n}); err != nil {
			n.log.Error("bus stopped", "err", err)
		}
	})
	n.accounts.Run(ctx)
}

// Handler returns the node's HTTP handler.
func (n *Server) Handler() http.Handler { return n.http.Handler() }

// Connections returns the number of connected sync sockets.
func (n *Server) Connections() int { return n.sockets.Count() }

// RunJobs adds the scheduled jobs that are due and, when this node holds
// the jobs lease, runs every pending job to its end before it returns
// (Run does it every few seconds and when a job is added).
func (n *Server) RunJobs(ctx context.Context) error { return n.jobs.Tick(ctx) }

// Close disconnects every sync socket with status 1012 (service restart)
// and waits for the goroutines serving them and pushing views to end. Call
// it when shutting down, with Run's context cancelled: http.Server.Shutdown
// does not close upgraded connections.
func (n *Server) Close() {
	n.sockets.Close()
	n.revoked.Close()
	n.geo.Close()
}
