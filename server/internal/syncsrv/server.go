// Package syncsrv is the websocket sync endpoint: hello and welcome, the
// client's pushes (applied by the account service), heartbeats, and the
// live side of every committed change: views pushed to the account's
// connected clients, events delivered, revoked sessions closed.
package syncsrv

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/metrics"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/hub"
	"github.com/dialnexa/account/sync/wire"
)

// Default per-socket message rate: a client sends a heartbeat every 15
// seconds and one push at a time, so this leaves ample room.
const (
	msgRate  = 20
	msgBurst = 40
)

// Config configures a Server. Accounts is required.
type Config struct {
	Accounts *account.Service
	Log      *slog.Logger
	// Heartbeat is how long a socket may stay silent before it is closed
	// (default 45s).
	Heartbeat time.Duration
	// MessageRate and MessageBurst limit the messages one socket may send
	// (default 20 a second, bursts of 40); a dropped push is answered with
	// rate_limited and when to send it again.
	MessageRate  float64
	MessageBurst int
	// MinProtocolVersion is the oldest sync protocol served (default
	// wire.MinProtocolVersion).
	MinProtocolVersion int
	// OriginPatterns are the hosts besides the request's own whose pages
	// may open a socket (the public origin's, behind a proxy that sets its
	// own Host).
	OriginPatterns []string
	// Metrics records messages and the latencies of the live paths (nil:
	// none).
	Metrics *metrics.Metrics
	// Release is the desktop app's current release, announced in every
	// welcome (nil: none).
	Release *wire.Release
	// Clock times the sockets: heartbeats and message limits (default the
	// real one). It is not the domain's clock: a test moves days of the
	// account's time without silencing every socket, and a socket's
	// timing without moving the account's.
	Clock clockwork.Clock
}

// Server serves sync sockets. Create it with New; it is safe for
// concurrent use.
type Server struct {
	cfg      Config
	accounts *account.Service
	hub      *hub.Hub
	log      *slog.Logger

	// pushing is, per account, 1 while a view push runs and 2 when another
	// must follow it (see pushView).
	pushMu  sync.Mutex
	pushing map[string]int
	// stacks runs the sockets' work (see stacks.go).
	stacks *stacks

	// life ends when the server closes: sockets stop reading. lifeMu
	// guards closing and the Adds of bg, the goroutines Close waits for
	// (sockets and view pushes).
	life     context.Context
	stopLife context.CancelFunc
	lifeMu   sync.RWMutex
	closing  bool
	bg       sync.WaitGroup
}

// New returns a sync server for cfg.Accounts.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
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
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	s := &Server{cfg: cfg, accounts: cfg.Accounts, hub: hub.New(cfg.Log), log: cfg.Log, pushing: map[string]int{}, stacks: newStacks()}
	s.life, s.stopLife = context.WithCancel(context.Background())
	return s
}

// Count returns the number of connected sockets.
func (s *Server) Count() int { return s.hub.Count() }

// Close disconnects every socket with status 1012 (service restart) and
// waits for the goroutines serving them and pushing views to end. Sockets
// upgraded after Close are closed at once.
func (s *Server) Close() {
	s.lifeMu.Lock()
	s.closing = true
	s.lifeMu.Unlock()
	s.hub.CloseAll(1012, "server restarting")
	s.stopLife()
	s.bg.Wait()
	s.stacks.stop()
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

// Apply carries out committed effects on this node's sockets: revocations
// first, so a revoked socket is sent nothing more, then views (each
// account once) and events.
func (s *Server) Apply(fx *account.Effects) {
	start := time.Now()
	for _, r := range fx.Accounts {
		s.sent(wire.TypeRevoked, s.hub.RevokeAccountThen(r.ID, r.Reason, s.since(start, s.cfg.Metrics.Revoked)))
	}
	for _, r := range fx.Sessions {
		s.sent(wire.TypeRevoked, s.hub.RevokeSessionThen(r.ID, r.Reason, s.since(start, s.cfg.Metrics.Revoked)))
	}
	seen := map[string]bool{}
	for _, id := range fx.Views {
		if !seen[id] {
			seen[id] = true
			s.pushView(id)
		}
	}
	for _, d := range fx.Events {
		s.sendEvent(start, d.AccountID, d.Event)
	}
}

// sendEvent sends an event to the account's sockets here, timing the
// fan-out from start.
func (s *Server) sendEvent(start time.Time, accountID string, e store.Event) {
	n := s.hub.SendAccountThen(accountID, wire.Event{Seq: e.Seq, Kind: e.Kind, Payload: e.Payload}, s.since(start, s.cfg.Metrics.FannedOut))
	s.sent(wire.TypeEvent, n)
}

// since returns a callback that reports the time since start to observe,
// or nil without metrics.
func (s *Server) since(start time.Time, observe func(time.Duration)) func() {
	if s.cfg.Metrics == nil {
		return nil
	}
	return func() { observe(time.Since(start)) }
}

// sent counts n messages of a type sent.
func (s *Server) sent(typ string, n int) { s.cfg.Metrics.Messages("out", typ, n) }

// pushView sends the account's current view to all its connected clients,
// soon and without waiting: as a patch against the version a client holds
// when this node sent that version and the client takes patches. Pushes
// for one account are coalesced: while one is being built, any number of
// further changes cause one more push, which reads the state after all of
// them. Views carry their version, so clients ignore one older than what
// they have.
func (s *Server) pushView(accountID string) {
	s.pushMu.Lock()
	state := s.pushing[accountID]
	if state == 0 {
		s.pushing[accountID] = 1
	} else {
		s.pushing[accountID] = 2 // run again after the current one
	}
	s.pushMu.Unlock()
	// The view is built and encoded on a worker's grown stack (stacks): a
	// goroutine of its own would grow a fresh stack through the view's
	// building for every account pushed to.
	if state == 0 && !s.spawn(func() { s.stacks.run(func() bool { s.pushLoop(accountID); return true }) }) {
		s.pushMu.Lock()
		delete(s.pushing, accountID) // closing: nobody is left to push to
		s.pushMu.Unlock()
	}
}

func (s *Server) pushLoop(accountID string) {
	for {
		if s.hub.Connected(accountID) {
			start := time.Now()
			msg, err := s.viewMessage(s.life, accountID)
			if err == nil {
				f := newViewFor(s, accountID, msg)
				s.sent(wire.TypeView, s.hub.SendAccountEach(accountID, f.encode, s.since(start, s.cfg.Metrics.Pushed)))
				s.hub.RememberView(accountID, *f.held, msg.View)
			} else if !errors.Is(err, store.ErrNotFound) {
				s.log.Error("build view to push", "account", accountID, "err", err)
			}
		}
		s.pushMu.Lock()
		if s.pushing[accountID] == 2 {
			s.pushing[accountID] = 1
			s.pushMu.Unlock()
			continue
		}
		delete(s.pushing, accountID)
		s.pushMu.Unlock()
		return
	}
}

// viewMessage reads the account's current view as the view message.
func (s *Server) viewMessage(ctx context.Context, accountID string) (wire.View, error) {
	b, version, err := s.accounts.ViewJSON(ctx, accountID)
	return wire.View{Version: version, View: b}, err
}
