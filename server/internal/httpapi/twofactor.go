package httpapi

import (
	"net/http"

	"github.com/dialnexa/account/server/internal/store"
)

type passwordRequest struct {
	Password string `json:"password"`
}

type passwordAndCode struct {
	Password string `json:"password"`
	Code     string `json:"code"`
}

type setupResponse struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	QRPNG  []byte `json:"qrPng"` // base64 in JSON
}

type backupCodesResponse struct {
	BackupCodes []string `json:"backupCodes"`
}

// setupTwoFactor is POST /v1/2fa/setup.
func (s *Server) setupTwoFactor(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordRequest
	if !decodeBody(w, r, &req) {
		return
	}
	out, err := s.accounts.SetupTwoFactor(r.Context(), ss, req.Password)
	if err != nil {
		s.fail(w, r, "set up 2FA", err)
		return
	}
	writeJSON(w, http.StatusOK, setupResponse{Secret: out.Secret, URI: out.URI, QRPNG: out.QRPNG})
}

// enableTwoFactor is POST /v1/2fa/enable.
func (s *Server) enableTwoFactor(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordAndCode
	if !decodeBody(w, r, &req) {
		return
	}
	codes, err := s.accounts.EnableTwoFactor(r.Context(), ss, req.Password, req.Code)
	if err != nil {
		s.fail(w, r, "enable 2FA", err)
		return
	}
	writeJSON(w, http.StatusOK, backupCodesResponse{BackupCodes: codes})
}

// disableTwoFactor is POST /v1/2fa/disable.
func (s *Server) disableTwoFactor(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordAndCode
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.DisableTwoFactor(r.Context(), ss, req.Password, req.Code); err != nil {
		s.fail(w, r, "disable 2FA", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// regenerateBackupCodes is POST /v1/2fa/backup-codes.
func (s *Server) regenerateBackupCodes(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordAndCode
	if !decodeBody(w, r, &req) {
		return
	}
	codes, err := s.accounts.RegenerateBackupCodes(r.Context(), ss, req.Password, req.Code)
	if err != nil {
		s.fail(w, r, "new backup codes", err)
		return
	}
	writeJSON(w, http.StatusOK, backupCodesResponse{BackupCodes: codes})
}

type supportDisable2FA struct {
	Email string `json:"email"`
	// Note records how the identity was verified (ticket, call, document).
	Note string `json:"note"`
}

// supportDisableTwoFactor is POST /internal/v1/support/disable-2fa: account
// recovery by support after verifying the owner's identity outside the
// system.
func (s *Server) supportDisableTwoFactor(w http.ResponseWriter, r *http.Request) {
	var req supportDisable2FA
	if !decodeBody(w, r, &req) {
		return
	}
	if _, err := s.accounts.SupportDisableTwoFactor(r.Context(), req.Email, req.Note); err != nil {
		s.fail(w, r, "support: disable 2FA", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Two-factor authentication is off; the owner has been told by mail."})
}
