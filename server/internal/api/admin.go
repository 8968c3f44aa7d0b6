package api

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

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

type supportDisable2FA struct {
	Email string `json:"email"`
	// Note records how the identity was verified (ticket, call, document).
	Note string `json:"note"`
}

// supportDisableTwoFactor is POST /internal/v1/support/disable-2fa: account
// recovery by support after verifying the owner's identity outside the
// system. It is recorded in the account's security activity and announced
// to the owner by mail.
func (s *Server) supportDisableTwoFactor(w http.ResponseWriter, r *http.Request) {
	var req supportDisable2FA
	if !decodeBody(w, r, &req) {
		return
	}
	email, err := account.NormalizeEmail(req.Email)
	if err != nil {
		writeError(w, http.StatusBadRequest, errInvalid("%s", err))
		return
	}
	note := device.Printable(req.Note, 200)
	if len(note) < 5 {
		writeError(w, http.StatusBadRequest, errInvalid("Say how the owner's identity was verified (a ticket number, for example)."))
		return
	}
	now := s.now()
	var id string
	err = s.change(r.Context(), func(tx txn) error {
		a, err := tx.AccountByEmail(email)
		if err != nil {
			return err
		}
		id = a.ID
		if !a.TwoFactor.Enabled {
			return errAlreadyOff
		}
		a.TwoFactor = store.TwoFactor{}
		if err := tx.AddActivity(&a, account.ActTwoFactorOff, "Two-factor authentication turned off by DialNexa support after identity verification ("+note+").", now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "2fa-changed", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(now), "Enabled": false, "ByOperator": true, "Note": note}); err != nil {
			return err
		}
		endLinks(&a)
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, errNotFound("No account has that email address."))
		return
	case errors.Is(err, errAlreadyOff):
		writeError(w, http.StatusConflict, wire.Errorf(wire.CodeConflict, "Two-factor authentication is already off for that account."))
		return
	case err != nil:
		s.fail(w, "support: disable 2FA", err)
		return
	}
	s.log.Warn("support turned off 2FA", "account", id, "note", note)
	writeJSON(w, http.StatusOK, map[string]string{"message": "Two-factor authentication is off; the owner has been told by mail."})
}
