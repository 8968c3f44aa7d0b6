package oidc

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

func (s storage) app(ctx context.Context, id string) (store.App, error) {
	var a store.App
	err := s.p.st.View(ctx, func(tx store.Tx) (err error) { a, err = appIn(tx, id); return })
	if errors.Is(err, store.ErrNotFound) {
		return a, fmt.Errorf("no application is registered with client id %q", id)
	}
	if err != nil {
		return a, oidc.ErrServerError().WithParent(err)
	}
	return a, nil
}

func (s storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	a, err := s.app(ctx, id)
	if err != nil {
		return nil, err
	}
	return client{a}, nil
}

func (s storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	a, err := s.app(ctx, id)
	if err != nil {
		return err
	}
	if a.SecretHash == "" || subtle.ConstantTimeCompare([]byte(auth.HashToken(secret)), []byte(a.SecretHash)) != 1 {
		return errors.New("wrong client secret")
	}
	return nil
}

func (s storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s storage) SetUserinfoFromRequest(ctx context.Context, u *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	var sid string
	if b, ok := req.(sessionBound); ok {
		sid = b.sessionID()
	}
	return s.userinfo(ctx, u, req.GetSubject(), sid, scopes)
}

// SetUserinfoFromToken answers /userinfo for an access token whose
// session is live.
func (s storage) SetUserinfoFromToken(ctx context.Context, u *oidc.UserInfo, tokenID, subject, _ string) error {
	sid, scopes, err := s.liveToken(ctx, tokenID, subject)
	if err != nil {
		return err
	}
	return s.userinfo(ctx, u, subject, sid, scopes)
}

// SetIntrospectionFromToken answers introspection (RFC 7662): an access
// token is active while unrevoked, unexpired and its session live.
func (s storage) SetIntrospectionFromToken(ctx context.Context, r *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	sid, scopes, err := s.liveToken(ctx, tokenID, subject)
	if err != nil {
		return err
	}
	u := new(oidc.UserInfo)
	if err := s.userinfo(ctx, u, subject, sid, scopes); err != nil {
		return err
	}
	r.SetUserInfo(u)
	r.Scope = scopes
	r.ClientID = clientID
	r.TokenType = oidc.BearerToken
	if r.Claims == nil {
		r.Claims = map[string]any{}
	}
	r.Claims["sid"] = sid
	return nil
}

// liveToken checks an access token's id: not revoked, its session live.
func (s storage) liveToken(ctx context.Context, tokenID, subject string) (string, []string, error) {
	sid, scopes, ok := parseAccessTokenID(tokenID)
	if !ok {
		return "", nil, errors.New("not an access token of this provider")
	}
	if err := s.p.accounts.AwaitEnding(ctx, sid); err != nil {
		return "", nil, err
	}
	err := s.p.st.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Token(key(kindRevoked, tokenID)); err == nil {
			return errors.New("the access token was revoked")
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		ss, err := tx.Session(sid)
		if err != nil {
			return err
		}
		if ss.AccountID != subject {
			return errors.New("the access token's session is another account's")
		}
		return nil
	})
	return sid, scopes, err
}

// userinfo sets the claims the scopes ask for.
func (s storage) userinfo(ctx context.Context, u *oidc.UserInfo, subject, sid string, scopes []string) error {
	var a store.Account
	err := s.p.st.View(ctx, func(tx store.Tx) (err error) { a, err = tx.Account(subject); return })
	if err != nil {
		return err
	}
	u.Subject = a.ID
	if slices.Contains(scopes, oidc.ScopeEmail) {
		u.Email, u.EmailVerified = a.Email, oidc.Bool(a.EmailVerified)
		if !a.EmailVerified {
			u.AppendClaims("email_verified", false) // said, not left out
		}
	}
	if slices.Contains(scopes, oidc.ScopeProfile) {
		u.Name = a.DisplayName
		if a.Avatar != "" {
			u.Picture = s.p.issuer + "/oidc/picture/" + a.ID + "?v=" + a.Avatar
		}
	}
	if sid != "" {
		u.AppendClaims("sid", sid)
	}
	return nil
}

// GetPrivateClaimsFromRequest adds to an access token the session it
// belongs to and how its user authenticated.
func (s storage) GetPrivateClaimsFromRequest(_ context.Context, req op.TokenRequest, _ []string) (map[string]any, error) {
	claims := map[string]any{}
	if b, ok := req.(sessionBound); ok {
		claims["sid"] = b.sessionID()
	}
	if r, ok := req.(interface {
		GetAuthTime() time.Time
		GetAMR() []string
	}); ok {
		claims["auth_time"] = r.GetAuthTime().Unix()
		if amr := r.GetAMR(); len(amr) > 0 {
			claims["amr"] = amr
		}
	}
	return claims, nil
}

func (s storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("JWT client authentication is not supported")
}

func (s storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("the JWT profile grant is not supported")
}

func (s storage) Health(ctx context.Context) error {
	return s.p.st.View(ctx, func(tx store.Tx) error { _, err := tx.Apps(); return err })
}
