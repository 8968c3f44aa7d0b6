package account

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dialnexa/account/server/internal/store"
)

// recordChanges adds to the changes log, in the change's transaction,
// what services caching sessions must hear of: ended sessions, deleted
// accounts, and accounts whose session facts (what a check answers about
// them) changed.
func (s *Service) recordChanges(tx store.Tx, fx *Effects) error {
	now := s.now()
	deleted := map[string]bool{}
	for _, r := range fx.Accounts {
		deleted[r.ID] = true
		if _, err := tx.AddChange(store.Change{Kind: store.ChangeDeleted, ID: accountKey(r.ID), At: now}); err != nil {
			return err
		}
	}
	for _, r := range fx.Sessions {
		if _, err := tx.AddChange(store.Change{Kind: store.ChangeSession, ID: r.ID, At: now}); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, id := range fx.Views {
		if seen[id] || deleted[id] {
			continue
		}
		seen[id] = true
		changed, err := refreshFacts(tx, id)
		if err != nil {
			return err
		}
		if changed {
			if _, err := tx.AddChange(store.Change{Kind: store.ChangeAccount, ID: accountKey(id), At: now}); err != nil {
				return err
			}
		}
	}
	return nil
}

// accountKey names an account in the changes log: a digest of its id,
// so the log (kept a day) holds nothing of an account deleted meanwhile.
// server/verify computes the same.
func accountKey(id string) string {
	sum := sha256.Sum256([]byte("account/" + id))
	return hex.EncodeToString(sum[:16])
}

// refreshFacts stores the digest of the account's session facts and
// reports whether it changed.
func refreshFacts(tx factsTx, id string) (bool, error) {
	a, err := tx.Account(id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	wss, err := tx.Workspaces(id)
	if err != nil {
		return false, err
	}
	h := factsDigest(a, wss)
	if h == a.Facts {
		return false, nil
	}
	a.Facts = h
	return true, tx.PutAccount(a)
}

// factsDigest is a digest of what a session check says about an account.
func factsDigest(a store.Account, wss []store.Workspace) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q %q %t %t\n", a.Email, a.DisplayName, a.EmailVerified, a.TwoFactor.Enabled)
	lines := make([]string, 0, len(wss))
	for _, w := range wss {
		lines = append(lines, fmt.Sprintf("%q %q %q", w.ID, w.Name, w.Role(a.ID)))
	}
	slices.Sort(lines)
	b.WriteString(strings.Join(lines, "\n"))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:16])
}
