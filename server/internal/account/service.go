package account

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/geo"
	"github.com/dialnexa/account/server/internal/store"
)

// Config configures a Service. Store and PublicOrigin are required.
type Config struct {
	Store store.Store
	// Effects receives each committed change's effects; nil drops them
	// (nothing is connected to tell).
	Effects Applier
	// Announce, when set, is called with each change's effects inside its
	// transaction, before the commit: for telling the other nodes on the
	// same store, who hear of the change if and only if it commits.
	Announce func(tx store.Tx, fx *Effects) error
	// Stop, when set, closes this node's sockets of the account's
	// sessions at once: called for a revocation once it is authorized,
	// before it is committed (see first.go).
	Stop func(accountID string, sessionIDs []string)
	// Now is the clock (injected in tests).
	Now func() time.Time
	// Rand is the source of tokens, ids and salts (crypto/rand by default).
	Rand io.Reader
	Log  *slog.Logger
	// HashLimit bounds concurrent password hashes (19 MiB each).
	HashLimit int
	// HashWaited, when set, is told how long each password hash waited
	// for its turn.
	HashWaited func(time.Duration)
	// PublicOrigin is where users reach the server; links in mails are
	// built from it.
	PublicOrigin string
	// DashboardOrigin is where the DialNexa dashboard is (its wallet,
	// usage and status pages, which notifications link to); default
	// DefaultDashboard, the address the clients link to.
	DashboardOrigin string
	// Geo names a client address's place for session lists; nil says
	// "Unknown" for every address.
	Geo *geo.Locator
}

// DefaultDashboard is the DialNexa dashboard, where the clients send the
// links of notifications.
const DefaultDashboard = "https://app.dialnexa.com"

// Service runs the account commands. Create it with New; it is safe for
// concurrent use.
type Service struct {
	store    store.Store
	fx       Applier
	announce func(tx store.Tx, fx *Effects) error
	// stop closes sessions' sockets first; ending holds readers of those
	// sessions until the revocation has its outcome (first.go).
	stop   func(accountID string, sessionIDs []string)
	ending endings
	now    func() time.Time
	rand   io.Reader
	log    *slog.Logger
	hasher *auth.Hasher
	origin string
	// rp is the WebAuthn relying party of the public origin.
	rp *webauthn.WebAuthn
	// dashboard is the DialNexa dashboard's origin.
	dashboard string
	geo       *geo.Locator
	// dummy is a hash verified for unknown emails, so timing matches.
	dummy string
	// jobs holds work answered before it is done (forgotten-password
	// mails), run by Run.
	jobs chan func()
	// touched are sessions' last activities waiting to be written by Run;
	// touchWake tells Run there are some.
	touchMu   sync.Mutex
	touched   map[string]time.Time
	touchWake chan struct{}
}

// New returns a Service over cfg.Store.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("account: a store is required")
	}
	if cfg.PublicOrigin == "" {
		return nil, fmt.Errorf("the public origin (where users reach the server) is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.HashLimit <= 0 {
		cfg.HashLimit = runtime.NumCPU()
	}
	if cfg.Effects == nil {
		cfg.Effects = ApplierFunc(func(*Effects) {})
	}
	if cfg.Stop == nil {
		cfg.Stop = func(string, []string) {}
	}
	s := &Service{
		store:     cfg.Store,
		fx:        cfg.Effects,
		announce:  cfg.Announce,
		stop:      cfg.Stop,
		now:       cfg.Now,
		rand:      cfg.Rand,
		log:       cfg.Log,
		hasher:    auth.NewHasher(cfg.HashLimit, cfg.Rand, cfg.HashWaited),
		origin:    cfg.PublicOrigin,
		dashboard: cmp.Or(strings.TrimSuffix(cfg.DashboardOrigin, "/"), DefaultDashboard),
		geo:       cfg.Geo,
		jobs:      make(chan func(), 256),
		touched:   map[string]time.Time{},
		touchWake: make(chan struct{}, 1),
	}
	var err error
	if s.rp, err = newRelyingParty(cfg.PublicOrigin); err != nil {
		// An address without a domain (a development server on an IP
		// address) cannot be a WebAuthn relying party: no passkeys.
		cfg.Log.Warn("passkeys are off: the public origin cannot be a WebAuthn relying party", "origin", cfg.PublicOrigin, "err", err)
		s.rp = nil
	}
	if s.dummy, err = s.hasher.Hash(context.Background(), "dummy password for timing 1!"); err != nil {
		return nil, err
	}
	return s, nil
}

// Run runs the work commands answer before it is done (mail for
// forgotten passwords, sessions' last activity) until ctx ends. (Jobs over every account are run
// by a jobs.Runner, calling Step.)
func (s *Service) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			// What was recorded is written before the node stops.
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			s.flushTouches(fctx)
			cancel()
			return
		case job := <-s.jobs:
			job()
		case <-s.touchWake:
			s.flushTouches(ctx)
		}
	}
}

// Origin is where a request comes from: the client's address and
// User-Agent.
type Origin struct {
	IP        string
	UserAgent string
}
