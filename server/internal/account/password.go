package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// resetLifetime is how long a password-reset link works.
const resetLifetime = time.Hour

// ChangePassword asks to replace the password of the caller's account.
type ChangePassword struct {
	Current, New string
	// SignOutOthers ends every other session too (opt-in; by default they
	// stay signed in, as the product documentation says).
	SignOutOthers bool
}

// ChangePassword sets a new password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, ss store.Session, req ChangePassword) error {
	a, release, err := s.checkOwnPassword(ctx, ss.AccountID, req.Current, "Your current password is not correct.")
	if err != nil {
		return err
	}
	defer release()
	if err := model.CheckNewPassword(req.New, a.Email, a.DisplayName); err != nil {
		return invalid("%s", err)
	}
	if req.New == req.Current {
		return invalid("The new password must be different from the current one.")
	}
	hash, err := s.hasher.Hash(ctx, req.New)
	if err != nil {
		return err
	}
	if req.SignOutOthers {
		others, err := s.otherSessions(ctx, ss.AccountID, ss.ID)
		if err != nil {
			return err
		}
		defer s.endFirst(ss.AccountID, others)()
	}
	now := s.now()
	return s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		a.PasswordHash, a.Failures = hash, 0
		var ended []string
		if req.SignOutOthers {
			if ended, err = endSessionsExcept(tx, a.ID, ss.ID, "Your password was changed on another device; sign in with the new password.", now); err != nil {
				return err
			}
		}
		detail := "Password changed on " + ss.Device + "."
		if len(ended) > 0 {
			detail += " Other devices were signed out."
		}
		if err := tx.AddActivity(&a, model.ActPasswordChanged, detail, now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "password-changed", map[string]any{
			"Name": a.DisplayName, "Email": a.Email, "When": when(a.TimeZone, now), "Device": ss.Device, "SignedOutOthers": len(ended) > 0,
		}); err != nil {
			return err
		}
		endLinks(&a)
		return tx.save(&a)
	})
}

// ForgotAnswer is what asking for a reset link says, whether or not the
// address has an account.
const ForgotAnswer = "If an account exists for that address, we have sent it a link to reset the password. The link works for 1 hour."

// ForgotPassword mails a reset link to the account with that address, if
// any. It returns at once, the same whether or not there is one: the
// lookup and the mail happen after (see Run).
func (s *Service) ForgotPassword(ctx context.Context, o Origin, address string) error {
	email, err := model.NormalizeEmail(address)
	if err != nil {
		return invalid("%s", err)
	}
	for _, l := range []struct {
		kind, subject string
		n             int
	}{{"forgot-ip", o.IP, 10}, {"forgot-email", email, 3}} {
		if wait, err := s.wait(ctx, l.kind, l.subject, float64(l.n)/3600, l.n); err != nil {
			return err
		} else if wait > 0 {
			return throttled(3600, "Too many reset requests; check your inbox (and spam folder) or try again in an hour.")
		}
	}
	select {
	case s.jobs <- func() { s.mailResetLink(email) }:
		return nil
	default:
		return refuse(Busy, NoReason, "The server is busy; try again in a minute.")
	}
}

// mailResetLink stores a reset token for the account with that email (if
// any) and queues the mail with the link, in one transaction.
func (s *Service) mailResetLink(email string) {
	tok, err := auth.NewToken(s.rand)
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
			"Name": a.DisplayName, "Email": a.Email, "Link": s.link("/reset#token=" + tok),
		})
	})
	if err != nil && !isNotFound(err) {
		s.log.Error("store reset link", "err", err)
	}
}

// ResetPassword asks to set a new password with a link sent by mail.
type ResetPassword struct {
	Token, New string
	// Code is the second factor, needed when 2FA is on; Passkey answers
	// the ceremony the second-factor refusal carried instead.
	Code    string
	Passkey *PasskeyAnswer
}

// ResetPassword sets a new password with a valid, unexpired, unused link
// token (and the second factor when 2FA is on); every session of the
// account ends.
func (s *Service) ResetPassword(ctx context.Context, o Origin, req ResetPassword) error {
	if err := s.limit(ctx, "reset", o.IP, 1, 20); err != nil {
		return err
	}
	expired := refuse(Invalid, Expired, "This reset link has expired or was already used. Ask for a new one with Forgot password?.")
	hash := auth.HashToken(strings.TrimSpace(req.Token))
	now := s.now()
	var a store.Account
	err := s.store.View(ctx, func(tx store.Tx) error {
		t, err := liveToken(tx, hash, tokenReset, now)
		if err != nil {
			return err
		}
		a, err = tx.Account(t.AccountID)
		return err
	})
	if isNotFound(err) {
		return expired
	}
	if err != nil {
		return err
	}
	if err := model.CheckNewPassword(req.New, a.Email, a.DisplayName); err != nil {
		return invalid("%s", err)
	}
	release, err := s.claimAttempt(ctx, a.Email, attemptBusy)
	if err != nil {
		return err
	}
	defer release()
	if hasSecondFactor(&a) {
		if e := s.throttled(a.Failures, a.LastFailure); e != nil {
			return e
		}
	}
	// A reset never bypasses the second factor, a passkey's either.
	passkey, code, err := s.secondFactor(ctx, &a, req.Passkey, req.Code)
	if err != nil {
		return err
	}
	pwHash, err := s.hasher.Hash(ctx, req.New)
	if err != nil {
		return err
	}
	reason := "Your password was reset; sign in with the new password."
	err = s.change(ctx, func(tx txn) error {
		t, err := liveToken(tx, hash, tokenReset, now) // used or expired meanwhile?
		if err != nil {
			return err
		}
		a, err := tx.Account(t.AccountID)
		if err != nil {
			return err
		}
		if passkey != nil {
			err = usedPasskey(&a, passkey, now)
		} else {
			err = s.checkSecondFactor(tx, &a, code, now)
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteToken(hash); err != nil {
			return err
		}
		a.PasswordHash, a.Failures = pwHash, 0
		a.EmailVerified = true // the link came to the address
		if _, err = endSessionsExcept(tx, a.ID, "", reason, now); err != nil {
			return err
		}
		if err := tx.AddActivity(&a, model.ActPasswordReset, "Password reset with a link sent by mail; every device was signed out.", now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "password-was-reset", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(a.TimeZone, now)}); err != nil {
			return err
		}
		endLinks(&a)
		return tx.save(&a)
	})
	switch {
	case isNotFound(err):
		return expired
	case errors.Is(err, errBadCode):
		s.recordFailure(a.ID)
		return errCodeRefused
	}
	return err
}
