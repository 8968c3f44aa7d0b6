package node

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/pprof"
	"runtime/trace"
	"time"

	"github.com/dialnexa/account/server/internal/buildinfo"
	"github.com/dialnexa/account/server/internal/store"
)

// Ready reports whether the node can serve: its store answers (the
// PostgreSQL database, when that is the store) and the browser panel is
// there to serve.
func (n *Server) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	err := n.store.View(ctx, func(tx store.Tx) error {
		_, err := tx.Account("readiness-probe")
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return errors.New("the store does not answer: " + err.Error())
	}
	if !n.panel {
		return errors.New("the browser panel is not built")
	}
	return nil
}

// readyz answers 200 when the node is ready, 503 with the reason when not.
func (n *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err := n.Ready(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "not ready", "reason": err.Error()})
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"status": "ready"})
}

// version answers the running build.
func version(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(buildinfo.Read())
}

// AdminHandler serves what operators watch, on a listener of its own
// (-admin-addr, not exposed to users): /metrics (Prometheus), /debug/pprof/,
// /readyz, /healthz and /version; with a flight recorder (fr, nil: none),
// /debug/flightrecorder gives the execution trace of its last seconds (go
// tool trace reads it).
func (n *Server) AdminHandler(fr *trace.FlightRecorder) http.Handler {
	mux := http.NewServeMux()
	if fr != nil {
		mux.HandleFunc("GET /debug/flightrecorder", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Disposition", `attachment; filename="flight.trace"`)
			if _, err := fr.WriteTo(w); err != nil {
				n.log.Warn("flight recorder", "err", err)
			}
		})
	}
	if n.metrics != nil {
		mux.Handle("GET /metrics", n.metrics.Handler())
	}
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /readyz", n.readyz)
	mux.HandleFunc("GET /healthz", n.http.Healthz)
	mux.HandleFunc("GET /version", version)
	return mux
}
