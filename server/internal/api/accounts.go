package api

import (
	"errors"
	"net"
	"net/http"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

type signUpRequest struct {
	Email       string      `json:"email"`
	Password    string      `json:"password"`
	DisplayName string      `json:"displayName"`
	DeviceID    string      `json:"deviceId"`
	Device      device.Info `json:"device"`
	// Bearer asks for the token in the response body (desktop app) instead
	// of a cookie (browser panel).
	Bearer bool `json:"bearer"`
}

type signInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// Code is the second factor: a 6-digit TOTP code or a backup code.
	Code     string      `json:"code"`
	DeviceID string      `json:"deviceId"`
	Device   device.Info `json:"device"`
	Bearer   bool        `json:"bearer"`
}

type signedIn struct {
	AccountID string `json:"accountId"`
	SessionID string `json:"sessionId"`
	Token     string `json:"token,omitempty"`
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) tooMany(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "60")
	writeError(w, http.StatusTooManyRequests, wire.Errorf(wire.CodeRateLimited, "Too many attempts; wait a minute and try again."))
}

func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	var req signUpRequest
	if !decodeBody(w, r, &req) {
		return
	}
	email, err := account.NormalizeEmail(req.Email)
	if err != nil {
		writeError(w, http.StatusBadRequest, errInvalid("%s", err))
		return
	}
	name, err := account.NormalizeDisplayName(req.DisplayName)
	if err != nil {
		writeError(w, http.StatusBadRequest, errInvalid("%s", err))
		return
	}
	if err := account.CheckNewPassword(req.Password, email, name); err != nil {
		writeError(w, http.StatusBadRequest, errInvalid("%s", err))
		return
	}
	// Input the rules refuse costs nothing; what passes costs a hash and
	// may reveal that an address is registered, so it is rate limited.
	if !s.limits.Allow("signup:"+clientIP(r), 1, 10) {
		s.tooMany(w)
		return
	}
	hash, err := s.hasher.Hash(r.Context(), req.Password)
	if err != nil {
		s.fail(w, "hash password", err)
		return
	}
	id, err := auth.NewID(s.cfg.Rand)
	if err != nil {
		s.fail(w, "new account id", err)
		return
	}
	a := store.Account{ID: id, Email: email, PasswordHash: hash, DisplayName: name, Created: s.now()}
	if err := s.store.Update(r.Context(), func(tx store.Tx) error { return tx.CreateAccount(a) }); err != nil {
		if errors.Is(err, store.ErrEmailTaken) {
			writeError(w, http.StatusConflict, wire.Errorf(wire.CodeConflict, "An account with this email already exists. Sign in, or use Forgot password."))
			return
		}
		s.fail(w, "create account", err)
		return
	}
	s.startSession(w, r, a.ID, newSession{device: req.Device, deviceID: req.DeviceID, bearer: req.Bearer, status: http.StatusCreated, signUp: true})
}

func (s *Server) fail(w http.ResponseWriter, what string, err error) {
	s.log.Error(what, "err", err)
	writeError(w, http.StatusInternalServerError, errInternal())
}
