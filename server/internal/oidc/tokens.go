package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// CreateAccessToken makes the id of an access token (a JWT) for a code
// without offline_access or a refresh.
func (s storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	if r, ok := req.(*authRequest); ok {
		if err := s.startSession(ctx, r); err != nil {
			return "", time.Time{}, err
		}
	}
	b, ok := req.(sessionBound)
	if !ok {
		return "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	random, err := auth.NewID(s.p.rand)
	if err != nil {
		return "", time.Time{}, err
	}
	// On the wall clock: the op package times tokens with it.
	return accessTokenID(b.sessionID(), random, req.GetScopes()), time.Now().Add(AccessTokenLifetime), nil
}

// CreateAccessAndRefreshTokens makes an access token's id and a new
// refresh token; a refresh was used up by TokenRequestByRefreshToken.
func (s storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, _ string) (string, string, time.Time, error) {
	id, exp, err := s.CreateAccessToken(ctx, req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	var g refreshGrant
	switch r := req.(type) {
	case *authRequest:
		g = refreshGrant{SessionID: r.SessionID, ClientID: r.ClientID, Scopes: r.Scopes, AuthTime: r.AuthTime, AMR: r.AMR}
	case *refreshRequest:
		g = r.grant
		g.Used = false
	default:
		return "", "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	token, err := auth.NewToken(s.p.rand)
	if err != nil {
		return "", "", time.Time{}, err
	}
	data, err := json.Marshal(g)
	if err != nil {
		return "", "", time.Time{}, err
	}
	err = s.p.st.Update(ctx, func(tx store.Tx) error {
		return tx.PutToken(key(kindRefresh, token), store.Token{Kind: kindRefresh, AccountID: req.GetSubject(),
			Expires: s.now().Add(RefreshTokenLifetime), Data: string(data)})
	})
	return id, token, exp, err
}

// TokenRequestByRefreshToken uses a refresh token up (each is good once:
// the answer carries the next). One presented again ends its session and
// with it every token of the family. One whose session ended is refused.
func (s storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	now := s.now()
	var req *refreshRequest
	var reused bool
	err := s.p.st.Update(ctx, func(tx store.Tx) error {
		reused = false
		g, t, err := getRefresh(tx, token, now)
		if err != nil {
			return err
		}
		req = &refreshRequest{grant: g, accountID: t.AccountID}
		if g.Used {
			reused = true
			return nil
		}
		ss, err := tx.Session(g.SessionID)
		if errors.Is(err, store.ErrNotFound) {
			return op.ErrInvalidRefreshToken
		}
		if err != nil {
			return err
		}
		g.Used = true
		if err := putRefresh(tx, token, g, t); err != nil {
			return err
		}
		ss.LastActive = now
		return tx.PutSession(ss)
	})
	if err != nil {
		return nil, err
	}
	if reused {
		if err := s.p.accounts.EndAppSession(ctx, req.accountID, req.grant.SessionID, "A refresh token was used twice; the session was ended to be safe.", "Session ended after a reused refresh token"); err != nil && !isGone(err) {
			return nil, err
		}
		return nil, op.ErrInvalidRefreshToken
	}
	return req, nil
}

func getRefresh(tx store.Tx, token string, now time.Time) (refreshGrant, store.Token, error) {
	t, err := tx.Token(key(kindRefresh, token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (t.Kind != kindRefresh || !now.Before(t.Expires))) {
		return refreshGrant{}, t, op.ErrInvalidRefreshToken
	}
	if err != nil {
		return refreshGrant{}, t, err
	}
	var g refreshGrant
	return g, t, json.Unmarshal([]byte(t.Data), &g)
}

func putRefresh(tx store.Tx, token string, g refreshGrant, t store.Token) error {
	data, err := json.Marshal(g)
	if err != nil {
		return err
	}
	t.Data = string(data)
	return tx.PutToken(key(kindRefresh, token), t)
}

// TerminateSession is replaced by TerminateSessionFromRequest.
func (s storage) TerminateSession(context.Context, string, string) error { return nil }

// TerminateSessionFromRequest ends the session an application signs out
// of (RP-initiated logout): the one its id_token_hint names.
func (s storage) TerminateSessionFromRequest(ctx context.Context, r *op.EndSessionRequest) (string, error) {
	if r.IDTokenHintClaims != nil {
		sid, _ := r.IDTokenHintClaims.Claims["sid"].(string)
		if sid != "" && r.IDTokenHintClaims.Subject != "" && slices.Contains(r.IDTokenHintClaims.Audience, r.ClientID) {
			err := s.p.accounts.EndAppSession(ctx, r.IDTokenHintClaims.Subject, sid, "Signed out of the app.", "")
			if err != nil && !isGone(err) {
				return "", err
			}
		}
	}
	return r.RedirectURI, nil
}

// RevokeToken (RFC 7009): a refresh token ends its session (the grant);
// an access token is refused from now until it expires.
func (s storage) RevokeToken(ctx context.Context, tokenOrID, userID, clientID string) *oidc.Error {
	if refresh, ok := strings.CutPrefix(tokenOrID, refreshIDPrefix); ok || userID == "" {
		if ok {
			tokenOrID = refresh
		}
		var g refreshGrant
		var t store.Token
		err := s.p.st.View(ctx, func(tx store.Tx) (err error) { g, t, err = getRefresh(tx, tokenOrID, s.now()); return })
		if errors.Is(err, op.ErrInvalidRefreshToken) {
			return nil // RFC 7009, section 2.2: an unknown token is not an error
		}
		if err != nil {
			return oidc.ErrServerError().WithParent(err)
		}
		if g.ClientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("The token belongs to another application.")
		}
		if err := s.p.accounts.EndAppSession(ctx, t.AccountID, g.SessionID, "Signed out of the app.", ""); err != nil && !isGone(err) {
			return oidc.ErrServerError().WithParent(err)
		}
		return nil
	}
	if _, _, ok := parseAccessTokenID(tokenOrID); !ok {
		return nil
	}
	err := s.p.st.Update(ctx, func(tx store.Tx) error {
		return tx.PutToken(key(kindRevoked, tokenOrID), store.Token{Kind: kindRevoked, AccountID: userID, Expires: s.now().Add(AccessTokenLifetime + time.Minute)})
	})
	if err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}

// refreshIDPrefix marks, for RevokeToken, a refresh token among token ids
// (an access token's id never starts with it).
const refreshIDPrefix = "refresh:"

func (s storage) GetRefreshTokenInfo(ctx context.Context, _ string, token string) (string, string, error) {
	var t store.Token
	err := s.p.st.View(ctx, func(tx store.Tx) (err error) { _, t, err = getRefresh(tx, token, s.now()); return })
	if err != nil {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.AccountID, refreshIDPrefix + token, nil
}

func (s storage) SigningKey(ctx context.Context) (op.SigningKey, error) { return s.p.keys.signing(ctx) }

func (s storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s storage) KeySet(ctx context.Context) ([]op.Key, error) { return s.p.keys.published(ctx) }
