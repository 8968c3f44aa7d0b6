// Command server is the DialNexa Account sync server. With no flags it runs
// on its embedded default: one bbolt file under ./data, listening on
// 127.0.0.1:8080, serving the browser panel from ./build/panel, and writing
// mails as .eml files under ./data/mail.
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
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"syscall"
	"time"

	"github.com/dialnexa/account/server/internal/bus"
	"github.com/dialnexa/account/server/internal/mail"
	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/server/internal/store"
)

func main() {
	var err error
	if len(os.Args) > 1 && os.Args[1] == "admin" {
		err = admin(os.Args[2:])
	} else {
		err = run(os.Args[1:])
	}
	if errors.Is(err, flag.ErrHelp) {
		return // -h: the usage was asked for and printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := fs.String("addr", envOr("DIALNEXA_ADDR", "127.0.0.1:8080"), "listen address")
	data := fs.String("data", envOr("DIALNEXA_DATA", "data"), "data directory (holds the bbolt store unless -store is set, mail files and the service token)")
	dbURL := fs.String("store", os.Getenv("DIALNEXA_DATABASE_URL"), "PostgreSQL database (postgres://user:password@host:5432/db) instead of the bbolt store in -data")
	panel := fs.String("panel", envOr("DIALNEXA_PANEL", "build/panel"), "directory of the built browser panel")
	origin := fs.String("public-origin", os.Getenv("DIALNEXA_PUBLIC_ORIGIN"), "where users reach the server, for links in mails (default http://ADDR)")
	smtpAddr := fs.String("smtp", os.Getenv("DIALNEXA_SMTP"), "SMTP server host:port for mail (default: write .eml files under DATA/mail)")
	smtpUser := fs.String("smtp-user", os.Getenv("DIALNEXA_SMTP_USER"), "SMTP user name (the password is read from DIALNEXA_SMTP_PASSWORD)")
	smtpInsecure := fs.Bool("smtp-insecure", false, "allow an SMTP server without TLS (a relay on loopback)")
	from := fs.String("mail-from", envOr("DIALNEXA_MAIL_FROM", "DialNexa <no-reply@dialnexa.com>"), "sender of the mails")
	geo := fs.String("geoip", os.Getenv("DIALNEXA_GEOIP"), "optional MaxMind GeoLite2/GeoIP2 City database for session locations")
	msgRate := fs.Float64("message-rate", 20, "messages a second one sync socket may send (bursts of -message-burst); the rest are dropped and the client told when to retry")
	msgBurst := fs.Int("message-burst", 40, "burst of messages one sync socket may send")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	st, where, err := openStore(*dbURL, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := os.Stat(filepath.Join(*panel, "panel.wasm")); err != nil {
		log.Warn("browser panel not built; / explains how", "dir", *panel)
		*panel = ""
	}
	if *origin == "" {
		*origin = "http://" + *addr
	}
	var transport mail.Transport = &mail.Files{Dir: filepath.Join(*data, "mail"), From: *from, Log: log}
	if *smtpAddr != "" {
		host, port, err := net.SplitHostPort(*smtpAddr)
		if err != nil {
			return fmt.Errorf("-smtp %q: want host:port", *smtpAddr)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return fmt.Errorf("-smtp %q: bad port", *smtpAddr)
		}
		transport = &mail.SMTP{Host: host, Port: p, Username: *smtpUser, Password: os.Getenv("DIALNEXA_SMTP_PASSWORD"), Insecure: *smtpInsecure, From: *from}
	}
	token, err := serviceToken(*data)
	if err != nil {
		return err
	}
	var peers bus.Bus = bus.Local{}
	if *dbURL != "" {
		// Other nodes may share the database: changes are announced to
		// them, and theirs heard.
		peers = bus.NewPostgres(*dbURL, rand.Text(), log)
	}
	srv, err := node.New(node.Config{Store: st, Bus: peers, Log: log, PanelDir: *panel, PublicOrigin: *origin, Mail: transport, GeoIP: *geo, ServiceToken: token,
		MessageRate: *msgRate, MessageBurst: *msgBurst})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	log.Info("DialNexa Account server ready", "url", "http://"+ln.Addr().String()+"/", "store", where, "public_origin", *origin)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var bg gosync.WaitGroup
	bg.Go(func() { srv.Run(ctx) })
	errc := make(chan error, 1)
	bg.Go(func() { errc <- hs.Serve(ln) })
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	// Stop the background work, drain the sockets (1012: clients come
	// back with backoff), finish the requests in flight, then wait for
	// every goroutine.
	stop()
	srv.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	bg.Wait()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}

// openStore opens the PostgreSQL store at dbURL, or the bbolt store in
// dir when dbURL is empty, and says which (without a password).
func openStore(dbURL, dir string) (store.Store, string, error) {
	if dbURL == "" {
		st, err := store.OpenBolt(dir)
		return st, filepath.Join(dir, "dialnexa.db"), err
	}
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, "", fmt.Errorf("-store %q: want a PostgreSQL address, postgres://user:password@host:5432/database", redact(dbURL))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.OpenPostgres(ctx, dbURL)
	return st, u.Redacted(), err
}

// redact hides what may be a password in a malformed address.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(unreadable address)"
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

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
