package httpapi

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"regexp"
	"time"
)

// request is what the server learns about one request while serving it,
// for its log line and metrics.
type request struct {
	id       string
	clientIP string
	account  string
}

type requestKey struct{}

// requestOf returns what is known about r (never nil inside Handler).
func requestOf(r *http.Request) *request {
	if q, ok := r.Context().Value(requestKey{}).(*request); ok {
		return q
	}
	return &request{clientIP: peerIP(r)}
}

// noteAccount records the account r acts for, for its log line.
func noteAccount(r *http.Request, id string) { requestOf(r).account = id }

// requestIDs are accepted from a trusted proxy when they look like one.
var requestIDs = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// observe gives each request an id (X-Request-Id, kept from a trusted
// proxy), its client address, and one log line when it is answered: id,
// method, route pattern, status, duration, client and account. Health
// checks are logged at debug level.
func (s *Server) observe(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ip, proxied := s.cfg.Proxies.client(r)
		q := &request{clientIP: ip}
		if id := r.Header.Get("X-Request-Id"); id != "" && proxied && requestIDs.MatchString(id) {
			q.id = id
		} else {
			q.id = rand.Text()[:16]
		}
		w.Header().Set("X-Request-Id", q.id)
		r = r.WithContext(context.WithValue(r.Context(), requestKey{}, q))
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)

		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		route := r.Pattern // set by the mux on this same request
		if route == "" {
			route = "unmatched"
		}
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			level = slog.LevelDebug
		}
		took := time.Since(start)
		attrs := []slog.Attr{
			slog.String("request_id", q.id), slog.String("method", r.Method), slog.String("route", route),
			slog.Int("status", status), slog.Duration("duration", took), slog.String("client", q.clientIP),
		}
		if q.account != "" {
			attrs = append(attrs, slog.String("account", q.account))
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
		s.cfg.Metrics.Request(route, r.Method, status, took)
	})
}

// recorder remembers the status a handler answered with. Unwrap lets
// http.ResponseController and the websocket upgrade reach the connection.
type recorder struct {
	http.ResponseWriter
	status int
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
