package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

// SignUp asks for a new account and its first session.
type SignUp struct {
	Email, Password, DisplayName string
	// TimeZone is the client's (the browser's or the computer's) IANA
	// zone; one the server does not know leaves the account on UTC.
	TimeZone string
	// DeviceID is the client's stable id for this installation; Device
	// what it says about itself (app, OS, host name).
	DeviceID string
	Device   device.Info
}

// SignIn asks for a session.
type SignIn struct {
	Email, Password string
	// Code is the second factor: a 6-digit TOTP code or a backup code.
	Code string
	// Passkey is the second factor as a passkey's answer to the
	// ceremony the second-factor refusal carried.
	Passkey  *PasskeyAnswer
	DeviceID string
	Device   device.Info
}

// NewSession is a session just started; Token is its secret, shown once.
type NewSession struct {
	AccountID, SessionID, Token string
}

// SignUp creates an account and signs it in.
func (s *Service) SignUp(ctx context.Context, o Origin, req SignUp) (NewSession, error) {
	email, err := model.NormalizeEmail(req.Email)
	if err != nil {
		return NewSession{}, invalid("%s", err)
	}
	name, err := model.NormalizeDisplayName(req.DisplayName)
	if err != nil {
		return NewSession{}, invalid("%s", err)
	}
	if err := model.CheckNewPassword(req.Password, email, name); err != nil {
		return NewSession{}, invalid("%s", err)
	}
	// Input the rules refuse costs nothing; what passes costs a hash and
	// may reveal that an address is registered, so it is rate limited.
	if err := s.limit(ctx, "signup", o.IP, 1, 10); err != nil {
		return NewSession{}, err
	}
	hash, err := s.hasher.Hash(ctx, req.Password)
	if err != nil {
		return NewSession{}, err
	}
	id, err := auth.NewID(s.rand)
	if err != nil {
		return NewSession{}, err
	}
	a := store.Account{ID: id, Email: email, PasswordHash: hash, DisplayName: name, Created: s.now()}
	if tz, err := model.NormalizeTimeZone(req.TimeZone); err == nil && tz != model.DefaultTimeZone {
		a.TimeZone = tz
	}
	if err := s.store.Update(ctx, func(tx store.Tx) error { return tx.CreateAccount(a) }); err != nil {
		if errors.Is(err, store.ErrEmailTaken) {
			return NewSession{}, refuse(Conflict, NoReason, "An account with this email already exists. Sign in, or use Forgot password.")
		}
		return NewSession{}, err
	}
	return s.startSession(ctx, o, a.ID, newSession{device: req.Device, deviceID: req.DeviceID, signUp: true, amr: []string{AMRPassword}})
}

// SignIn checks the password (and the second factor when 2FA is on) and
// starts a session. Attempts are throttled per client address, per email
// and per account; an unknown address costs and answers the same as a
// wrong password.
func (s *Service) SignIn(ctx context.Context, o Origin, req SignIn) (NewSession, error) {
	if err := s.limit(ctx, "signin-ip", o.IP, 1, 20); err != nil {
		return NewSession{}, err
	}
	email, err := model.NormalizeEmail(req.Email)
	if err != nil {
		// Same answer and cost as a wrong password.
		s.hasher.Verify(ctx, req.Password, s.dummy)
		return NewSession{}, errBadCredentials
	}
	if err := s.limit(ctx, "signin-email", email, 0.2, 10); err != nil {
		return NewSession{}, err
	}
	release, err := s.claimAttempt(ctx, email, "Another sign-in for this account is in progress; try again in a moment.")
	if err != nil {
		return NewSession{}, err
	}
	defer release()

	var a store.Account
	err = s.store.View(ctx, func(tx store.Tx) (err error) { a, err = tx.AccountByEmail(email); return })
	if isNotFound(err) {
		// Throttled exactly like an account, so throttling reveals nothing.
		f, err := s.unknownFailures(ctx, email)
		if err != nil {
			return NewSession{}, err
		}
		if e := s.throttled(f.Count, f.Last); e != nil {
			return NewSession{}, e
		}
		s.hasher.Verify(ctx, req.Password, s.dummy)
		if err := s.unknownFailed(ctx, email); err != nil {
			return NewSession{}, err
		}
		s.log.Info("sign-in failed", "reason", "no account with this address", "client", o.IP)
		return NewSession{}, errBadCredentials
	}
	if err != nil {
		return NewSession{}, err
	}
	if e := s.throttled(a.Failures, a.LastFailure); e != nil {
		return NewSession{}, e
	}
	ok, err := s.hasher.Verify(ctx, req.Password, a.PasswordHash)
	if err != nil {
		return NewSession{}, err
	}
	if !ok {
		s.recordFailure(a.ID)
		s.log.Info("sign-in failed", "reason", "wrong password", "account", a.ID, "client", o.IP, "failures", a.Failures+1)
		return NewSession{}, errBadCredentials
	}
	ns := newSession{device: req.Device, deviceID: req.DeviceID, amr: []string{AMRPassword}}
	if ns.passkey, ns.code, err = s.secondFactor(ctx, &a, req.Passkey, req.Code); err != nil {
		if req.Passkey != nil && !isSecondFactorAsked(err) {
			s.log.Info("sign-in failed", "reason", "passkey refused", "account", a.ID, "client", o.IP)
		}
		return NewSession{}, err
	}
	switch {
	case ns.code != "":
		ns.amr = append(ns.amr, AMROneTimeCode, AMRMultiFactor)
	case ns.passkey != nil:
		ns.amr = append(ns.amr, AMRHardwareKey, AMRMultiFactor)
	}
	out, err := s.startSession(ctx, o, a.ID, ns)
	if e, ok := err.(*Error); ok && e.Kind == Unauthenticated {
		s.log.Info("sign-in failed", "reason", "wrong second factor", "account", a.ID, "client", o.IP)
	}
	return out, err
}

// newSession says how to start a session.
type newSession struct {
	device   device.Info
	deviceID string
	signUp   bool
	// code is the second factor to check in the same transaction (2FA on).
	code string
	// passkey is a passkey that verified, as the second factor or alone:
	// its counter and last use are saved in the same transaction.
	passkey *webauthn.Credential
	// amr says how the user proved who they are (AMR values).
	amr []string
	// claim, when set, runs first in the session's transaction: what
	// entitles the caller to the session (a browser sign-in's approval) is
	// checked and used up in the same commit as the session is created;
	// it may complete the session (how its user was authenticated).
	claim func(tx txn, ss *store.Session) error
}

// Authentication methods (OpenID Connect "amr" values, RFC 8176) a session
// records.
const (
	AMRPassword    = "pwd"
	AMROneTimeCode = "otp"
	AMRHardwareKey = "hwk"
	AMRMultiFactor = "mfa"
)

// startSession creates a session for the account. In one transaction it
// checks the second factor (when given), resets the failure count, records
// the device, and for a device the account has not used before raises a
// security alert: an event pushed to the account's other clients, an
// activity entry and a mail.
func (s *Service) startSession(ctx context.Context, o Origin, accountID string, ns newSession) (NewSession, error) {
	tok, err := auth.NewToken(s.rand)
	if err != nil {
		return NewSession{}, err
	}
	id, err := auth.NewID(s.rand)
	if err != nil {
		return NewSession{}, err
	}
	kind, desc := device.Describe(o.UserAgent, ns.device)
	now := s.now()
	ss := store.Session{ID: id, AccountID: accountID, TokenHash: auth.HashToken(tok), DeviceKind: kind, Device: desc,
		Location: s.geo.Locate(o.IP), Address: device.MaskAddress(o.IP), Created: now, LastActive: now,
		AuthTime: now, AMR: ns.amr}
	if ns.deviceID != "" {
		ss.DeviceHash = auth.HashToken(accountID + "/" + ns.deviceID)
	}
	err = s.change(ctx, func(tx txn) error {
		if ns.claim != nil {
			if err := ns.claim(tx, &ss); err != nil {
				return err
			}
		}
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		if ns.code != "" {
			if err := s.checkSecondFactor(tx, &a, ns.code, now); err != nil {
				return err
			}
			tx.wakeMail() // a low backup-code count may have queued a mail
		}
		if ns.passkey != nil {
			if err := usedPasskey(&a, ns.passkey, now); err != nil {
				return err
			}
		}
		a.Failures = 0
		if err := tx.PutSession(ss); err != nil {
			return err
		}
		known := false
		if ss.DeviceHash != "" {
			if known, err = tx.KnownDevice(a.ID, ss.DeviceHash); err != nil {
				return err
			}
		}
		hasDevices, err := tx.HasDevices(a.ID)
		if err != nil {
			return err
		}
		if ss.DeviceHash != "" && !known {
			if err := tx.AddDevice(a.ID, ss.DeviceHash, now); err != nil {
				return err
			}
		}
		// One sign-in, one row of the security activity: from a new
		// device, the new-device entry is that row.
		newDevice := !known && !ns.signUp && hasDevices
		if !ns.signUp && !newDevice {
			if err := tx.AddActivity(&a, model.ActSignIn, fmt.Sprintf("Signed in: %s, %s", desc, ss.Location), now); err != nil {
				return err
			}
		}
		if newDevice {
			e, err := s.raiseNewDevice(tx, &a, ss)
			if err != nil {
				return err
			}
			tx.deliver(a.ID, e)
		}
		return tx.save(&a)
	})
	if errors.Is(err, errBadCode) {
		s.recordFailure(accountID)
		return NewSession{}, errCodeRefused
	}
	if err != nil {
		return NewSession{}, err
	}
	return NewSession{AccountID: accountID, SessionID: id, Token: tok}, nil
}
