package account

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// useSecondFactor checks a TOTP code or a backup code for a, inside tx,
// and consumes it: a TOTP step is remembered so its code works once, a
// backup code is removed. It reports whether the code was good; a refused
// code changes nothing.
func (s *Service) useSecondFactor(tx factorTx, a *store.Account, code string, now time.Time) (bool, error) {
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
		if left <= model.FewBackupCodes {
			detail += " Only a few remain: generate a new set."
		}
		return true, tx.AddActivity(a, model.ActBackupCodeUsed, detail, now)
	}
	step, ok := auth.VerifyTOTP(a.TwoFactor.Secret, code, now, a.TwoFactor.LastStep)
	if !ok {
		return false, nil
	}
	a.TwoFactor.LastStep = step
	return true, nil
}

// checkSecondFactor consumes code as the second factor of a, inside tx,
// when 2FA is on; errBadCode when the code is refused.
func (s *Service) checkSecondFactor(tx factorTx, a *store.Account, code string, now time.Time) error {
	if !a.TwoFactor.Enabled {
		return nil
	}
	ok, err := s.useSecondFactor(tx, a, code, now)
	if err == nil && !ok {
		err = errBadCode
	}
	return err
}

// setupLifetime is how long a 2FA secret being set up waits for its code.
const setupLifetime = 15 * time.Minute

// TOTPSetup is a new secret to scan, pending until confirmed with a code.
type TOTPSetup struct {
	Secret string
	URI    string
	QRPNG  []byte
}

var errTwoFactorOn = refuse(Conflict, NoReason, "Two-factor authentication is already on.")

// SetupTwoFactor starts turning 2FA on (the password, or an open step-up
// window): a new secret to scan, pending until EnableTwoFactor.
func (s *Service) SetupTwoFactor(ctx context.Context, ss store.Session, password string) (TOTPSetup, error) {
	_, release, err := s.stepUp(ctx, ss, password)
	if err != nil {
		return TOTPSetup{}, err
	}
	defer release()
	var out TOTPSetup
	now := s.now()
	err = s.store.Update(ctx, func(tx store.Tx) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if a.TwoFactor.Enabled {
			return errTwoFactorOn
		}
		secret, uri, png, err := auth.NewTOTP(s.rand, "DialNexa", a.Email)
		if err != nil {
			return err
		}
		a.TwoFactor.Pending, a.TwoFactor.PendingExpires = secret, now.Add(setupLifetime)
		out = TOTPSetup{Secret: secret, URI: uri, QRPNG: png}
		return tx.PutAccount(a)
	})
	return out, err
}

// EnableTwoFactor turns 2FA on with the first valid code from the pending
// secret (and the password, or an open step-up window), and returns the
// backup codes, shown once.
func (s *Service) EnableTwoFactor(ctx context.Context, ss store.Session, password, code string) ([]string, error) {
	if err := s.limit(ctx, "2fa-enable", ss.ID, 0.2, 10); err != nil {
		return nil, err
	}
	_, release, err := s.stepUp(ctx, ss, password)
	if err != nil {
		return nil, err
	}
	defer release()
	codes, hashes, err := auth.NewBackupCodes(s.rand)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if a.TwoFactor.Enabled {
			return errTwoFactorOn
		}
		if a.TwoFactor.Pending == "" || now.After(a.TwoFactor.PendingExpires) {
			return refuse(Invalid, Expired, "Start the setup again: the QR code has expired.")
		}
		step, ok := auth.VerifyTOTP(a.TwoFactor.Pending, code, now, 0)
		if !ok {
			return refuse(Invalid, BadCredentials, "That code is not valid. Enter the 6-digit code your authenticator app shows now.")
		}
		a.TwoFactor = store.TwoFactor{Enabled: true, Secret: a.TwoFactor.Pending, LastStep: step, BackupCodes: hashes}
		if err := tx.AddActivity(&a, model.ActTwoFactorOn, "Two-factor authentication turned on from "+ss.Device+".", now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "2fa-changed", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(a.TimeZone, now), "Enabled": true}); err != nil {
			return err
		}
		return tx.save(&a)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// confirmIdentity checks the password (or an open step-up window) and a
// second-factor code of the account, consuming the code, then runs then
// in the same transaction: for turning 2FA off or new backup codes.
func (s *Service) confirmIdentity(ctx context.Context, ss store.Session, password, code string, then func(tx txn, a *store.Account) error) error {
	a, release, err := s.stepUp(ctx, ss, password)
	if err != nil {
		return err
	}
	defer release()
	if !a.TwoFactor.Enabled {
		return refuse(Conflict, NoReason, "Two-factor authentication is off.")
	}
	now := s.now()
	err = s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		ok, err := s.useSecondFactor(tx, &a, code, now)
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
		return tx.save(&a)
	})
	if errors.Is(err, errBadCode) {
		s.recordFailure(a.ID)
		return refuse(Forbidden, BadCredentials, "That code is not valid or was already used.")
	}
	return err
}

// DisableTwoFactor turns 2FA off (the password or an open step-up window,
// and a code).
func (s *Service) DisableTwoFactor(ctx context.Context, ss store.Session, password, code string) error {
	now := s.now()
	return s.confirmIdentity(ctx, ss, password, code, func(tx txn, a *store.Account) error {
		a.TwoFactor = store.TwoFactor{}
		if err := tx.AddActivity(a, model.ActTwoFactorOff, "Two-factor authentication turned off from "+ss.Device+".", now); err != nil {
			return err
		}
		return s.queueMail(tx, a.Email, "2fa-changed", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(a.TimeZone, now), "Enabled": false})
	})
}

// RegenerateBackupCodes replaces the backup codes with a new set, which it
// returns (the password or an open step-up window, and a code); the old
// ones stop working.
func (s *Service) RegenerateBackupCodes(ctx context.Context, ss store.Session, password, code string) ([]string, error) {
	codes, hashes, err := auth.NewBackupCodes(s.rand)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.confirmIdentity(ctx, ss, password, code, func(tx txn, a *store.Account) error {
		a.TwoFactor.BackupCodes = hashes
		return tx.AddActivity(a, model.ActBackupCodesNew, "New backup codes generated; the old ones no longer work.", now)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// SupportDisableTwoFactor is account recovery by support after verifying
// the owner's identity outside the system; note says how. It is recorded
// in the account's security activity and announced to the owner by mail.
// It returns the account's id.
func (s *Service) SupportDisableTwoFactor(ctx context.Context, address, note string) (string, error) {
	email, err := model.NormalizeEmail(address)
	if err != nil {
		return "", invalid("%s", err)
	}
	note, err = model.SupportNoteLabel.Normalize(note)
	if err != nil {
		return "", ruleError(err)
	}
	now := s.now()
	var id string
	err = s.change(ctx, func(tx txn) error {
		a, err := tx.AccountByEmail(email)
		if err != nil {
			return err
		}
		id = a.ID
		if !a.TwoFactor.Enabled {
			return refuse(Conflict, NoReason, "Two-factor authentication is already off for that account.")
		}
		a.TwoFactor = store.TwoFactor{}
		// Applications were told the user signed in with two factors
		// (amr); their sessions end, so they sign in again under what
		// the account has now. The account's own devices stay signed in
		// (the owner is told by mail).
		if _, err := endSessionsWhere(tx, a.ID, "Two-factor authentication was reset by DialNexa support: sign in to the app again.", now,
			func(o store.Session) bool { return o.AppID != "" }); err != nil {
			return err
		}
		if err := tx.AddActivity(&a, model.ActTwoFactorOff, "Two-factor authentication turned off by DialNexa support after identity verification ("+note+").", now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "2fa-changed", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(a.TimeZone, now), "Enabled": false, "ByOperator": true, "Note": note}); err != nil {
			return err
		}
		endLinks(&a)
		return tx.save(&a)
	})
	if isNotFound(err) {
		return "", notFound("No account has that email address.")
	}
	if err == nil {
		s.log.Warn("support turned off 2FA", "account", id, "note", note)
	}
	return id, err
}
