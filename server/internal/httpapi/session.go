package httpapi

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// cookieMaxAge keeps the panel signed in across browser restarts; the
// session itself lasts until it is signed out or revoked.
const cookieMaxAge = 30 * 24 * 60 * 60

func (s *Server) cookieName() string {
	if s.tls {
		return "__Host-dnx_session"
	}
	return "dnx_session"
}

func (s *Server) setCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.cookieName(),
		Value:    token,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   true,
		SameSite: http.SameSiteStrictMode,
	})
}

// token returns the session token of r: a bearer token (desktop app) or
// the panel's cookie.
func (s *Server) token(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		return ""
	}
	if c, err := r.Cookie(s.cookieName()); err == nil {
		return c.Value
	}
	return ""
}

// authed wraps a handler for signed-in users: it gets the live session.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, store.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ss, err := s.accounts.Authenticate(r.Context(), s.token(r))
		if err != nil {
			s.fail(w, r, "look up session", err)
			return
		}
		noteAccount(r, ss.AccountID)
		h(w, r, ss)
	}
}

// socket authenticates a sync socket's upgrade and hands it to Sockets,
// with the mark taken before its session is read.
func (s *Server) socket(w http.ResponseWriter, r *http.Request) {
	mark := s.cfg.Sockets.Mark()
	s.authed(func(w http.ResponseWriter, r *http.Request, ss store.Session) {
		s.cfg.Sockets.ServeSocket(w, r, ss, mark)
	})(w, r)
}

// internal wraps an endpoint for operators and other DialNexa services: it
// needs the service token as a bearer token.
func (s *Server) internal(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if s.cfg.ServiceToken == "" || !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.ServiceToken)) != 1 {
			writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeUnauthorized, "A valid service token is required."))
			return
		}
		h(w, r)
	}
}

// checkSession is POST /internal/v1/sessions/check {"tokenHash"} or
// {"sessionId"}: a service checks a session (server/verify).
func (s *Server) checkSession(w http.ResponseWriter, r *http.Request) {
	var req struct {
		TokenHash string `json:"tokenHash"`
		SessionID string `json:"sessionId"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	facts, pos, err := s.accounts.CheckSession(r.Context(), req.TokenHash, req.SessionID)
	if err != nil {
		s.fail(w, r, "check a session", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"position": pos, "session": facts})
}
