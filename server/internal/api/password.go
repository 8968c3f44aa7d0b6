package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// resetLifetime is how long a password-reset link works.
const resetLifetime = time.Hour

type changePasswordRequest struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
	// SignOutOthers ends every other session too (opt-in; by default they
	// stay signed in, as the product documentation says).
	SignOutOthers bool `json:"signOutOthers"`
}

// changePassword is POST /v1/password.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req changePasswordRequest
	if !decodeBody(w, r, &req) {
		return
	}
	a, release, ok := s.checkOwnPassword(w, r, ss.AccountID, req.CurrentPassword, "Your current password is not correct.")
	if !ok {
		return
	}
	defer release()
	if err := account.CheckNewPassword(req.NewPassword, a.Email, a.DisplayName); err != nil {
		writeError(w, http.StatusBadRequest, errInvalid("%s", err))
		return
	}
	if req.NewPassword == req.CurrentPassword {
		writeError(w, http.StatusBadRequest, errInvalid("The new password must be different from the current one."))
		return
	}
	hash, err := s.hasher.Hash(r.Context(), req.NewPassword)
	if err != nil {
		s.fail(w, "hash password", err)
		return
	}
	now := s.now()
	var ended []string
	err = s.change(r.Context(), func(tx txn) error {
		ended = nil
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		a.PasswordHash, a.Failures = hash, 0
		if req.SignOutOthers {
			if ended, err = endSessionsExcept(tx, a.ID, ss.ID, "Your password was changed on another device; sign in with the new password.", now); err != nil {
				return err
			}
		}
		detail := "Password changed on " + ss.Device + "."
		if len(ended) > 0 {
			detail += " Other devices were signed out."
		}
		if err := tx.AddActivity(&a, account.ActPasswordChanged, detail, now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "password-changed", map[string]any{
			"Name": a.DisplayName, "Email": a.Email, "When": when(now), "Device": ss.Device, "SignedOutOthers": len(ended) > 0,
		}); err != nil {
			return err
		}
		endLinks(&a)
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	if err != nil {
		s.fail(w, "change password", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// endSessionsExcept ends every session of the account but keep (which may
// be empty), inside tx, closing their sockets once committed, and returns
// the ended ids.
func endSessionsExcept(tx txn, accountID, keep, reason string, now time.Time) ([]string, error) {
	all, err := tx.Sessions(accountID)
	if err != nil {
		return nil, err
	}
	var ended []string
	for _, o := range all {
		if o.ID == keep {
			continue
		}
		if err := tx.EndSession(o.ID, reason, now); err != nil {
			return nil, err
		}
		tx.revokeSession(o.ID, reason)
		ended = append(ended, o.ID)
	}
	return ended, nil
}

type forgotRequest struct {
	Email string `json:"email"`
}

const forgotAnswer = "If an account exists for that address, we have sent it a link to reset the password. The link works for 1 hour."

// forgotPassword is POST /v1/password/forgot. Its answer and timing are the
// same whether or not the address has an account: the lookup and the mail
// happen after the answer.
func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) {
	var req forgotRequest
	if !decodeBody(w, r, &req) {
		return
	}
	email, err := account.NormalizeEmail(req.Email)
	if err != nil {
		writeError(w, http.StatusBadRequest, errInvalid("%s", err))
		return
	}
	if !s.limits.Allow("forgot:"+clientIP(r), 10.0/3600, 10) || !s.limits.Allow("forgot:"+email, 3.0/3600, 3) {
		w.Header().Set("Retry-After", "3600")
		writeError(w, http.StatusTooManyRequests, wire.Errorf(wire.CodeRateLimited, "Too many reset requests; check your inbox (and spam folder) or try again in an hour."))
		return
	}
	select {
	case s.jobs <- func() { s.mailResetLink(email) }:
	default:
		writeError(w, http.StatusServiceUnavailable, wire.Errorf(wire.CodeRateLimited, "The server is busy; try again in a minute."))
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": forgotAnswer})
}

// mailResetLink stores a reset token for the account with that email (if
// any) and queues the mail with the link, in one transaction.
func (s *Server) mailResetLink(email string) {
	tok, err := auth.NewToken(s.cfg.Rand)
	if err != nil {
		s.log.Error("new reset token", "err", err)
		return
	}
	now := s.now()
	err = s.change(context.Background(), func(tx txn) error {
		a, err := tx.AccountByEmail(email)
		if err != nil {
			return err
		}
		if err := tx.PutToken(auth.HashToken(tok), store.Token{Kind: tokenReset, AccountID: a.ID, Expires: now.Add(resetLifetime), Epoch: a.LinkEpoch}); err != nil {
			return err
		}
		return s.queueMail(tx, a.Email, "password-reset", map[string]any{
			"Name": a.DisplayName, "Email": a.Email, "Link": strings.TrimRight(s.cfg.PublicOrigin, "/") + "/reset#token=" + tok,
		})
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		s.log.Error("store reset link", "err", err)
	}
}

type resetRequest struct {
	Token       string `json:"token"`
	NewPassword string `json:"newPassword"`
	Code        string `json:"code"`
}

// resetPassword is POST /v1/password/reset: a valid, unexpired, unused
// link token sets a new password (with the second factor when 2FA is on),
// and every session of the account ends.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	var req resetRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if !s.limits.Allow("reset:"+clientIP(r), 1, 20) {
		s.tooMany(w)
		return
	}
	expired := wire.Errorf(wire.CodeExpired, "This reset link has expired or was already used. Ask for a new one with Forgot password?.")
	hash := auth.HashToken(strings.TrimSpace(req.Token))
	now := s.now()
	var a store.Account
	err := s.store.View(r.Context(), func(tx store.Tx) error {
		t, err := liveToken(tx, hash, tokenReset, now)
		if err != nil {
			return err
		}
		a, err = tx.Account(t.AccountID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusBadRequest, expired)
		return
	}
	if err != nil {
		s.fail(w, "read reset token", err)
		return
	}
	if err := account.CheckNewPassword(req.NewPassword, a.Email, a.DisplayName); err != nil {
		writeError(w, http.StatusBadRequest, errInvalid("%s", err))
		return
	}
	if a.TwoFactor.Enabled && strings.TrimSpace(req.Code) == "" {
		writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeSecondFactor, "Two-factor authentication is on: enter the 6-digit code from your authenticator app, or a backup code."))
		return
	}
	if !s.guard.lock(a.Email) {
		writeError(w, http.StatusTooManyRequests, wire.Errorf(wire.CodeRateLimited, "Another attempt is in progress; try again in a moment."))
		return
	}
	defer s.guard.unlock(a.Email)
	if a.TwoFactor.Enabled {
		if wait, _ := throttleWait(a.Failures, a.LastFailure, now); wait > 0 {
			s.throttled(w, a.Failures, a.LastFailure)
			return
		}
	}
	pwHash, err := s.hasher.Hash(r.Context(), req.NewPassword)
	if err != nil {
		s.fail(w, "hash password", err)
		return
	}
	reason := "Your password was reset; sign in with the new password."
	err = s.change(r.Context(), func(tx txn) error {
		t, err := liveToken(tx, hash, tokenReset, now) // used or expired meanwhile?
		if err != nil {
			return err
		}
		a, err := tx.Account(t.AccountID)
		if err != nil {
			return err
		}
		if a.TwoFactor.Enabled {
			ok, err := s.useSecondFactor(tx, &a, req.Code, now)
			if err != nil {
				return err
			}
			if !ok {
				return errBadCode
			}
		}
		if err := tx.DeleteToken(hash); err != nil {
			return err
		}
		a.PasswordHash, a.Failures = pwHash, 0
		if _, err = endSessionsExcept(tx, a.ID, "", reason, now); err != nil {
			return err
		}
		if err := tx.AddActivity(&a, account.ActPasswordReset, "Password reset with a link sent by mail; every device was signed out.", now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "password-was-reset", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(now)}); err != nil {
			return err
		}
		endLinks(&a)
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusBadRequest, expired)
		return
	case errors.Is(err, errBadCode):
		s.recordFailure(a.ID)
		writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeBadCredentials, "That code is not valid or was already used."))
		return
	case err != nil:
		s.fail(w, "reset password", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Your password has been reset. Sign in with the new password."})
}
