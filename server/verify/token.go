package verify

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"time"
)

// accessTokenLife bounds an access token (the server's are 5 minutes),
// with a minute for clocks apart.
const accessTokenLife = 6 * time.Minute

// accessToken is a verified access token's claims.
type accessToken struct {
	Issuer  string `json:"iss"`
	Subject string `json:"sub"`
	Expiry  int64  `json:"exp"`
	Session string `json:"sid"`
	Client  string `json:"client_id"`
}

// checkAccessToken verifies an OpenID Connect access token (its signature
// with the issuer's keys, its issuer and expiry) and checks the session
// it names.
func (c *Checker) checkAccessToken(ctx context.Context, raw string) (Session, error) {
	if c.keys == nil {
		return Session{}, refuse(ErrInvalid, "access tokens are not accepted here")
	}
	h := sha256.Sum256([]byte(raw))
	now := c.cfg.Now()
	c.mu.RLock()
	t, ok := c.cache.tokens[h]
	c.mu.RUnlock()
	if !ok {
		payload, err := c.keys.VerifySignature(ctx, raw)
		if err != nil {
			if ctx.Err() != nil {
				return Session{}, ctx.Err()
			}
			return Session{}, refuse(ErrInvalid, "the access token's signature does not verify: %v", err)
		}
		if err := json.Unmarshal(payload, &t); err != nil || t.Session == "" || t.Subject == "" {
			return Session{}, refuse(ErrInvalid, "the access token does not name a session")
		}
		if strings.TrimRight(t.Issuer, "/") != strings.TrimRight(c.cfg.Issuer, "/") {
			return Session{}, refuse(ErrInvalid, "the access token is from another issuer (%s)", t.Issuer)
		}
	}
	if now.Unix() >= t.Expiry {
		return Session{}, refuse(ErrInvalid, "the access token has expired")
	}
	live := c.live()
	c.mu.Lock()
	if !ok && live {
		if len(c.cache.tokens) >= maxTokens {
			clear(c.cache.tokens)
		}
		c.cache.tokens[h] = t
	}
	_, ended := c.cache.ended[t.Session]
	var cached Session
	if e := c.cache.bySession[t.Session]; live && e != nil && e.ended.IsZero() {
		cached = e.session
	}
	c.mu.Unlock()
	if ended {
		return Session{}, refuse(ErrEnded, "the session this access token belongs to has ended")
	}
	if cached.AccountID != "" && cached.AccountID == t.Subject {
		return cached, nil
	}
	s, err := c.ask(ctx, checkRequest{SessionID: t.Session}, [32]byte{})
	if err == nil && s.AccountID != t.Subject {
		return Session{}, refuse(ErrInvalid, "the access token's session is another account's")
	}
	return s, err
}

// maxTokens bounds the verified access tokens kept.
const maxTokens = 100000
