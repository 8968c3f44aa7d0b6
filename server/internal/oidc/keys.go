package oidc

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// Token lifetimes, and how signing keys are rotated.
const (
	// AccessTokenLifetime bounds an access token (RFC 9068 JWT).
	AccessTokenLifetime = 5 * time.Minute
	// IDTokenLifetime bounds an ID token.
	IDTokenLifetime = 10 * time.Minute
	// logoutTokenLifetime bounds a back-channel logout token.
	logoutTokenLifetime = 2 * time.Minute
	// RefreshTokenLifetime is how long an unused refresh token lasts.
	RefreshTokenLifetime = 30 * 24 * time.Hour
	// RotateEvery is how often a new signing key replaces the current one.
	RotateEvery = 30 * 24 * time.Hour
	// DefaultKeyLead is how long a new key is published before it signs:
	// longer than anyone caches the JWKS (keysMaxAge) and than a node
	// keeps its key ring (ringFresh).
	DefaultKeyLead = 10 * time.Minute
	// keyOverlap is how long a replaced key stays published after it last
	// signed: the longest lifetime of what it signed, and a minute's skew.
	keyOverlap = IDTokenLifetime + time.Minute
	// ringFresh is how long a node uses the keys it read.
	ringFresh = 30 * time.Second
	// keysMaxAge is the JWKS's and the discovery document's Cache-Control.
	keysMaxAge = 5 * time.Minute
	keyBits    = 2048
	keysLease  = "oidc-signing-keys"
)

// signingKey is a key that signs, as the op package wants it.
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

// publicKey is a published key.
type publicKey struct {
	id  string
	key *rsa.PublicKey
}

func (k publicKey) ID() string                         { return k.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.key }

// keyRing is a node's copy of the signing keys, read again every
// ringFresh; reading it rotates the keys when they are due.
type keyRing struct {
	st   store.Store
	now  func() time.Time
	rand io.Reader
	lead time.Duration

	mu     sync.Mutex
	keys   []store.SigningKey
	parsed map[string]*rsa.PrivateKey
	read   time.Time
}

// load returns the keys, read again when stale (or when force).
func (r *keyRing) load(ctx context.Context, force bool) ([]store.SigningKey, map[string]*rsa.PrivateKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if !force && r.keys != nil && now.Sub(r.read) < ringFresh && now.After(r.read) {
		return r.keys, r.parsed, nil
	}
	var keys []store.SigningKey
	err := r.st.View(ctx, func(tx store.Tx) (err error) { keys, err = tx.SigningKeys(); return })
	if err != nil {
		return nil, nil, err
	}
	if due(keys, now, r.lead) {
		if keys, err = Rotate(ctx, r.st, now, r.rand, r.lead, false, false); err != nil {
			return nil, nil, err
		}
	}
	parsed := make(map[string]*rsa.PrivateKey, len(keys))
	for _, k := range keys {
		if p := r.parsed[k.ID]; p != nil {
			parsed[k.ID] = p
			continue
		}
		pk, err := x509.ParsePKCS8PrivateKey(k.Private)
		if err != nil {
			return nil, nil, fmt.Errorf("signing key %s: %w", k.ID, err)
		}
		rk, ok := pk.(*rsa.PrivateKey)
		if !ok {
			return nil, nil, fmt.Errorf("signing key %s is not an RSA key", k.ID)
		}
		parsed[k.ID] = rk
	}
	r.keys, r.parsed, r.read = keys, parsed, now
	return keys, parsed, nil
}

// signing returns the key that signs now: the newest whose time to sign
// has come.
func (r *keyRing) signing(ctx context.Context) (signingKey, error) {
	keys, parsed, err := r.load(ctx, false)
	if err != nil {
		return signingKey{}, err
	}
	now := r.now()
	for i := len(keys) - 1; i >= 0; i-- {
		if !keys[i].Signs.After(now) {
			return signingKey{id: keys[i].ID, key: parsed[keys[i].ID]}, nil
		}
	}
	return signingKey{}, errors.New("no signing key is in use yet")
}

// published returns the keys in the JWKS: every key not yet retired.
func (r *keyRing) published(ctx context.Context) ([]op.Key, error) {
	keys, parsed, err := r.load(ctx, false)
	if err != nil {
		return nil, err
	}
	now := r.now()
	var out []op.Key
	for _, k := range keys {
		if k.Retire.IsZero() || k.Retire.After(now) {
			out = append(out, publicKey{id: k.ID, key: &parsed[k.ID].PublicKey})
		}
	}
	return out, nil
}

// due reports whether the keys need a rotation at now: none signs yet,
// or the newest has signed for RotateEvery (less the lead) with no
// successor published, or a retired key has outlived its tokens.
func due(keys []store.SigningKey, now time.Time, lead time.Duration) bool {
	if len(keys) == 0 {
		return true
	}
	newest := keys[len(keys)-1]
	if !newest.Signs.After(now) && !newest.Signs.Add(RotateEvery-lead).After(now) {
		return true
	}
	for _, k := range keys {
		if !k.Retire.IsZero() && !k.Retire.After(now) {
			return true
		}
	}
	return false
}

// Rotate makes a new signing key at now and returns the keys. The first
// key signs at once; a later one is published now and signs from
// now+lead, and the keys it replaces stay published until what they
// signed has expired. With immediately (a key was exposed) the new key
// signs now and every older one is withdrawn at once: tokens they signed
// stop verifying. Keys whose time is over are deleted. Unless forced (an
// operator's rotation), a rotation that is not due (another node just did
// it) changes nothing; a successor already published and not yet signing
// is never doubled. Nodes rotate one at a time.
func Rotate(ctx context.Context, st store.Store, now time.Time, rand io.Reader, lead time.Duration, force, immediately bool) ([]store.SigningKey, error) {
	var out []store.SigningKey
	err := st.Update(ctx, func(tx store.Tx) error {
		holder, err := auth.NewID(rand)
		if err != nil {
			return err
		}
		// Taken and dropped in the transaction: on PostgreSQL it holds
		// concurrent rotations until this one commits.
		if _, err := tx.TakeLease(keysLease, holder, now, now.Add(time.Minute)); err != nil {
			return err
		}
		keys, err := tx.SigningKeys()
		if err != nil {
			return err
		}
		if force || immediately || due(keys, now, lead) {
			if keys, err = rotateIn(tx, keys, now, rand, lead, force, immediately); err != nil {
				return err
			}
		}
		out = keys
		return tx.DropLease(keysLease, holder)
	})
	return out, err
}

func rotateIn(tx store.Tx, keys []store.SigningKey, now time.Time, rand io.Reader, lead time.Duration, force, immediately bool) ([]store.SigningKey, error) {
	var kept []store.SigningKey
	for _, k := range keys {
		if !k.Retire.IsZero() && !k.Retire.After(now) {
			if err := tx.DeleteSigningKey(k.ID); err != nil {
				return nil, err
			}
			continue
		}
		kept = append(kept, k)
	}
	newest := len(kept) - 1
	// A successor already published (not yet signing) is what a rotation
	// would make; a newest key not yet due needs none (only retired keys
	// needed deleting).
	if !immediately && newest >= 0 && (kept[newest].Signs.After(now) || (!force && kept[newest].Signs.Add(RotateEvery-lead).After(now))) {
		return kept, nil
	}
	signs := now.Add(lead)
	if len(kept) == 0 || immediately {
		signs = now
	}
	for i := range kept {
		switch {
		case immediately:
			if err := tx.DeleteSigningKey(kept[i].ID); err != nil {
				return nil, err
			}
		case kept[i].Retire.IsZero():
			kept[i].Retire = signs.Add(keyOverlap)
			if err := tx.PutSigningKey(kept[i]); err != nil {
				return nil, err
			}
		}
	}
	if immediately {
		kept = nil
	}
	k, err := newKey(rand, now, signs)
	if err != nil {
		return nil, err
	}
	if err := tx.PutSigningKey(k); err != nil {
		return nil, err
	}
	return append(kept, k), nil
}

func newKey(rand io.Reader, now, signs time.Time) (store.SigningKey, error) {
	pk, err := rsa.GenerateKey(rand, keyBits)
	if err != nil {
		return store.SigningKey{}, fmt.Errorf("make a signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(pk)
	if err != nil {
		return store.SigningKey{}, err
	}
	id, err := auth.NewID(rand)
	if err != nil {
		return store.SigningKey{}, err
	}
	return store.SigningKey{ID: id, Algorithm: string(jose.RS256), Private: der, Created: now, Signs: signs}, nil
}
