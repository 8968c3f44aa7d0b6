package account

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// ceremonyLifetime is how long a passkey ceremony (the options handed to
// the browser) waits for the browser's answer.
const ceremonyLifetime = 5 * time.Minute

// Kinds of passkey ceremony, stored as single-use tokens.
const (
	ceremonyAdd          = "passkey-add"
	ceremonySignIn       = "passkey-signin"
	ceremonySecondFactor = "passkey-2fa"
)

// PasskeyCeremony is what a browser needs to create or use a passkey: the
// WebAuthn options (the JSON form of PublicKeyCredentialCreationOptions
// or RequestOptions, under "publicKey") and the ceremony's id, sent back
// with the answer.
type PasskeyCeremony struct {
	ID      string          `json:"ceremony"`
	Options json.RawMessage `json:"options"`
}

// PasskeyAnswer is a browser's answer to a ceremony: its id and the
// credential as PublicKeyCredential.toJSON() gives it.
type PasskeyAnswer struct {
	Ceremony   string          `json:"ceremony"`
	Credential json.RawMessage `json:"credential"`
}

// newRelyingParty is the WebAuthn relying party of the public origin: its
// host is the relying party id, and only that origin is accepted.
func newRelyingParty(origin string) (*webauthn.WebAuthn, error) {
	u, err := url.Parse(origin)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("the public origin %q is not a URL with a host", origin)
	}
	return webauthn.New(&webauthn.Config{
		RPID: u.Hostname(), RPDisplayName: "DialNexa", RPOrigins: []string{strings.TrimSuffix(origin, "/")},
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: protocol.VerificationRequired,
		},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyLifetime, TimeoutUVD: ceremonyLifetime},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyLifetime, TimeoutUVD: ceremonyLifetime},
		},
	})
}

// passkeyUser is an account as the WebAuthn library sees it: its user
// handle is the account id.
type passkeyUser struct {
	a     *store.Account
	creds []webauthn.Credential
}

func (u passkeyUser) WebAuthnID() []byte                         { return []byte(u.a.ID) }
func (u passkeyUser) WebAuthnName() string                       { return u.a.Email }
func (u passkeyUser) WebAuthnDisplayName() string                { return u.a.DisplayName }
func (u passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// userOf returns the account's usable passkeys for the library.
func userOf(a *store.Account) (passkeyUser, error) {
	u := passkeyUser{a: a}
	for _, p := range a.Passkeys {
		if p.Suspect {
			continue
		}
		var c webauthn.Credential
		if err := json.Unmarshal(p.Credential, &c); err != nil {
			return u, fmt.Errorf("passkey %s of account %s: %w", p.ID, a.ID, err)
		}
		u.creds = append(u.creds, c)
	}
	return u, nil
}

func passkeyID(raw []byte) string { return base64.RawURLEncoding.EncodeToString(raw) }

// usablePasskeys counts the account's passkeys that still sign in.
func usablePasskeys(a *store.Account) int {
	n := 0
	for _, p := range a.Passkeys {
		if !p.Suspect {
			n++
		}
	}
	return n
}

// hasSecondFactor reports whether a password sign-in needs a second
// factor: an authenticator app, or a passkey.
func hasSecondFactor(a *store.Account) bool {
	return a.TwoFactor.Enabled || usablePasskeys(a) > 0
}

// saveCeremony stores the ceremony's state under a new id and returns the
// id and the options for the browser.
func (s *Service) saveCeremony(ctx context.Context, kind, accountID string, options any, sd *webauthn.SessionData) (PasskeyCeremony, error) {
	id, err := auth.NewToken(s.rand)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	data, err := json.Marshal(sd)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	opts, err := json.Marshal(options)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	t := store.Token{Kind: kind, AccountID: accountID, Expires: s.now().Add(ceremonyLifetime), Data: string(data)}
	err = s.store.Update(ctx, func(tx store.Tx) error { return tx.PutToken(auth.HashToken(id), t) })
	return PasskeyCeremony{ID: id, Options: opts}, err
}

var errNoPasskeys = refuse(Invalid, NoReason, "Passkeys are not available on this server: it must be reached by a domain name (its public origin), not an IP address.")

var errCeremony = refuse(Invalid, Expired, "That passkey request has expired or was already used; start again.")

// takeCeremony reads and removes (each is used once, whatever comes of
// it) the live ceremony id of the kind, for accountID when not empty. An
// id that names anything else (another kind of token, another account's
// ceremony) gets errCeremony and is left alone.
func (s *Service) takeCeremony(ctx context.Context, id, kind, accountID string) (webauthn.SessionData, error) {
	var t store.Token
	err := s.store.Update(ctx, func(tx store.Tx) error {
		h := auth.HashToken(id)
		var err error
		if t, err = liveToken(tx, h, kind, s.now()); err != nil {
			return err
		}
		if accountID != "" && t.AccountID != accountID {
			return store.ErrNotFound
		}
		return tx.DeleteToken(h)
	})
	if isNotFound(err) {
		return webauthn.SessionData{}, errCeremony
	}
	if err != nil {
		return webauthn.SessionData{}, err
	}
	var sd webauthn.SessionData
	if err := json.Unmarshal([]byte(t.Data), &sd); err != nil {
		return sd, err
	}
	// The library checks expiry against the real clock; the ceremony's
	// lifetime was checked above against the service's.
	sd.Expires = time.Time{}
	return sd, nil
}

// PasskeyOptions starts adding a passkey (the password, or an open
// step-up window): the options for navigator.credentials.create.
func (s *Service) PasskeyOptions(ctx context.Context, ss store.Session, password string) (PasskeyCeremony, error) {
	if s.rp == nil {
		return PasskeyCeremony{}, errNoPasskeys
	}
	a, release, err := s.stepUp(ctx, ss, password)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	defer release()
	if len(a.Passkeys) >= model.MaxPasskeys {
		return PasskeyCeremony{}, refuse(Conflict, NoReason, "An account can have at most %d passkeys: remove one first.", model.MaxPasskeys)
	}
	u, err := userOf(&a)
	if err != nil {
		return PasskeyCeremony{}, err
	}
	var exclude []protocol.CredentialDescriptor
	for _, p := range a.Passkeys {
		raw, _ := base64.RawURLEncoding.DecodeString(p.ID)
		exclude = append(exclude, protocol.CredentialDescriptor{Type: protocol.PublicKeyCredentialType, CredentialID: raw})
	}
	creation, sd, err := s.rp.BeginRegistration(u, webauthn.WithExclusions(exclude))
	if err != nil {
		return PasskeyCeremony{}, err
	}
	return s.saveCeremony(ctx, ceremonyAdd, a.ID, creation, sd)
}

// AddPasskey finishes adding a passkey named name with the browser's
// answer to the ceremony PasskeyOptions started.
func (s *Service) AddPasskey(ctx context.Context, ss store.Session, name string, ans PasskeyAnswer) (model.Passkey, error) {
	if s.rp == nil {
		return model.Passkey{}, errNoPasskeys
	}
	name, err := model.NormalizePasskeyName(name)
	if err != nil {
		return model.Passkey{}, invalid("%s", err)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(ans.Credential)
	if err != nil {
		return model.Passkey{}, invalid("The browser's answer could not be read as a passkey; try again.")
	}
	sd, err := s.takeCeremony(ctx, ans.Ceremony, ceremonyAdd, ss.AccountID)
	if err != nil {
		return model.Passkey{}, err
	}
	now := s.now()
	var out model.Passkey
	err = s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		u, err := userOf(&a)
		if err != nil {
			return err
		}
		cred, err := s.rp.CreateCredential(u, sd, parsed)
		if err != nil {
			s.log.Info("passkey refused", "account", a.ID, "err", protocolDetail(err))
			return refuse(Invalid, BadCredentials, "The passkey was not accepted (%s). Try again from this site.", protocolReason(err))
		}
		id := passkeyID(cred.ID)
		if passkeyIndex(&a, id) >= 0 {
			return refuse(Conflict, NoReason, "This passkey is already on your account.")
		}
		if len(a.Passkeys) >= model.MaxPasskeys {
			return refuse(Conflict, NoReason, "An account can have at most %d passkeys: remove one first.", model.MaxPasskeys)
		}
		// WebAuthn §7.1 step 22: a credential id registered to any other
		// account is refused (a second registration of one credential is
		// an attempt to take over its sign-ins, or a broken authenticator).
		if err := tx.ClaimPasskey(id, a.ID); errors.Is(err, store.ErrPasskeyTaken) {
			s.log.Warn("passkey refused", "account", a.ID, "reason", "credential id registered to another account")
			return refuse(Conflict, NoReason, "This passkey is already registered to another account. Remove it there first, or create a new passkey for this account.")
		} else if err != nil {
			return err
		}
		raw, err := json.Marshal(cred)
		if err != nil {
			return err
		}
		a.Passkeys = append(slices.Clone(a.Passkeys), store.Passkey{ID: id, Name: name, Created: now, Credential: raw})
		out = model.Passkey{ID: id, Name: name, Created: now}
		if err := tx.AddActivity(&a, model.ActPasskeyAdded, fmt.Sprintf("Passkey “%s” added from %s.", name, ss.Device), now); err != nil {
			return err
		}
		if err := s.queueMail(tx, a.Email, "passkey-changed", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(a.TimeZone, now), "Added": true, "Passkey": name}); err != nil {
			return err
		}
		return tx.save(&a)
	})
	return out, err
}

// RenamePasskey renames one of the account's passkeys.
func (s *Service) RenamePasskey(ctx context.Context, ss store.Session, id, name string) error {
	name, err := model.NormalizePasskeyName(name)
	if err != nil {
		return invalid("%s", err)
	}
	return s.changePasskey(ctx, ss.AccountID, id, func(tx txn, a *store.Account, i int) error {
		a.Passkeys[i].Name = name
		return nil
	})
}

// RemovePasskey removes one of the account's passkeys (the password, or an
// open step-up window).
func (s *Service) RemovePasskey(ctx context.Context, ss store.Session, id, password string) error {
	_, release, err := s.stepUp(ctx, ss, password)
	if err != nil {
		return err
	}
	defer release()
	now := s.now()
	return s.changePasskey(ctx, ss.AccountID, id, func(tx txn, a *store.Account, i int) error {
		name := a.Passkeys[i].Name
		if err := tx.ReleasePasskey(a.Passkeys[i].ID); err != nil {
			return err
		}
		a.Passkeys = slices.Delete(a.Passkeys, i, i+1)
		if err := tx.AddActivity(a, model.ActPasskeyRemoved, fmt.Sprintf("Passkey “%s” removed from %s.", name, ss.Device), now); err != nil {
			return err
		}
		return s.queueMail(tx, a.Email, "passkey-changed", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(a.TimeZone, now), "Added": false, "Passkey": name})
	})
}

// changePasskey runs fn on the account's passkey id (its index i in a
// copy of the list fn may change) and saves the account.
func (s *Service) changePasskey(ctx context.Context, accountID, id string, fn func(tx txn, a *store.Account, i int) error) error {
	return s.change(ctx, func(tx txn) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		i := passkeyIndex(&a, id)
		if i < 0 {
			return notFound("That passkey is not on your account (it may have been removed on another device).")
		}
		a.Passkeys = slices.Clone(a.Passkeys)
		if err := fn(tx, &a, i); err != nil {
			return err
		}
		return tx.save(&a)
	})
}

// passkeyIndex is the index of the account's passkey id, or -1.
func passkeyIndex(a *store.Account, id string) int {
	return slices.IndexFunc(a.Passkeys, func(p store.Passkey) bool { return p.ID == id })
}

// protocolReason is what a refused WebAuthn answer tells the user.
func protocolReason(err error) string {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Details != "" {
		return strings.TrimSuffix(pe.Details, ".")
	}
	return "it did not verify"
}

// protocolDetail is what is logged about a refused WebAuthn answer.
func protocolDetail(err error) string {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe.Type + ": " + pe.Details + " " + pe.DevInfo
	}
	return err.Error()
}
