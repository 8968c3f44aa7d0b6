package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/server/internal/bus"
	"github.com/dialnexa/account/server/internal/mail"
	"github.com/dialnexa/account/server/internal/metrics"
	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/server/internal/store"
)

// testServer is a real sync server on a fixed loopback address that can be
// stopped and started again on the same address and data directory.
type testServer struct {
	t     testing.TB
	dir   string
	addr  string
	st    dumpStore
	dbURL string // the PostgreSQL database, when the suite runs on PostgreSQL
	api   *node.Server
	hs    *http.Server
	clock *clock
	panel string
	inbox *inbox
	// token is the service token of the internal endpoints.
	token  string
	cancel context.CancelFunc
	// bg runs the server's background work and its HTTP server.
	bg sync.WaitGroup
	// tune, if set, adjusts the server's configuration at every start.
	tune func(*node.Config)
	// metrics are the running node's; resyncsSent counts the requests for
	// a whole view a test sent on purpose (not a patch that did not fit).
	metrics     *metrics.Metrics
	resyncsSent float64
}

// clock is the injected clock: it stands still unless a test advances it,
// so every expiry is tested exactly.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func startServer(t testing.TB) *testServer {
	t.Helper()
	return startServerWithPanel(t, "")
}

func startServerWithPanel(t testing.TB, panel string) *testServer {
	t.Helper()
	return startServerTuned(t, panel, nil)
}

// startServerTuned starts a server whose configuration tune adjusts.
func startServerTuned(t testing.TB, panel string, tune func(*node.Config)) *testServer {
	t.Helper()
	return startServerAt(t, "127.0.0.1:0", panel, tune)
}

// startServerAt starts a server listening on addr.
func startServerAt(t testing.TB, addr, panel string, tune func(*node.Config)) *testServer {
	t.Helper()
	ts := &testServer{t: t, dir: t.TempDir(), addr: addr, clock: newClock(), panel: panel, inbox: startInbox(t), token: "test-service-token-0123456789abcdef", tune: tune}
	ts.start()
	t.Cleanup(ts.stop)
	return ts
}

// dumpStore is a store whose every record tests can read raw.
type dumpStore interface {
	store.Store
	Dump(fn func(table, key, value []byte)) error
}

// openStore opens the server's store: the bbolt file in ts.dir, or with
// DIALNEXA_TEST_STORE=postgres a database of its own in the run's private
// PostgreSQL cluster (the same one again after a restart).
func (ts *testServer) openStore() (dumpStore, error) {
	if pgCluster == nil {
		return store.OpenBolt(ts.dir)
	}
	if ts.dbURL == "" {
		ts.dbURL = pgCluster.NewDatabase(ts.t)
	}
	return store.OpenPostgres(context.Background(), ts.dbURL)
}

// storeArgs are the server binary's flags for a store in dir: the bbolt
// file there, or on PostgreSQL a new database of the run's cluster.
func storeArgs(t testing.TB, dir string) []string {
	args, err := serverStoreArgs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return args
}

func serverStoreArgs(dir string) ([]string, error) {
	if pgCluster == nil {
		return []string{"-data", dir}, nil
	}
	url, err := pgCluster.CreateDatabase()
	return []string{"-data", dir, "-store", url}, err
}

// reopenStore opens what the server binary stored with args.
func reopenStore(t testing.TB, args []string) dumpStore {
	t.Helper()
	var st dumpStore
	var err error
	if len(args) == 4 {
		st, err = store.OpenPostgres(context.Background(), args[3])
	} else {
		st, err = store.OpenBolt(args[1])
	}
	if err != nil {
		t.Fatalf("reopen the store: %v", err)
	}
	return st
}

func (ts *testServer) start() {
	t := ts.t
	t.Helper()
	st, err := ts.openStore()
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(ts.inbox.addr)
	p, _ := strconv.Atoi(port)
	// Every level is logged, to be searched for secrets at the end.
	log := slog.New(slog.NewJSONHandler(secrets, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := node.Config{
		Store: st, Now: ts.clock.Now, Log: log, PanelDir: ts.panel, Heartbeat: 5 * time.Second,
		PublicOrigin: "https://account.dialnexa.test", ServiceToken: ts.token, MailPoll: 100 * time.Millisecond,
		Mail: &mail.SMTP{Host: host, Port: p, Security: mail.Plain, From: "DialNexa <no-reply@dialnexa.test>"},
	}
	if ts.dbURL != "" {
		// As in production: changes are announced on the database's bus.
		cfg.Bus = bus.NewPostgres(ts.dbURL, rand.Text(), log)
	}
	if ts.tune != nil {
		ts.tune(&cfg)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	ts.metrics = cfg.Metrics
	srv, err := node.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts.cancel = cancel
	ts.bg.Go(func() { srv.Run(ctx) })
	var ln net.Listener
	for i := 0; ; i++ {
		ln, err = net.Listen("tcp", ts.addr)
		if err == nil || i > 50 {
			break
		}
		time.Sleep(100 * time.Millisecond) // the old socket may linger briefly
	}
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = ln.Addr().String()
	ts.st, ts.api = st, srv
	ts.hs = &http.Server{Handler: secrets.record(srv.Handler())}
	hs := ts.hs
	ts.bg.Go(func() { hs.Serve(ln) })
}

func (ts *testServer) stop() {
	if ts.hs == nil {
		return
	}
	ts.cancel()
	ts.api.Close()
	ts.hs.Close()
	ts.bg.Wait()
	ts.st.Close()
	ts.hs = nil
	wholeViewsAsked.record(ts.t, ts.metrics.MessageCount("in", "resync")-ts.resyncsSent)
	ts.resyncsSent = 0
}

// wholeViewsAsked counts, over the run, the clients' requests for a whole
// view after a view patch did not fit what they held: the suite fails on
// any (a patch is always made against exactly what a client holds).
var wholeViewsAsked patchMisses

type patchMisses struct {
	mu    sync.Mutex
	tests []string
}

func (p *patchMisses) record(t testing.TB, n float64) {
	if n <= 0 {
		return
	}
	p.mu.Lock()
	p.tests = append(p.tests, fmt.Sprintf("%s (%v)", t.Name(), n))
	p.mu.Unlock()
}

func (ts *testServer) url() string { return "http://" + ts.addr }

// testClient is a desktop client with its own bbolt store.
type testClient struct {
	*core.Client
	store  *core.BoltStore
	path   string
	cancel context.CancelFunc
	done   chan struct{}
}

func newClient(t testing.TB, ts *testServer) *testClient {
	t.Helper()
	path := filepath.Join(t.TempDir(), "client.db")
	return openClient(t, ts, path)
}

func openClient(t testing.TB, ts *testServer, path string, tune ...func(*core.Config)) *testClient {
	t.Helper()
	return openClientAt(t, ts.url(), path, tune...)
}

// openClientAt opens a desktop client of the server at url on the store
// file at path; tune, if any, changes its configuration first.
func openClientAt(t testing.TB, url, path string, tune ...func(*core.Config)) *testClient {
	t.Helper()
	st, err := core.OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := core.Config{Server: url, Store: st, Desktop: true, Heartbeat: time.Second, MaxBackoff: 300 * time.Millisecond}
	for _, f := range tune {
		f(&cfg)
	}
	c, err := core.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tc := &testClient{Client: c, store: st, path: path}
	t.Cleanup(tc.close)
	return tc
}

func (tc *testClient) run() {
	ctx, cancel := context.WithCancel(context.Background())
	tc.cancel, tc.done = cancel, make(chan struct{})
	go func() { defer close(tc.done); tc.Run(ctx) }()
}

func (tc *testClient) close() {
	if tc.cancel != nil {
		tc.cancel()
		<-tc.done
		tc.cancel = nil
	}
	if tc.store != nil {
		tc.store.Close()
		tc.store = nil
	}
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline (a hang guard, not a speed assertion).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const goodPassword = "correct horse 7!"

func signUp(t testing.TB, c *testClient, email, name string) {
	t.Helper()
	if err := c.SignUp(context.Background(), email, goodPassword, name); err != nil {
		t.Fatalf("sign up %s: %v", email, err)
	}
}

func signIn(t testing.TB, c *testClient, email string) {
	t.Helper()
	if err := c.SignIn(context.Background(), email, goodPassword, ""); err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
}

func online(c *testClient) func() bool {
	return func() bool { s := c.Snapshot(); return s.Conn == core.Online && s.Pending == 0 }
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// account reads an account straight from the server's store.
func (ts *testServer) account(email string) (store.Account, error) {
	var a store.Account
	err := ts.st.View(context.Background(), func(tx store.Tx) error {
		var err error
		a, err = tx.AccountByEmail(email)
		return err
	})
	return a, err
}

// session reads a live session straight from the server's store.
func (ts *testServer) session(id string) (store.Session, error) {
	var s store.Session
	err := ts.st.View(context.Background(), func(tx store.Tx) error {
		var err error
		s, err = tx.Session(id)
		return err
	})
	return s, err
}
