package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// touchEvery is how often a session's last-activity time is written.
const touchEvery = time.Minute

// cookieMaxAge keeps the panel signed in across browser restarts; the
// session itself lasts until it is signed out or revoked.
const cookieMaxAge = 30 * 24 * 60 * 60

func (s *Server) cookieName() string {
	if s.cfg.TLS {
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

type ctxKey struct{}

// authenticate returns the live session of r, or writes 401 and returns false.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (store.Session, bool) {
	tok := s.token(r)
	if tok == "" {
		writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeUnauthorized, "Sign in to continue."))
		return store.Session{}, false
	}
	var ss store.Session
	err := s.store.View(r.Context(), func(tx store.Tx) error {
		var err error
		ss, err = tx.SessionByToken(auth.HashToken(tok))
		return err
	})
	var ended *store.EndedError
	switch {
	case errors.As(err, &ended):
		writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeRevoked, "%s", ended.Reason))
		return store.Session{}, false
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeUnauthorized, "Your session is not valid; sign in again."))
		return store.Session{}, false
	case err != nil:
		s.log.Error("look up session", "err", err)
		writeError(w, http.StatusInternalServerError, errInternal())
		return store.Session{}, false
	}
	if now := s.now(); now.Sub(ss.LastActive) >= touchEvery {
		// Batched: many clients reconnecting at once share commits.
		err := s.store.Batch(r.Context(), func(tx store.Tx) error {
			cur, err := tx.Session(ss.ID)
			if err != nil {
				return err
			}
			cur.LastActive = now
			return tx.PutSession(cur)
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.Warn("record session activity", "session", ss.ID, "err", err)
		}
		ss.LastActive = now
	}
	return ss, true
}

func (s *Server) authed(h func(http.ResponseWriter, *http.Request, store.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ss, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ss.ID)), ss)
	}
}
