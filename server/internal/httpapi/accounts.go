package httpapi

import (
	"net/http"
	"runtime/trace"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

type signUpRequest struct {
	Email       string      `json:"email"`
	Password    string      `json:"password"`
	DisplayName string      `json:"displayName"`
	TimeZone    string      `json:"timeZone"`
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
	Code string `json:"code"`
	// Passkey is the second factor as a passkey's answer to the ceremony
	// the second-factor refusal carried.
	Passkey  *account.PasskeyAnswer `json:"passkey,omitempty"`
	DeviceID string                 `json:"deviceId"`
	Device   device.Info            `json:"device"`
	Bearer   bool                   `json:"bearer"`
}

type signedIn struct {
	AccountID string `json:"accountId"`
	SessionID string `json:"sessionId"`
	Token     string `json:"token,omitempty"`
}

// signUp is POST /v1/signup.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	var req signUpRequest
	if !decodeBody(w, r, &req) {
		return
	}
	ns, err := s.accounts.SignUp(r.Context(), origin(r), account.SignUp{
		Email: req.Email, Password: req.Password, DisplayName: req.DisplayName, TimeZone: req.TimeZone, DeviceID: req.DeviceID, Device: req.Device,
	})
	s.started(w, r, "sign up", ns, err, req.Bearer, http.StatusCreated)
}

// signIn is POST /v1/signin.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	var req signInRequest
	if !decodeBody(w, r, &req) {
		return
	}
	ns, err := s.accounts.SignIn(r.Context(), origin(r), account.SignIn{
		Email: req.Email, Password: req.Password, Code: req.Code, Passkey: req.Passkey, DeviceID: req.DeviceID, Device: req.Device,
	})
	s.started(w, r, "sign in", ns, err, req.Bearer, http.StatusOK)
}

// started answers with a new session: its token in the body (bearer) or
// in the panel's cookie.
func (s *Server) started(w http.ResponseWriter, r *http.Request, what string, ns account.NewSession, err error, bearer bool, status int) {
	if err != nil {
		s.fail(w, r, what, err)
		return
	}
	noteAccount(r, ns.AccountID)
	out := signedIn{AccountID: ns.AccountID, SessionID: ns.SessionID}
	if bearer {
		out.Token = ns.Token
	} else {
		s.setCookie(w, ns.Token, cookieMaxAge)
	}
	writeJSON(w, status, out)
}

// signOut is POST /v1/signout.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request, ss store.Session) {
	if err := s.accounts.SignOut(r.Context(), ss); err != nil {
		s.fail(w, r, "sign out", err)
		return
	}
	s.setCookie(w, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

type meResponse struct {
	SessionID string     `json:"sessionId"`
	Version   uint64     `json:"version"`
	View      model.View `json:"view"`
}

// me is GET /v1/me: the caller's view.
func (s *Server) me(w http.ResponseWriter, r *http.Request, ss store.Session) {
	v, version, err := s.accounts.View(r.Context(), ss.AccountID)
	if err != nil {
		s.fail(w, r, "load account", err)
		return
	}
	writeJSON(w, http.StatusOK, meResponse{SessionID: ss.ID, Version: version, View: v})
}

// revokeSession is DELETE /v1/sessions/{id}.
func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request, ss store.Session) {
	// A task in the execution trace, named by the session it ends, so a
	// slow revocation can be taken apart (the load tool's -traces).
	ctx, task := trace.NewTask(r.Context(), "revocation")
	defer task.End()
	trace.Log(ctx, "session", r.PathValue("id"))
	if err := s.accounts.RevokeSession(ctx, ss, r.PathValue("id")); err != nil {
		s.fail(w, r, "end session", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// revokeOthers is POST /v1/sessions/revoke-others: every session of the
// account but the caller's ends, live.
func (s *Server) revokeOthers(w http.ResponseWriter, r *http.Request, ss store.Session) {
	n, err := s.accounts.RevokeOthers(r.Context(), ss)
	if err != nil {
		s.fail(w, r, "revoke other sessions", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"revoked": n})
}

// setTimeZone is PUT /v1/timezone {"timeZone"}: the account's time zone.
func (s *Server) setTimeZone(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req struct {
		TimeZone string `json:"timeZone"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.SetTimeZone(r.Context(), ss, req.TimeZone); err != nil {
		s.fail(w, r, "set the time zone", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
