package core

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// PasskeyCeremony is what a browser needs to create or use a passkey: the
// WebAuthn options, in their JSON form under "publicKey", and the id of
// the ceremony, sent back with the browser's answer.
type PasskeyCeremony struct {
	ID      string          `json:"ceremony"`
	Options json.RawMessage `json:"options"`
}

// PasskeyRequired is the server's answer to a password sign-in or reset
// that needs a second factor when a passkey can give it: the error, and
// the ceremony a passkey answers. It unwraps to the *wire.Error.
type PasskeyRequired struct {
	Err      *wire.Error
	Ceremony PasskeyCeremony
	// Codes says an authenticator app's code or a backup code is
	// accepted instead.
	Codes bool
}

func (e *PasskeyRequired) Error() string { return e.Err.Error() }
func (e *PasskeyRequired) Unwrap() error { return e.Err }

// PasskeyChallenge returns what err asks for when a passkey can answer
// it: the ceremony and whether a code is accepted too.
func PasskeyChallenge(err error) (*PasskeyRequired, bool) {
	var pr *PasskeyRequired
	return pr, errors.As(err, &pr)
}

// PasskeyOptions starts adding a passkey (the password, or empty within
// the step-up window): the options for navigator.credentials.create.
func (c *Actions) PasskeyOptions(ctx context.Context, password string) (PasskeyCeremony, error) {
	var out PasskeyCeremony
	if err := c.requireOnline(); err != nil {
		return out, err
	}
	// Takeover-grade: the step-up window spares the password.
	err := c.stepUpCall(ctx, "/v1/passkeys/options", password, map[string]string{}, &out)
	return out, err
}

// AddPasskey finishes adding a passkey named name with the browser's
// answer (PublicKeyCredential.toJSON) to the ceremony.
func (c *Actions) AddPasskey(ctx context.Context, name, ceremony string, credential json.RawMessage) error {
	name, err := model.NormalizePasskeyName(name)
	if err != nil {
		return err
	}
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "POST", "/v1/passkeys", c.token(), map[string]any{"name": name, "ceremony": ceremony, "credential": credential}, nil)
}

// RenamePasskey renames one of the account's passkeys.
func (c *Actions) RenamePasskey(ctx context.Context, id, name string) error {
	name, err := model.NormalizePasskeyName(name)
	if err != nil {
		return err
	}
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "PATCH", "/v1/passkeys/"+url.PathEscape(id), c.token(), map[string]string{"name": name}, nil)
}

// RemovePasskey removes one of the account's passkeys (the password, or
// empty within the step-up window).
func (c *Actions) RemovePasskey(ctx context.Context, id, password string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.stepUpCall(ctx, "/v1/passkeys/"+url.PathEscape(id)+"/remove", password, map[string]string{}, nil)
}

// PasskeySignInOptions starts a sign-in with a passkey (no email): the
// options for navigator.credentials.get.
func (c *Session) PasskeySignInOptions(ctx context.Context) (PasskeyCeremony, error) {
	var out PasskeyCeremony
	err := c.call(ctx, "POST", "/v1/signin/passkey/options", "", map[string]any{}, &out)
	return out, err
}

// SignInWithPasskey signs in with a passkey's answer to the ceremony
// PasskeySignInOptions started.
func (c *Session) SignInWithPasskey(ctx context.Context, ceremony string, credential json.RawMessage) error {
	return c.startSession(ctx, "/v1/signin/passkey", map[string]any{"ceremony": ceremony, "credential": credential})
}

// SignInWithPasskeyFactor signs in with the password and, as the second
// factor, a passkey's answer to the ceremony the server asked for.
func (c *Session) SignInWithPasskeyFactor(ctx context.Context, email, password, ceremony string, credential json.RawMessage) error {
	return c.startSession(ctx, "/v1/signin", map[string]any{"email": email, "password": password,
		"passkey": map[string]any{"ceremony": ceremony, "credential": credential}})
}

// RemovePasskeyWarning is what the clients say before removing the
// passkey id: removing the account's last second factor leaves the
// password alone to sign in.
func RemovePasskeyWarning(v model.View, id string) string {
	others := 0
	for _, p := range v.Passkeys {
		if p.ID != id && !p.Suspect {
			others++
		}
	}
	if others == 0 && !v.TwoFactor.Enabled {
		return "This is your only second factor: once it is removed, your password alone signs in to your account. Add another passkey or turn on two-factor authentication to keep your account protected."
	}
	return "The passkey will no longer sign in to your account."
}

// PasskeySummary is one line about a passkey for the lists: when it was
// added and last used (dates as the client formats them), or why it no
// longer works.
func PasskeySummary(p model.Passkey, date func(time.Time) string) string {
	if p.Suspect {
		return "Refused: its signature counter went back, so a copy may exist. Remove it and add it again."
	}
	s := "Added " + date(p.Created)
	if p.LastUsed.IsZero() {
		return s + " · never used"
	}
	return s + " · last used " + date(p.LastUsed)
}
