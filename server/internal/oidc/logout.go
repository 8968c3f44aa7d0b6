package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// backchannelLogoutEvent is the logout token's event (OpenID Connect
// Back-Channel Logout 1.0, section 2.4).
const backchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

// logoutClaims are a logout token's claims.
type logoutClaims struct {
	Issuer   string                    `json:"iss"`
	Subject  string                    `json:"sub"`
	Audience string                    `json:"aud"`
	IssuedAt int64                     `json:"iat"`
	Expiry   int64                     `json:"exp"`
	ID       string                    `json:"jti"`
	Session  string                    `json:"sid"`
	Events   map[string]map[string]any `json:"events"`
}

// SendLogout tells an application that a session signed in to it ended:
// a signed logout token posted to its back-channel logout URI. An
// application that registered none, or was removed, is told nothing. An
// error is retried by the outbox.
func (p *Provider) SendLogout(ctx context.Context, l store.AppLogout) error {
	var app store.App
	err := p.st.View(ctx, func(tx store.Tx) (err error) { app, err = tx.App(l.AppID); return })
	if errors.Is(err, store.ErrNotFound) || (err == nil && app.BackchannelLogoutURI == "") {
		return nil
	}
	if err != nil {
		return err
	}
	token, err := p.LogoutToken(ctx, l)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, app.BackchannelLogoutURI, strings.NewReader(url.Values{"logout_token": {token}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("back-channel logout to %s: %w", app.ID, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("back-channel logout to %s: %s %s", app.ID, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

// LogoutToken signs the logout token for l with the current key.
func (p *Provider) LogoutToken(ctx context.Context, l store.AppLogout) (string, error) {
	k, err := p.keys.signing(ctx)
	if err != nil {
		return "", err
	}
	jti, err := auth.NewID(p.rand)
	if err != nil {
		return "", err
	}
	now := time.Now() // on the wall clock, as the op package times tokens
	claims, err := json.Marshal(logoutClaims{Issuer: p.issuer, Subject: l.AccountID, Audience: l.AppID, IssuedAt: now.Unix(),
		Expiry: now.Add(logoutTokenLifetime).Unix(), ID: jti, Session: l.SessionID,
		Events: map[string]map[string]any{backchannelLogoutEvent: {}}})
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: &jose.JSONWebKey{Key: k.key, KeyID: k.id}},
		(&jose.SignerOptions{}).WithType("logout+jwt"))
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(claims)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}
