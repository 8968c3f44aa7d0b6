// Command server is the DialNexa Account sync server. With no flags it runs
// on its embedded default: one bbolt file under ./data, listening on
// 127.0.0.1:8080, serving the browser panel, and writing mails as .eml
// files under ./data/mail.
//
//	server [flags]              run the server
//	server admin COMMAND ...    operator commands (see "server admin -h")
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/trace"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dialnexa/account/server/internal/admin"
	"github.com/dialnexa/account/server/internal/buildinfo"
	"github.com/dialnexa/account/server/internal/bus"
	"github.com/dialnexa/account/server/internal/metrics"
	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/server/internal/panel"
	"github.com/dialnexa/account/server/internal/store"
)

func main() {
	var err error
	if len(os.Args) > 1 && os.Args[1] == "admin" {
		err = admin.Run(os.Args[2:])
	} else {
		err = run(os.Args[1:])
	}
	if errors.Is(err, flag.ErrHelp) {
		return // -h: the usage was asked for and printed
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", progName(), err)
		os.Exit(1)
	}
}

func run(args []string) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	if c.version {
		fmt.Println(buildinfo.Read())
		return nil
	}
	log, err := c.logger(os.Stderr)
	if err != nil {
		return err
	}
	// Libraries that log to the default logger (the OpenID Connect
	// provider's refusals) log as the server does.
	slog.SetDefault(log)
	gcPercent := tuneGC(os.Getenv)
	proxies, err := c.trusted()
	if err != nil {
		return err
	}
	transport, err := c.mailer(log)
	if err != nil {
		return err
	}
	var cert *certificate
	if c.tlsCert != "" {
		if cert, err = loadCertificate(c.tlsCert, c.tlsKey, log); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(c.data, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	st, where, err := openStore(c.dbURL, c.data)
	if err != nil {
		return err
	}
	defer st.Close()
	files, from := panelFiles(c.panel)
	if files == nil {
		log.Warn("browser panel not built; / explains how, and /readyz answers 503", "dir", from)
	}
	token, err := serviceToken(c.data)
	if err != nil {
		return err
	}
	var peers bus.Bus = bus.Local{}
	if c.dbURL != "" {
		// Other nodes may share the database: changes are announced to
		// them, and theirs heard.
		peers = bus.NewPostgres(c.dbURL, rand.Text(), log)
	}
	m := metrics.New()
	srv, err := node.New(node.Config{Store: st, Bus: peers, Log: log, Metrics: m, Panel: files,
		PublicOrigin: c.origin, DashboardOrigin: c.dashboard, Proxies: proxies, Mail: transport, GeoIP: c.geo, ServiceToken: token,
		MessageRate: c.msgRate, MessageBurst: c.msgBurst, DesktopRelease: c.desktopRelease()})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	scheme := "http://"
	if cert != nil {
		scheme = "https://"
	}
	servers := []*http.Server{publicServer(srv.Handler(), log)}
	listeners := []net.Listener{ln}
	if cert != nil {
		servers[0].TLSConfig = cert.config()
	}
	var fr *trace.FlightRecorder
	if c.flight && c.adminAddr != "" {
		fr = trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 10 * time.Second})
		if err := fr.Start(); err != nil {
			return fmt.Errorf("-flight-recorder: %w", err)
		}
		defer fr.Stop()
	}
	if c.adminAddr != "" {
		aln, err := net.Listen("tcp", c.adminAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("-admin-addr: %w", err)
		}
		servers = append(servers, &http.Server{Handler: srv.AdminHandler(fr), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute})
		listeners = append(listeners, aln)
		log.Info("operator endpoints ready", "url", "http://"+aln.Addr().String()+"/metrics")
	}
	log.Info("DialNexa Account server ready", "url", scheme+ln.Addr().String()+"/", "version", buildinfo.Version, "panel", from,
		"store", where, "public_origin", c.origin, "trusted_proxies", c.proxies, "gc_percent", gcPercent)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var bg sync.WaitGroup
	bg.Go(func() { srv.Run(ctx) })
	errc := make(chan error, len(servers))
	for i, hs := range servers {
		if hs.TLSConfig != nil {
			bg.Go(func() { errc <- hs.ServeTLS(listeners[i], "", "") }) // HTTP/2 as well
		} else {
			bg.Go(func() { errc <- hs.Serve(listeners[i]) })
		}
	}
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
		log.Info("shutting down: closing sync sockets (1012) and finishing requests")
	}
	// Stop the background work; stop listening and finish the requests
	// in flight; then drain the sockets (1012: clients come back with
	// backoff — to the next server, not to this one still listening);
	// then wait for every goroutine.
	stop()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, hs := range servers {
		if e := hs.Shutdown(sctx); errors.Is(e, context.DeadlineExceeded) {
			hs.Close()
		} else if e != nil && err == nil {
			err = e
		}
	}
	srv.Close()
	bg.Wait()
	log.Info("stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}

// publicServer is the HTTP server users reach. Timeouts: a client gets
// 10 s for its headers and 30 s for its whole request (an unfinished body
// is not held longer); the panel's module and a picture download get 2
// minutes; an idle keep-alive connection is closed after 2 minutes.
// Upgraded sync sockets are past all of them (their heartbeat closes a
// silent one).
func publicServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}

// panelFiles finds the browser panel: -panel's directory when given, else
// the copy built into the binary, else build/panel. It says where it
// looked; nil files when no panel is there.
func panelFiles(dir string) (fs.FS, string) {
	if dir == "" {
		if files := panel.Embedded(); files != nil {
			return files, "built in"
		}
		dir = "build/panel"
	}
	files := os.DirFS(dir)
	if !panel.Built(files) {
		return nil, dir
	}
	return files, dir
}

// openStore opens the PostgreSQL store at dbURL, or the bbolt store in
// dir when dbURL is empty, and says which (without a password).
func openStore(dbURL, dir string) (store.Store, string, error) {
	if dbURL == "" {
		st, err := store.OpenBolt(dir)
		return st, filepath.Join(dir, "dialnexa.db"), err
	}
	scheme, _, _ := strings.Cut(dbURL, "://")
	if scheme != "postgres" && scheme != "postgresql" {
		return nil, "", fmt.Errorf("-store %q: want a PostgreSQL address, postgres://user:password@host:5432/database", store.Redact(dbURL))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.OpenPostgres(ctx, dbURL)
	return st, store.Redact(dbURL), err
}

// serviceToken reads the token operators and other services use on the
// internal endpoints from DATA/service.token, creating it on first start
// (readable only by the server's user).
func serviceToken(data string) (string, error) {
	// Surrounding spaces and newlines are no part of a token (an editor or
	// `echo` adds a newline; the admin command trims it too).
	if t := strings.TrimSpace(os.Getenv("DIALNEXA_SERVICE_TOKEN")); t != "" {
		return t, nil
	}
	path := filepath.Join(data, "service.token")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	t := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(t), 0o600); err != nil {
		return "", fmt.Errorf("write service token: %w", err)
	}
	return t, nil
}
