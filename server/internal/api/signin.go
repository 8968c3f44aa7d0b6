package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if !s.limits.Allow("signin:"+clientIP(r), 1, 20) {
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
	if !s.limits.Allow("signin:"+email, 0.2, 10) {
		s.tooMany(w)
		return
	}
	if !s.guard.lock(email) {
		writeError(w, http.StatusTooManyRequests, wire.Errorf(wire.CodeRateLimited, "Another sign-in for this account is in progress; try again in a moment."))
		return
	}
	defer s.guard.unlock(email)

	var a store.Account
	err = s.store.View(r.Context(), func(tx store.Tx) error {
		var err error
		a, err = tx.AccountByEmail(email)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		// Throttled exactly like an account, so throttling reveals nothing.
		f := s.guard.unknownState(email)
		if s.throttled(w, f.failures, f.last) {
			return
		}
		s.hasher.Verify(r.Context(), req.Password, s.dummy)
		s.guard.unknownFailed(email, s.now())
		writeError(w, http.StatusUnauthorized, bad)
		return
	}
	if err != nil {
		s.fail(w, "look up account", err)
		return
	}
	if s.throttled(w, a.Failures, a.LastFailure) {
		return
	}
	ok, err := s.hasher.Verify(r.Context(), req.Password, a.PasswordHash)
	if err != nil {
		s.fail(w, "verify password", err)
		return
	}
	if !ok {
		s.recordFailure(a.ID)
		writeError(w, http.StatusUnauthorized, bad)
		return
	}
	ns := newSession{device: req.Device, deviceID: req.DeviceID, bearer: req.Bearer, status: http.StatusOK}
	if a.TwoFactor.Enabled {
		if strings.TrimSpace(req.Code) == "" {
			writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeSecondFactor, "Enter the 6-digit code from your authenticator app, or one of your backup codes."))
			return
		}
		ns.code = req.Code
	}
	s.startSession(w, r, a.ID, ns)
}

// throttled answers 429 when the account (or unknown address) must wait.
func (s *Server) throttled(w http.ResponseWriter, failures int, last time.Time) bool {
	wait, stopped := throttleWait(failures, last, s.now())
	switch {
	case stopped:
		writeError(w, http.StatusTooManyRequests, wire.Errorf(wire.CodeRateLimited, "Sign-in is paused after too many failed attempts. Use Forgot password? to set a new password and sign in."))
		return true
	case wait > 0:
		secs := int(wait.Seconds() + 0.999)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, http.StatusTooManyRequests, wire.Errorf(wire.CodeRateLimited, "Too many failed attempts; wait %d seconds and try again.", secs))
		return true
	}
	return false
}

// newSession says how to start a session.
type newSession struct {
	device   device.Info
	deviceID string
	bearer   bool
	status   int
	signUp   bool
	// code is the second factor to check in the same transaction (2FA on).
	code string
}

var errBadCode = errors.New("bad second-factor code")

// startSession creates a session for the account and answers with it. In
// one transaction it checks the second factor (when given), resets the
// failure count, records the device, and for a device the account has not
// used before raises a security alert: an event pushed to the account's
// other clients, an activity entry and a mail.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, accountID string, ns newSession) {
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
	kind, desc := device.Describe(r.UserAgent(), ns.device)
	now := s.now()
	ss := store.Session{ID: id, AccountID: accountID, TokenHash: auth.HashToken(tok), DeviceKind: kind, Device: desc,
		Location: s.geo.Locate(clientIP(r)), Address: device.MaskAddress(clientIP(r)), Created: now, LastActive: now}
	if ns.deviceID != "" {
		ss.DeviceHash = auth.HashToken(accountID + "/" + ns.deviceID)
	}
	err = s.change(r.Context(), func(tx txn) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		if ns.code != "" {
			ok, err := s.useSecondFactor(tx, &a, ns.code, now)
			if err != nil {
				return err
			}
			if !ok {
				return errBadCode
			}
			tx.wakeMail() // a low backup-code count may have queued a mail
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
			if err := tx.AddActivity(&a, account.ActSignIn, fmt.Sprintf("Signed in: %s, %s", desc, ss.Location), now); err != nil {
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
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	if errors.Is(err, errBadCode) {
		s.recordFailure(accountID)
		writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeBadCredentials, "That code is not valid or was already used."))
		return
	}
	if err != nil {
		s.fail(w, "create session", err)
		return
	}
	out := signedIn{AccountID: accountID, SessionID: id}
	if ns.bearer {
		out.Token = tok
	} else {
		s.setCookie(w, tok, cookieMaxAge)
	}
	writeJSON(w, ns.status, out)
}
