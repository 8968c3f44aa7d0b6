package account

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"

	"github.com/dialnexa/account/server/internal/store"
)

// SetAvatar stores a processed profile picture (PNG) and returns its
// version, which the view carries.
func (s *Service) SetAvatar(ctx context.Context, ss store.Session, png []byte) (string, error) {
	sum := sha256.Sum256(png)
	hash := hex.EncodeToString(sum[:8])
	return hash, s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if err := tx.PutAvatar(a.ID, png); err != nil {
			return err
		}
		a.Avatar = hash
		return tx.save(&a)
	})
}

// Avatar returns the account's picture as PNG.
func (s *Service) Avatar(ctx context.Context, ss store.Session) ([]byte, error) {
	var data []byte
	err := s.store.View(ctx, func(tx store.Tx) (err error) { data, err = tx.Avatar(ss.AccountID); return })
	if isNotFound(err) {
		return nil, notFound("No profile picture.")
	}
	return data, err
}

// RemoveAvatar removes the account's picture.
func (s *Service) RemoveAvatar(ctx context.Context, ss store.Session) error {
	return s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if err := tx.DeleteAvatar(a.ID); err != nil {
			return err
		}
		a.Avatar = ""
		return tx.save(&a)
	})
}

// Picture returns the account's picture when version is its current one
// (the hash the OpenID Connect picture claim carries): a link to an
// earlier picture, or a guessed one, finds nothing.
func (s *Service) Picture(ctx context.Context, accountID, version string) ([]byte, error) {
	var png []byte
	err := s.store.View(ctx, func(tx store.Tx) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		if a.Avatar == "" || subtle.ConstantTimeCompare([]byte(a.Avatar), []byte(version)) != 1 {
			return store.ErrNotFound
		}
		png, err = tx.Avatar(accountID)
		return err
	})
	return png, err
}
