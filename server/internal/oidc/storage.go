package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// requestLifetime bounds an authorization request (the user signs in
// meanwhile); codeLifetime the code it ends with.
const (
	requestLifetime = 10 * time.Minute
	codeLifetime    = time.Minute
)

// storage is the op package's storage on the store: every node serves
// every step.
type storage struct{ p *Provider }

var (
	_ op.Storage                        = storage{}
	_ op.CanSetUserinfoFromRequest      = storage{}
	_ op.CanGetPrivateClaimsFromRequest = storage{}
	_ op.CanTerminateSessionFromRequest = storage{}
)

// key is where a record of the kind is kept: under the hash of what
// names it, so a stolen copy of the store holds no usable code or token.
func key(kind, name string) string { return auth.HashToken(kind + "/" + name) }

var errNoRequest = oidc.ErrInvalidRequest().WithDescription("This sign-in request has expired or is unknown: start again from the application.")

func (s storage) now() time.Time { return s.p.now() }

// CreateAuthRequest stores a validated authorization request. PKCE with
// S256 is required of every client (RFC 9700, section 2.1.1).
func (s storage) CreateAuthRequest(ctx context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if r.CodeChallenge == "" || r.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE is required: send a code_challenge with code_challenge_method=S256.")
	}
	if r.ResponseType != oidc.ResponseTypeCode {
		e := oidc.ErrInvalidRequest().WithDescription("Only the authorization code flow (response_type=code) is supported.")
		e.ErrorType = "unsupported_response_type"
		return nil, e
	}
	id, err := auth.NewToken(s.p.rand)
	if err != nil {
		return nil, err
	}
	now := s.now()
	req := &authRequest{ID: id, ClientID: r.ClientID, RedirectURI: r.RedirectURI, Scopes: r.Scopes, State: r.State,
		Nonce: r.Nonce, ResponseType: r.ResponseType, ResponseMode: r.ResponseMode, CodeChallenge: r.CodeChallenge,
		Prompt: r.Prompt, MaxAge: r.MaxAge, LoginHint: r.LoginHint, Created: now}
	err = s.p.st.Update(ctx, func(tx store.Tx) error { return putRequest(tx, req) })
	if err != nil {
		return nil, err
	}
	return req, nil
}

func putRequest(tx store.Tx, r *authRequest) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.PutToken(key(kindRequest, r.ID), store.Token{Kind: kindRequest, AccountID: r.AccountID,
		Expires: r.Created.Add(requestLifetime), Data: string(data)})
}

// getRequest reads a request that has not expired.
func getRequest(tx store.Tx, id string, now time.Time) (*authRequest, error) {
	t, err := tx.Token(key(kindRequest, id))
	if err != nil || t.Kind != kindRequest || !now.Before(t.Expires) {
		if err == nil || errors.Is(err, store.ErrNotFound) {
			return nil, errNoRequest
		}
		return nil, err
	}
	r := new(authRequest)
	return r, json.Unmarshal([]byte(t.Data), r)
}

func (s storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	var r *authRequest
	err := s.p.st.View(ctx, func(tx store.Tx) (err error) { r, err = getRequest(tx, id, s.now()); return })
	if err != nil {
		return nil, err
	}
	return r, nil
}

// SaveAuthCode keeps the one code of a completed request: a second
// callback for the request (a replayed redirect) gets none.
func (s storage) SaveAuthCode(ctx context.Context, id, code string) error {
	now := s.now()
	return s.p.st.Update(ctx, func(tx store.Tx) error {
		r, err := getRequest(tx, id, now)
		if err != nil {
			return err
		}
		if !r.Completed || r.CodeHash != "" {
			return oidc.ErrInvalidRequest().WithDescription("This sign-in request was already answered: start again from the application.")
		}
		r.CodeHash = key(kindCode, code)
		if err := putRequest(tx, r); err != nil {
			return err
		}
		return tx.PutToken(r.CodeHash, store.Token{Kind: kindCode, AccountID: r.AccountID, Expires: now.Add(codeLifetime), Data: r.ID})
	})
}

// AuthRequestByCode finds a code's request. The code is used up only
// once the exchange has passed every check (startSession), so a client
// that fails to authenticate (or retries with another method) does not
// lose it. A code presented after it was used ends the session its first
// use started (RFC 6749, section 4.1.2: its tokens are revoked).
func (s storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	now := s.now()
	var r *authRequest
	err := s.p.st.View(ctx, func(tx store.Tx) error {
		t, err := tx.Token(key(kindCode, code))
		if errors.Is(err, store.ErrNotFound) || (err == nil && t.Kind != kindCode) {
			return errUnknownCode
		}
		if err != nil {
			return err
		}
		if r, err = getRequest(tx, t.Data, now); err != nil {
			return errUnknownCode
		}
		if !r.Exchanged && !now.Before(t.Expires) {
			return oidc.ErrInvalidGrant().WithDescription("The code has expired: sign in again.")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r.Exchanged {
		return nil, s.reused(ctx, r)
	}
	return r, nil
}

var errUnknownCode = oidc.ErrInvalidGrant().WithDescription("The code is unknown or expired.")

// reused ends what a code's first use started, and says so.
func (s storage) reused(ctx context.Context, r *authRequest) error {
	if r.SessionID != "" {
		err := s.p.accounts.EndAppSession(ctx, r.AccountID, r.SessionID, "A sign-in code was used twice; the session was ended to be safe.", "Session ended after a reused sign-in code")
		if err != nil && !isGone(err) {
			return err
		}
	}
	return oidc.ErrInvalidGrant().WithDescription("The code was already used; the tokens it gave were revoked.")
}

// DeleteAuthRequest keeps the request until it expires: a second use of
// its code must find what the first started.
func (s storage) DeleteAuthRequest(context.Context, string) error { return nil }

// errCodeRace is a code used by a concurrent exchange meanwhile.
type errCodeRace struct{ first *authRequest }

func (e errCodeRace) Error() string { return "the code was used meanwhile" }

// startSession uses the code up and starts the account session of its
// tokens, in one transaction; a concurrent exchange of the same code that
// got there first makes this one a reuse.
func (s storage) startSession(ctx context.Context, r *authRequest) error {
	if r.SessionID != "" {
		return nil
	}
	app, err := s.app(ctx, r.ClientID)
	if err != nil {
		return err
	}
	now := s.now()
	ss, err := s.p.accounts.StartAppSession(ctx, appSignIn(app, r), func(tx store.Tx, ss store.Session) error {
		cur, err := getRequest(tx, r.ID, now)
		if err != nil {
			return errUnknownCode
		}
		if cur.Exchanged {
			return errCodeRace{cur}
		}
		cur.Exchanged, cur.SessionID = true, ss.ID
		return putRequest(tx, cur)
	})
	var race errCodeRace
	if errors.As(err, &race) {
		return s.reused(ctx, race.first)
	}
	if err != nil {
		return err
	}
	r.Exchanged, r.SessionID = true, ss.ID
	return nil
}
