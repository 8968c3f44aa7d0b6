package oidc

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
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
