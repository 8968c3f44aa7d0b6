package account

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

// PasskeySignIn asks for a session with a passkey alone: the passkey
// (something the user has, unlocked by something they know or are) is
// both factors.
type PasskeySignIn struct {
	Answer   PasskeyAnswer
	DeviceID string
	Device   device.Info
}

var (
	errPasskeyRefused = refuse(Unauthenticated, BadCredentials, "This passkey could not sign you in. If it was removed from your account, sign in with your password.")
	errPasskeySuspect = refuse(Unauthenticated, BadCredentials, "This passkey was refused: its signature counter went back, so a copy of it may exist. Sign in another way, then remove it and add it again.")
)

// PasskeySignInOptions starts a sign-in with a passkey: the options for
// navigator.credentials.get, for any passkey of this site (no email).
func (s *Service) PasskeySignInOptions(ctx context.Context, o Origin) (PasskeyCeremony, error) {
	if s.rp == nil {
		return PasskeyCeremony{}, errNoPasskeys
	}
	if err := s.limit(ctx, "signin-ip", o.IP, 1, 20); err != nil {
		return PasskeyCeremony{}, err
	}
	assertion, sd, err := s.rp.BeginDiscoverableLogin()
	if err != nil {
		return PasskeyCeremony{}, err
	}
	return s.saveCeremony(ctx, ceremonySignIn, "", assertion, sd)
}

// SignInWithPasskey checks a passkey's answer to the ceremony
// PasskeySignInOptions started and starts a session for its account.
func (s *Service) SignInWithPasskey(ctx context.Context, o Origin, req PasskeySignIn) (NewSession, error) {
	if s.rp == nil {
		return NewSession{}, errNoPasskeys
	}
	if err := s.limit(ctx, "signin-ip", o.IP, 1, 20); err != nil {
		return NewSession{}, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(req.Answer.Credential)
	if err != nil {
		return NewSession{}, invalid("The browser's answer could not be read as a passkey; try again.")
	}
	sd, err := s.takeCeremony(ctx, req.Answer.Ceremony, ceremonySignIn, "")
	if err != nil {
		return NewSession{}, err
	}
	var a store.Account
	handler := func(_, userHandle []byte) (webauthn.User, error) {
		err := s.store.View(ctx, func(tx store.Tx) (err error) { a, err = tx.Account(string(userHandle)); return })
		if err != nil {
			return nil, err
		}
		return userOf(&a)
	}
	_, cred, err := s.rp.ValidatePasskeyLogin(handler, sd, parsed)
	if err != nil {
		s.log.Info("sign-in failed", "reason", "passkey refused", "account", a.ID, "client", o.IP, "err", protocolDetail(err))
		return NewSession{}, errPasskeyRefused
	}
	if cred.Authenticator.CloneWarning {
		return NewSession{}, s.suspectPasskey(ctx, a.ID, cred, o)
	}
	return s.startSession(ctx, o, a.ID, newSession{device: req.Device, deviceID: req.DeviceID, passkey: cred, amr: []string{AMRHardwareKey}})
}

// askSecondFactor is the refusal of a password sign-in that needs a second
// factor: it says which the account has and, with passkeys, carries a
// ceremony for one of them.
func (s *Service) askSecondFactor(ctx context.Context, a *store.Account) error {
	switch {
	case usablePasskeys(a) == 0:
		return refuse(Unauthenticated, SecondFactor, "Enter the 6-digit code from your authenticator app, or one of your backup codes.")
	case s.rp == nil && a.TwoFactor.Enabled:
		return refuse(Unauthenticated, SecondFactor, "Passkeys are not available at this server's address: enter the 6-digit code from your authenticator app, or one of your backup codes.")
	case s.rp == nil:
		// The account's only second factor is a passkey, which works only
		// at the server's domain name: refused, never skipped.
		return refuse(Unauthenticated, SecondFactor, "This account's second factor is a passkey, and passkeys work only at this server's domain name, not at an IP address: sign in there, or ask your administrator to serve it there.")
	}
	u, err := userOf(a)
	if err != nil {
		return err
	}
	assertion, sd, err := s.rp.BeginLogin(u)
	if err != nil {
		return err
	}
	c, err := s.saveCeremony(ctx, ceremonySecondFactor, a.ID, assertion, sd)
	if err != nil {
		return err
	}
	msg := "Confirm with your passkey to sign in."
	if a.TwoFactor.Enabled {
		msg = "Confirm with your passkey, or enter the 6-digit code from your authenticator app or one of your backup codes."
	}
	e := refuse(Unauthenticated, SecondFactor, "%s", msg)
	e.Passkey, e.Codes = &c, a.TwoFactor.Enabled
	return e
}

// secondFactor is how a password sign-in or reset proves the account's
// second factor, if it has one: a passkey's answer (checked here; a
// refusal counts as a failed attempt), or a code (returned, for the
// caller to check in its transaction), or, with neither usable, the
// refusal that asks for one (see askSecondFactor).
func (s *Service) secondFactor(ctx context.Context, a *store.Account, passkey *PasskeyAnswer, code string) (*webauthn.Credential, string, error) {
	switch {
	case !hasSecondFactor(a):
		return nil, "", nil
	case passkey != nil && usablePasskeys(a) > 0:
		cred, err := s.passkeySecondFactor(ctx, a, *passkey)
		if err != nil {
			s.recordFailure(a.ID)
			return nil, "", err
		}
		return cred, "", nil
	case strings.TrimSpace(code) != "" && a.TwoFactor.Enabled:
		return nil, code, nil
	}
	return nil, "", s.askSecondFactor(ctx, a)
}

// isSecondFactorAsked reports whether err is secondFactor asking for the
// second factor (not refusing one).
func isSecondFactorAsked(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Reason == SecondFactor
}

// passkeySecondFactor checks a passkey's answer as the second factor of a
// password sign-in to a.
func (s *Service) passkeySecondFactor(ctx context.Context, a *store.Account, ans PasskeyAnswer) (*webauthn.Credential, error) {
	if s.rp == nil {
		return nil, errNoPasskeys
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(ans.Credential)
	if err != nil {
		return nil, invalid("The browser's answer could not be read as a passkey; try again.")
	}
	sd, err := s.takeCeremony(ctx, ans.Ceremony, ceremonySecondFactor, a.ID)
	if err != nil {
		return nil, err
	}
	u, err := userOf(a)
	if err != nil {
		return nil, err
	}
	cred, err := s.rp.ValidateLogin(u, sd, parsed)
	if err != nil {
		s.log.Info("second factor refused", "account", a.ID, "err", protocolDetail(err))
		return nil, errPasskeyRefused
	}
	if cred.Authenticator.CloneWarning {
		return nil, s.suspectPasskey(ctx, a.ID, cred, Origin{})
	}
	return cred, nil
}

// usedPasskey records, inside a sign-in's transaction, that cred signed
// in: its signature counter and the time.
func usedPasskey(a *store.Account, cred *webauthn.Credential, now time.Time) error {
	i := passkeyIndex(a, passkeyID(cred.ID))
	if i < 0 || a.Passkeys[i].Suspect {
		return errPasskeyRefused // removed or flagged meanwhile
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	a.Passkeys = slices.Clone(a.Passkeys)
	a.Passkeys[i].Credential, a.Passkeys[i].LastUsed = raw, now
	return nil
}

// suspectPasskey marks the passkey cred as possibly copied (its signature
// counter went back): it signs in no more, the security activity says so
// and a mail tells the owner. It returns the refusal for the sign-in.
func (s *Service) suspectPasskey(ctx context.Context, accountID string, cred *webauthn.Credential, o Origin) error {
	id := passkeyID(cred.ID)
	now := s.now()
	err := s.change(ctx, func(tx txn) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		i := passkeyIndex(&a, id)
		if i < 0 || a.Passkeys[i].Suspect {
			return nil
		}
		a.Passkeys = slices.Clone(a.Passkeys)
		a.Passkeys[i].Suspect = true
		name := a.Passkeys[i].Name
		detail := fmt.Sprintf("Passkey “%s” was refused: its signature counter went back, so a copy of it may exist. Remove it and add it again.", name)
		if err := tx.AddActivity(&a, model.ActPasskeySuspect, detail, now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "passkey-changed", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(a.TimeZone, now), "Suspect": true, "Passkey": name}); err != nil {
			return err
		}
		return tx.save(&a)
	})
	if err != nil {
		return err
	}
	s.log.Warn("passkey refused as possibly copied", "account", accountID, "passkey", id, "client", o.IP)
	return errPasskeySuspect
}
