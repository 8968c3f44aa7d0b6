package verify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/dialnexa/account/sync/wire"
)

type contextKey struct{}

// FromContext returns the session Middleware put in a request's context.
func FromContext(ctx context.Context) (Session, bool) {
	s, ok := ctx.Value(contextKey{}).(Session)
	return s, ok
}

// Credential is what a request carries: its bearer token, or the account
// panel's session cookie.
func Credential(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		t, _ := strings.CutPrefix(h, "Bearer ")
		return strings.TrimSpace(t)
	}
	for _, name := range []string{"__Host-dnx_session", "dnx_session"} {
		if c, err := r.Cookie(name); err == nil {
			return c.Value
		}
	}
	return ""
}

// Middleware checks each request's credential and passes it on with the
// session in its context (FromContext); it answers a refused one 401 (503
// when sessions cannot be checked now) with the account server's error
// JSON, {"error": {"code", "name", "message"}}.
func (c *Checker) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := c.Check(r.Context(), Credential(r))
		if err != nil {
			status, code := http.StatusUnauthorized, wire.CodeUnauthorized
			switch {
			case errors.Is(err, ErrEnded):
				code = wire.CodeRevoked
			case errors.Is(err, ErrUnavailable):
				status, code = http.StatusServiceUnavailable, wire.CodeInternal
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]any{"error": wire.Errorf(code, "%s", err.Error())})
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), contextKey{}, s)))
	})
}
