package api

import (
	"errors"
	"net"
	"net/http"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

type signUpRequest struct {
	Email       string     `json:"email"`
	Password    string     `json:"password"`
	DisplayName string     `json:"displayName"`
	Device      deviceInfo `json:"device"`
	// Bearer asks for the token in the response body (desktop app) instead
	// of a cookie (browser panel).
	Bearer bool `json:"bearer"`
}

type signInRequest struct {
	Email    string     `json:"email"`
	Password string     `json:"password"`
	Device   deviceInfo `json:"device"`
	Bearer   bool       `json:"bearer"`
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
	if !s.limits.allow("signup:"+clientIP(r), 1, 10) {
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
	if err := s.store.Update(func(tx store.Tx) error { return tx.CreateAccount(a) }); err != nil {
		if errors.Is(err, store.ErrEmailTaken) {
			writeError(w, http.StatusConflict, wire.Errorf(wire.CodeConflict, "An account with this email already exists. Sign in, or use Forgot password."))
			return
		}
		s.fail(w, "create account", err)
		return
	}
	s.startSession(w, r, a, req.Device, req.Bearer, http.StatusCreated)
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if !s.limits.allow("signin:"+clientIP(r), 1, 20) {
		s.tooMany(w)
		return
	}
	var req signInRequest
	if !decodeBody(w, r, &req) {
		return
	}
	bad := wire.Errorf(wire.CodeBadCredentials, "Email or password is incorrect.")
	email, err := account.NormalizeEmail(req.Email)
	if err != nil {
		// Same answer and cost as a wrong password.
		s.hasher.Verify(r.Context(), req.Password, s.dummy)
		writeError(w, http.StatusUnauthorized, bad)
		return
	}
	if !s.limits.allow("signin:"+email, 0.2, 10) {
		s.tooMany(w)
		return
	}
	var a store.Account
	err = s.store.View(func(tx store.Tx) error {
		var err error
		a, err = tx.AccountByEmail(email)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		s.hasher.Verify(r.Context(), req.Password, s.dummy)
		writeError(w, http.StatusUnauthorized, bad)
		return
	}
	if err != nil {
		s.fail(w, "look up account", err)
		return
	}
	ok, err := s.hasher.Verify(r.Context(), req.Password, a.PasswordHash)
	if err != nil {
		s.fail(w, "verify password", err)
		return
	}
	if !ok {
		writeError(w, http.StatusUnauthorized, bad)
		return
	}
	s.startSession(w, r, a, req.Device, req.Bearer, http.StatusOK)
}

// startSession creates a session for a, answers with it, and tells the
// account's other clients (the sessions list changed).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, a store.Account, d deviceInfo, bearer bool, status int) {
	tok, err := auth.NewToken(s.cfg.Rand)
	if err != nil {
		s.fail(w, "new token", err)
		return
	}
	id, err := auth.NewID(s.cfg.Rand)
	if err != nil {
		s.fail(w, "new session id", err)
		return
	}
	kind, desc := describeDevice(r, d)
	now := s.now()
	ss := store.Session{ID: id, AccountID: a.ID, TokenHash: auth.HashToken(tok), DeviceKind: kind, Device: desc, Location: "Unknown", Created: now, LastActive: now}
	err = s.store.Update(func(tx store.Tx) error {
		a, err := tx.Account(a.ID)
		if err != nil {
			return err
		}
		if err := tx.PutSession(ss); err != nil {
			return err
		}
		bump(&a)
		return tx.PutAccount(a)
	})
	if err != nil {
		s.fail(w, "create session", err)
		return
	}
	s.pushView(a.ID)
	out := signedIn{AccountID: a.ID, SessionID: id}
	if bearer {
		out.Token = tok
	} else {
		s.setCookie(w, tok, cookieMaxAge)
	}
	writeJSON(w, status, out)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, ss store.Session) {
	if !s.endSession(w, ss.AccountID, ss.ID, "You signed out on this device.") {
		return
	}
	s.setCookie(w, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

type meResponse struct {
	SessionID string       `json:"sessionId"`
	Version   uint64       `json:"version"`
	View      account.View `json:"view"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var out meResponse
	err := s.store.View(func(tx store.Tx) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		out = meResponse{SessionID: ss.ID, Version: a.Version}
		out.View, err = buildView(tx, a)
		return err
	})
	if err != nil {
		s.fail(w, "load account", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request, ss store.Session) {
	target := r.PathValue("id")
	reason := "This session was revoked from another device."
	if target == ss.ID {
		reason = "You revoked this session."
	}
	if !s.endSession(w, ss.AccountID, target, reason) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// endSession ends one of the account's sessions in the store, then closes
// its sockets and pushes the shorter sessions list to the account's other
// clients. A session of another account is reported as not found.
func (s *Server) endSession(w http.ResponseWriter, accountID, sessionID, reason string) bool {
	err := s.store.Update(func(tx store.Tx) error {
		target, err := tx.Session(sessionID)
		if err != nil {
			return err
		}
		if target.AccountID != accountID {
			return store.ErrNotFound
		}
		if err := tx.EndSession(sessionID, reason, s.now()); err != nil {
			return err
		}
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		bump(&a)
		return tx.PutAccount(a)
	})
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, errNotFound("That session has already ended."))
		return false
	}
	if err != nil {
		s.fail(w, "end session", err)
		return false
	}
	s.hub.RevokeSession(sessionID, reason)
	s.pushView(accountID)
	return true
}

func (s *Server) fail(w http.ResponseWriter, what string, err error) {
	s.log.Error(what, "err", err)
	writeError(w, http.StatusInternalServerError, errInternal())
}
