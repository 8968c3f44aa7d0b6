// Command server is the DialNexa Account sync server. With no flags it runs
// on its embedded default: one bbolt file under ./data, listening on
// 127.0.0.1:8080, serving the browser panel from ./build/panel.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dialnexa/account/server/internal/api"
	"github.com/dialnexa/account/server/internal/store"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := fs.String("addr", envOr("DIALNEXA_ADDR", "127.0.0.1:8080"), "listen address")
	data := fs.String("data", envOr("DIALNEXA_DATA", "data"), "data directory (holds the bbolt store)")
	panel := fs.String("panel", envOr("DIALNEXA_PANEL", "build/panel"), "directory of the built browser panel")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	st, err := store.OpenBolt(*data)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := os.Stat(*panel); err != nil {
		log.Warn("browser panel not built; / explains how", "dir", *panel)
		*panel = ""
	}
	srv, err := api.New(api.Config{Store: st, Log: log, PanelDir: *panel})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	log.Info("DialNexa Account server ready", "url", "http://"+ln.Addr().String()+"/", "data", *data)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	srv.CloseSockets()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
