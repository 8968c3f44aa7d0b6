package httpapi

import (
	"net/http"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

type addPasskeyRequest struct {
	Name string `json:"name"`
	account.PasskeyAnswer
}

type renamePasskeyRequest struct {
	Name string `json:"name"`
}

type passkeySignInRequest struct {
	account.PasskeyAnswer
	DeviceID string      `json:"deviceId"`
	Device   device.Info `json:"device"`
	Bearer   bool        `json:"bearer"`
}

// passkeyOptions is POST /v1/passkeys/options: the options to create a
// passkey with (the password, or an open step-up window).
func (s *Server) passkeyOptions(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordRequest
	if !decodeBody(w, r, &req) {
		return
	}
	c, err := s.accounts.PasskeyOptions(r.Context(), ss, req.Password)
	if err != nil {
		s.fail(w, r, "start adding a passkey", err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// addPasskey is POST /v1/passkeys: the browser's new credential.
func (s *Server) addPasskey(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req addPasskeyRequest
	if !decodeBody(w, r, &req) {
		return
	}
	p, err := s.accounts.AddPasskey(r.Context(), ss, req.Name, req.PasskeyAnswer)
	if err != nil {
		s.fail(w, r, "add a passkey", err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// renamePasskey is PATCH /v1/passkeys/{id}.
func (s *Server) renamePasskey(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req renamePasskeyRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.RenamePasskey(r.Context(), ss, r.PathValue("id"), req.Name); err != nil {
		s.fail(w, r, "rename a passkey", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// removePasskey is POST /v1/passkeys/{id}/remove (the password, or an
// open step-up window).
func (s *Server) removePasskey(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.RemovePasskey(r.Context(), ss, r.PathValue("id"), req.Password); err != nil {
		s.fail(w, r, "remove a passkey", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// passkeySignInOptions is POST /v1/signin/passkey/options.
func (s *Server) passkeySignInOptions(w http.ResponseWriter, r *http.Request) {
	c, err := s.accounts.PasskeySignInOptions(r.Context(), origin(r))
	if err != nil {
		s.fail(w, r, "start a passkey sign-in", err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// passkeySignIn is POST /v1/signin/passkey.
func (s *Server) passkeySignIn(w http.ResponseWriter, r *http.Request) {
	var req passkeySignInRequest
	if !decodeBody(w, r, &req) {
		return
	}
	ns, err := s.accounts.SignInWithPasskey(r.Context(), origin(r), account.PasskeySignIn{
		Answer: req.PasskeyAnswer, DeviceID: req.DeviceID, Device: req.Device,
	})
	s.started(w, r, "sign in with a passkey", ns, err, req.Bearer, http.StatusOK)
}
