// Command load measures the sync server under load, on loopback only. It
// starts the server binary with a fresh data directory, signs in accounts
// with several devices each, holds one websocket per device, and reports:
// memory per connection, fan-out and revocation latency, durable mutation
// throughput, and a reconnect storm after a server restart. Every loop is
// bounded; the tool stops by itself.
//
//	go run ./server/cmd/load -clients 1000 -devices 4
//	go run ./server/cmd/load -clients 10000 -store postgres -nodes 3
//
// With -nodes N, N server processes share the PostgreSQL store and each
// account's devices are spread over them, so fan-out and revocations cross
// nodes.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dialnexa/account/server/internal/store/pgtest"
)

func main() {
	clients := flag.Int("clients", 1000, "websocket clients to hold (devices in all)")
	devices := flag.Int("devices", 4, "devices (sessions) per account")
	samples := flag.Int("samples", 200, "fan-out and revocation samples")
	mutations := flag.Int("mutations", 20000, "mutations for the throughput run")
	bin := flag.String("server-bin", "", "server binary (default: go build ./server)")
	storeFlag := flag.String("store", "bolt", `the server's store: "bolt" (a bbolt file), "postgres" (a private PostgreSQL cluster started for the run, fsync on) or a postgres:// address`)
	seedAccounts := flag.Int("seed", 0, "first write this many accounts straight into the store, then also time a broadcast and the monthly summaries over them (needs -store postgres…)")
	nodes := flag.Int("nodes", 1, "server processes sharing the store (needs -store postgres…); an account's devices are spread over them")
	avatarUploads := flag.Int("avatars", 0, "instead: upload the largest accepted picture this many times at once and report the server's peak memory")
	profiles := flag.String("profiles", "", "write the servers' heap and goroutine profiles into this directory once the sockets are held (after -hold)")
	flag.StringVar(&traceDir, "traces", "", "run the servers with their flight recorder and write its execution trace of the last seconds into this directory after the burst and the revocations (go tool trace reads them)")
	seedSessions := flag.Bool("seed-sessions", false, "write the accounts and sessions straight into the store instead of signing them in (argon2id, about 27 a second here): for runs that measure the sockets")
	flag.IntVar(&protocol, "protocol", protocol, "the sync protocol the devices speak (2: whole views, for comparing)")
	perProcess := flag.Int("per-process", 9000, "sockets per client process: more are held by helper processes (a process may hold at most 20,000 open files here)")
	helperFile := flag.String("helper", "", "internal: run as a helper process holding the devices in this file")
	checkers := flag.Int("checkers", 0, "instead: run this many server/verify checker processes, each caching every session (-clients of them, seeded), and time revocation → refused by every checker over -samples revocations")
	checkerFile := flag.String("checker", "", "internal: run as a checker process with the spec in this file")
	flag.Var(&serverEnv, "server-env", "an environment variable for the servers only, as NAME=VALUE (repeatable): GOGC=100, GOMEMLIMIT=400MiB; the load clients keep their own")
	flag.BoolVar(&eventMail, "event-mail", true, "with -seed-sessions: the accounts keep their default of a mail for each platform-status event (false: in-app only, so the events phase commits no outbox work)")
	hold := flag.Duration("hold", 0, "after connecting, hold the sockets (heartbeating every 15 s, as the apps do) this long, reporting memory per connection every minute: the steady state")
	flag.Parse()
	if *helperFile != "" {
		helperMain(*helperFile)
		return
	}
	if *checkerFile != "" {
		checkerMain(*checkerFile)
		return
	}
	if *checkers > 0 {
		*seedSessions = true
	}
	if *devices < 2 || *clients < *devices {
		log.Fatal("load: need at least 2 devices per account and as many clients as devices")
	}
	if *nodes < 1 || *nodes > 1 && *storeFlag == "bolt" {
		log.Fatal("load: several -nodes share a PostgreSQL store: add -store postgres (or a postgres:// address)")
	}
	raiseFileLimit()
	if *bin == "" {
		*bin = buildServer()
	}
	dir, err := os.MkdirTemp("", "dialnexa-load-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	storeArgs, stopStore := storeFor(*storeFlag)
	defer stopStore()
	if *seedAccounts > 0 {
		if len(storeArgs) != 2 {
			log.Fatal("load: -seed needs -store postgres (or a postgres:// address)")
		}
		seed(storeArgs, dir, *seedAccounts)
	}
	r := &run{profiles: *profiles}
	accounts := *clients / *devices
	if *seedSessions {
		fmt.Printf("seeding %d accounts × %d devices…\n", accounts, *devices)
		r.seedSessions(storeArgs, filepath.Join(dir, "node0"), accounts, *devices)
	}
	for i := range *nodes {
		ndir := filepath.Join(dir, fmt.Sprintf("node%d", i))
		if err := os.MkdirAll(ndir, 0o700); err != nil {
			log.Fatal(err)
		}
		n := startServer(*bin, ndir, storeArgs)
		defer n.stop()
		r.nodes = append(r.nodes, n)
	}
	srv := r.nodes[0]
	r.srv = srv
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if *avatarUploads > 0 {
		if err := avatars(ctx, r, *avatarUploads); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *checkers > 0 {
		r.checkers(ctx, dir, *checkers, *samples)
		r.followerMemory(ctx, 1000)
		return
	}

	t0 := time.Now()
	if !*seedSessions {
		fmt.Printf("signing in %d accounts × %d devices (argon2id for each sign-in)…\n", accounts, *devices)
		if err := r.signIn(ctx, accounts, *devices); err != nil {
			log.Fatal(err)
		}
		took := time.Since(t0)
		fmt.Printf("  %d sessions in %v: %.0f sign-ups and sign-ins per second (argon2id-bound), store %s\n",
			len(r.devs), took.Round(time.Millisecond), float64(len(r.devs))/took.Seconds(), *storeFlag)
		fmt.Printf("  each sign-up or sign-in (8 at a time): %s\n", r.signIns)
	}

	// Fresh server processes for the memory figure: the sign-ins' argon2id
	// work (19 MiB each) would otherwise stay in their heaps.
	var before, after int64
	for _, n := range r.nodes {
		n.stop()
		n.start()
	}
	for _, n := range r.nodes {
		before += n.rss()
	}
	stopHeartbeats := r.startHeartbeats(ctx)
	defer stopHeartbeats()
	t0 = time.Now()
	r.total = len(r.devs)
	stopHelpers := r.spread(ctx, dir, *perProcess, *devices)
	defer stopHelpers()
	cpuBefore := r.cpu()
	if err := r.connectAll(ctx); err != nil {
		log.Fatal(err)
	}
	connecting := r.cpu().since(cpuBefore)
	for _, n := range r.nodes {
		after += n.rss()
	}
	fmt.Printf("\nconnections held: %d over %d node(s) (connected in %v)\n", r.total, len(r.nodes), time.Since(t0).Round(time.Millisecond))
	fmt.Printf("  while this process connected its %d: %s\n", len(r.devs), connecting)
	fmt.Printf("each connect → welcome (64 at a time): %s\n", r.welcomes)
	fmt.Printf("server resident memory (all nodes): %.1f MB before, %.1f MB after → %.1f KB per connection\n",
		float64(before)/1e6, float64(after)/1e6, float64(after-before)/float64(r.total)/1024)
	r.breakdown()
	r.holdSteady(ctx, *hold, before)
	if *profiles != "" {
		if err := r.saveProfiles(*profiles); err != nil {
			log.Fatal(err)
		}
	}

	fmt.Printf("received while connecting: %s\n", &received)
	received.reset()
	stopProfile := r.profileCPU("fanout", 5*time.Second)
	var pushes map[string]time.Duration
	r.serverSide("dialnexa_sync_push_seconds", "view pushes", func() {
		var fan latencies
		fan, pushes = r.fanOut(ctx, *samples)
		fmt.Printf("\nfan-out (change on one device → all its account's other devices): %s\n", fan)
		fmt.Printf("received during the fan-out samples: %s\n", &received)
	})
	stopProfile()
	for _, path := range r.saveTraces("fanout") {
		printAttribution(path, "push", pushes)
	}

	var ev map[string]time.Duration
	r.serverSide("dialnexa_sync_push_seconds", "view pushes", func() {
		var l latencies
		l, ev = r.serviceEvents(ctx, *samples)
		fmt.Printf("\nservice event (POST /internal/v1/events → the view with its notification on all the account's devices): %s\n", l)
	})
	for _, path := range r.saveTraces("events") {
		printAttribution(path, "event", ev)
	}

	stopProfile = r.profileCPU("everyone", 3*time.Second)
	r.serverSide("dialnexa_sync_push_seconds", "view pushes", func() {
		before := r.cpu()
		every, took, missed := r.allAtOnce(ctx)
		fmt.Printf("\none change on every account at once (%d accounts in this process): all on every other device in %v, %d missed; per account: %s\n",
			len(every)+missed, took.Round(time.Millisecond), missed, every)
		fmt.Printf("  meanwhile %s\n", r.cpu().since(before))
	})
	r.saveTraces("burst")
	stopProfile()

	thr, n := r.throughput(ctx, *mutations, 1)
	fmt.Printf("\ndurable mutations, one per push (live edits): %d applied and acknowledged at %.0f per second (fsync on, group commit)\n", n, thr)
	thr, n = r.throughput(ctx, *mutations*5, 100)
	fmt.Printf("durable mutations, queued and flushed (up to 100 per push): %d applied and acknowledged at %.0f per second\n", n, thr)

	var rev revocationTimes
	r.serverSide("dialnexa_sync_revocation_seconds", "revocations", func() {
		rev = r.revocations(ctx, *samples)
		fmt.Printf("\nrevocation, %d connected: DELETE → the revoked socket closed (the thief's window): %s\n", r.total, rev.closed)
		fmt.Printf("  DELETE → answered (committed): %s\n", rev.answered)
		fmt.Printf("  DELETE → the revoked device, reconnecting at once, refused: %s\n", rev.refused)
	})
	for _, path := range r.saveTraces("revocations") {
		printAttribution(path, "revocation", rev.windows)
	}

	if *seedAccounts > 0 {
		took, lat := r.timeBroadcast(ctx)
		fmt.Printf("\nbroadcast to every account (%d) as a job: done in %v; GET /v1/me meanwhile: %s\n", *seedAccounts+r.total/(*devices), took.Round(time.Millisecond), lat)
		took, lat = r.timeSummaries(ctx, storeArgs)
		fmt.Printf("monthly summaries (%d accounts due) as a job: done in %v; GET /v1/me meanwhile: %s\n", *seedAccounts, took.Round(time.Millisecond), lat)
	}

	received.reset()
	storm, lost := r.reconnectStorm(ctx)
	fmt.Printf("\nreconnect storm: %d clients resynced in %v after the restart; pending changes lost: %d\n", r.live(), storm.Round(time.Millisecond), lost)
	if lost > 0 {
		os.Exit(1)
	}
}

// storeFor returns the server's store flags for -store, and what stops a
// cluster started for the run.
func storeFor(flagValue string) ([]string, func()) {
	switch {
	case flagValue == "bolt":
		return nil, func() {}
	case flagValue == "postgres":
		c, err := pgtest.StartWith(pgtest.Options{Durable: true})
		if err != nil {
			log.Fatal(err)
		}
		url, err := c.CreateDatabase()
		if err != nil {
			c.Stop()
			log.Fatal(err)
		}
		return []string{"-store", url}, func() { c.Stop() }
	case strings.HasPrefix(flagValue, "postgres://"), strings.HasPrefix(flagValue, "postgresql://"):
		return []string{"-store", flagValue}, func() {}
	}
	log.Fatalf("load: -store %q: want bolt, postgres or a postgres:// address", flagValue)
	return nil, nil
}

func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil {
		l.Cur = l.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

func buildServer() string {
	out := filepath.Join(os.TempDir(), "dialnexa-load-server")
	cmd := exec.Command("go", "build", "-o", out, "./server")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("load: build the server (run from the project root): %v", err)
	}
	return out
}

// eventMail is -event-mail.
var eventMail = true

// serverEnv holds -server-env: variables set for the server processes
// only, so a GOGC under test does not also tune the load clients.
var serverEnv envList

type envList []string

func (e *envList) String() string { return strings.Join(*e, " ") }

func (e *envList) Set(v string) error {
	if name, _, ok := strings.Cut(v, "="); !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	*e = append(*e, v)
	return nil
}

// server is the server process under test.
type server struct {
	bin, dir, addr, token string
	admin                 string // the admin listener: metrics, pprof
	storeArgs             []string
	cmd                   *exec.Cmd
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startServer(bin, dir string, storeArgs []string) *server {
	s := &server{bin: bin, dir: dir, addr: freePort(), admin: freePort(), token: "load-service-token-0123456789abcdef", storeArgs: storeArgs}
	s.start()
	return s
}

func (s *server) start() {
	s.cmd = exec.Command(s.bin, append([]string{"-addr", s.addr, "-admin-addr", s.admin, "-data", s.dir, "-panel", ""}, s.storeArgs...)...)
	s.cmd.Env = append(os.Environ(), "DIALNEXA_SERVICE_TOKEN="+s.token)
	s.cmd.Env = append(s.cmd.Env, serverEnv...)
	if traceDir != "" {
		s.cmd.Env = append(s.cmd.Env, "DIALNEXA_FLIGHT_RECORDER=true")
	}
	logf, _ := os.Create(filepath.Join(s.dir, "server.log"))
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		log.Fatal(err)
	}
	for range 200 {
		if c, err := net.Dial("tcp", s.addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log.Fatal("load: the server did not start; see its log in the data directory")
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
	}
}

// rss returns the server's resident memory in bytes, after a GC settles.
func (s *server) rss() int64 {
	time.Sleep(2 * time.Second)
	return s.status("VmRSS:")
}

// holdSteady keeps the sockets open and heartbeating for d, printing the
// servers' memory per connection after each minute (and at the end).
func (r *run) holdSteady(ctx context.Context, d time.Duration, before int64) {
	if d <= 0 {
		return
	}
	start := time.Now()
	for elapsed := time.Duration(0); elapsed < d; {
		step := min(time.Minute, d-elapsed)
		select {
		case <-ctx.Done():
			return
		case <-time.After(step):
		}
		elapsed = time.Since(start).Round(time.Second)
		var now int64
		for _, n := range r.nodes {
			now += n.rss()
		}
		fmt.Printf("steady state after %v of heartbeats: %.1f MB → %.1f KB per connection\n",
			elapsed, float64(now)/1e6, float64(now-before)/float64(r.total)/1024)
		r.breakdown()
	}
}
