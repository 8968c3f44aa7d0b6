package api

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// useSecondFactor checks a TOTP code or a backup code for a, inside tx,
// and consumes it: a TOTP step is remembered so its code works once, a
// backup code is removed. It reports whether the code was good; a refused
// code changes nothing.
func (s *Server) useSecondFactor(tx store.Tx, a *store.Account, code string, now time.Time) (bool, error) {
	if !a.TwoFactor.Enabled {
		return false, nil
	}
	if auth.LooksLikeBackupCode(code) {
		h := auth.HashBackupCode(code)
		i := slices.Index(a.TwoFactor.BackupCodes, h)
		if i < 0 {
			return false, nil
		}
		a.TwoFactor.BackupCodes = slices.Delete(slices.Clone(a.TwoFactor.BackupCodes), i, i+1)
		left := len(a.TwoFactor.BackupCodes)
		detail := "A backup code was used to sign in."
		if left <= account.FewBackupCodes {
			detail += " Only a few remain: generate a new set."
		}
		return true, tx.AddActivity(a, account.ActBackupCodeUsed, detail, now)
	}
	step, ok := auth.VerifyTOTP(a.TwoFactor.Secret, code, now, a.TwoFactor.LastStep)
	if !ok {
		return false, nil
	}
	a.TwoFactor.LastStep = step
	return true, nil
}

// setupLifetime is how long a 2FA secret being set up waits for its code.
const setupLifetime = 15 * time.Minute

type setupResponse struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	QRPNG  []byte `json:"qrPng"` // base64 in JSON
}

type passwordRequest struct {
	Password string `json:"password"`
}

// setupTwoFactor is POST /v1/2fa/setup (the password, or an open step-up
// window): a new secret to scan, pending until confirmed with a code.
func (s *Server) setupTwoFactor(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordRequest
	if !decodeBody(w, r, &req) {
		return
	}
	_, release, ok := s.stepUp(w, r, ss, req.Password)
	if !ok {
		return
	}
	defer release()
	var out setupResponse
	now := s.now()
	err := s.store.Update(r.Context(), func(tx store.Tx) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if a.TwoFactor.Enabled {
			return errAlreadyOn
		}
		secret, uri, png, err := auth.NewTOTP(s.cfg.Rand, "DialNexa", a.Email)
		if err != nil {
			return err
		}
		a.TwoFactor.Pending, a.TwoFactor.PendingExpires = secret, now.Add(setupLifetime)
		out = setupResponse{Secret: secret, URI: uri, QRPNG: png}
		return tx.PutAccount(a)
	})
	if errors.Is(err, errAlreadyOn) {
		writeError(w, http.StatusConflict, wire.Errorf(wire.CodeConflict, "Two-factor authentication is already on."))
		return
	}
	if err != nil {
		s.fail(w, "set up 2FA", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

var (
	errAlreadyOn  = errors.New("2FA already on")
	errAlreadyOff = errors.New("2FA already off")
)

type backupCodesResponse struct {
	BackupCodes []string `json:"backupCodes"`
}

// enableTwoFactor is POST /v1/2fa/enable (a code, and the password or an
// open step-up window): the first valid code from the pending secret turns
// 2FA on and returns the backup codes, once.
func (s *Server) enableTwoFactor(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordAndCode
	if !decodeBody(w, r, &req) {
		return
	}
	if !s.limits.Allow("2fa-enable:"+ss.ID, 0.2, 10) {
		s.tooMany(w)
		return
	}
	_, release, ok := s.stepUp(w, r, ss, req.Password)
	if !ok {
		return
	}
	defer release()
	codes, hashes, err := auth.NewBackupCodes(s.cfg.Rand)
	if err != nil {
		s.fail(w, "backup codes", err)
		return
	}
	now := s.now()
	err = s.change(r.Context(), func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if a.TwoFactor.Enabled {
			return errAlreadyOn
		}
		if a.TwoFactor.Pending == "" || now.After(a.TwoFactor.PendingExpires) {
			return store.ErrNotFound
		}
		step, ok := auth.VerifyTOTP(a.TwoFactor.Pending, req.Code, now, 0)
		if !ok {
			return errBadCode
		}
		a.TwoFactor = store.TwoFactor{Enabled: true, Secret: a.TwoFactor.Pending, LastStep: step, BackupCodes: hashes}
		if err := tx.AddActivity(&a, account.ActTwoFactorOn, "Two-factor authentication turned on from "+ss.Device+".", now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "2fa-changed", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(now), "Enabled": true}); err != nil {
			return err
		}
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	switch {
	case errors.Is(err, errAlreadyOn):
		writeError(w, http.StatusConflict, wire.Errorf(wire.CodeConflict, "Two-factor authentication is already on."))
		return
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeExpired, "Start the setup again: the QR code has expired."))
		return
	case errors.Is(err, errBadCode):
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeBadCredentials, "That code is not valid. Enter the 6-digit code your authenticator app shows now."))
		return
	case err != nil:
		s.fail(w, "enable 2FA", err)
		return
	}
	writeJSON(w, http.StatusOK, backupCodesResponse{BackupCodes: codes})
}

type passwordAndCode struct {
	Password string `json:"password"`
	Code     string `json:"code"`
}

// confirmIdentity checks the password (or an open step-up window) and a
// second-factor code of the account, consuming the code, for disabling 2FA
// or new backup codes. On failure it writes the answer and returns false.
func (s *Server) confirmIdentity(w http.ResponseWriter, r *http.Request, ss store.Session, req passwordAndCode, then func(tx txn, a *store.Account) error) bool {
	a, release, ok := s.stepUp(w, r, ss, req.Password)
	if !ok {
		return false
	}
	defer release()
	if !a.TwoFactor.Enabled {
		writeError(w, http.StatusConflict, wire.Errorf(wire.CodeConflict, "Two-factor authentication is off."))
		return false
	}
	now := s.now()
	err := s.change(r.Context(), func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		ok, err := s.useSecondFactor(tx, &a, req.Code, now)
		if err != nil {
			return err
		}
		if !ok {
			return errBadCode
		}
		a.Failures = 0
		if err := then(tx, &a); err != nil {
			return err
		}
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	if errors.Is(err, errBadCode) {
		s.recordFailure(a.ID)
		writeError(w, http.StatusForbidden, wire.Errorf(wire.CodeBadCredentials, "That code is not valid or was already used."))
		return false
	}
	if err != nil {
		s.fail(w, "confirm identity", err)
		return false
	}
	return true
}

// disableTwoFactor is POST /v1/2fa/disable (password and a code).
func (s *Server) disableTwoFactor(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordAndCode
	if !decodeBody(w, r, &req) {
		return
	}
	now := s.now()
	ok := s.confirmIdentity(w, r, ss, req, func(tx txn, a *store.Account) error {
		a.TwoFactor = store.TwoFactor{}
		if err := tx.AddActivity(a, account.ActTwoFactorOff, "Two-factor authentication turned off from "+ss.Device+".", now); err != nil {
			return err
		}
		return s.queueMail(tx, a.Email, "2fa-changed", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(now), "Enabled": false})
	})
	if ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// regenerateBackupCodes is POST /v1/2fa/backup-codes (password and a code):
// a new set replaces the old one, which stops working.
func (s *Server) regenerateBackupCodes(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordAndCode
	if !decodeBody(w, r, &req) {
		return
	}
	codes, hashes, err := auth.NewBackupCodes(s.cfg.Rand)
	if err != nil {
		s.fail(w, "backup codes", err)
		return
	}
	now := s.now()
	ok := s.confirmIdentity(w, r, ss, req, func(tx txn, a *store.Account) error {
		a.TwoFactor.BackupCodes = hashes
		return tx.AddActivity(a, account.ActBackupCodesNew, "New backup codes generated; the old ones no longer work.", now)
	})
	if ok {
		writeJSON(w, http.StatusOK, backupCodesResponse{BackupCodes: codes})
	}
}
