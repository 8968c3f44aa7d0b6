//go:build !js

// Package oskeychain is the operating system's credential store for the
// desktop app, through github.com/zalando/go-keyring: the Secret Service
// (GNOME Keyring, KWallet) on Linux, the Keychain on macOS, the Credential
// Manager on Windows.
package oskeychain

import (
	"errors"

	"github.com/zalando/go-keyring"

	"github.com/dialnexa/account/core"
)

// Keychain implements core.Keychain.
type Keychain struct{}

// Get returns the secret, or core.ErrNoSecret.
func (Keychain) Get(service, user string) (string, error) {
	s, err := keyring.Get(service, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", core.ErrNoSecret
	}
	return s, err
}

// Set stores the secret.
func (Keychain) Set(service, user, secret string) error { return keyring.Set(service, user, secret) }

// Delete removes the secret; core.ErrNoSecret when there was none.
func (Keychain) Delete(service, user string) error {
	err := keyring.Delete(service, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return core.ErrNoSecret
	}
	return err
}
