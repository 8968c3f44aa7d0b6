package oidc

import (
	"context"
	"errors"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

// DesktopClientID is the desktop app's client id: a first-party native
// public client, built in (no operator registers it). It signs in like
// any native OAuth client (RFC 8252): the system browser, a loopback
// redirect on any port, PKCE.
const DesktopClientID = "dialnexa-desktop"

// desktopApp is the desktop app's registration.
var desktopApp = store.App{ID: DesktopClientID, Name: "DialNexa desktop", RedirectURIs: []string{"http://127.0.0.1/callback"},
	FirstParty: true, Native: true}

// ErrNotDesktopToken is an access token the desktop app cannot sign in
// with: not this provider's, expired, another application's, or used.
var ErrNotDesktopToken = errors.New("this sign-in cannot be used here: sign in again")

// DesktopSession turns the desktop app's sign-in into its session: the
// access token its code gave (verified: signed by this provider, not
// expired, the desktop app's) names the account session the code
// started, and that session gets a token of the app's own, once.
func (p *Provider) DesktopSession(ctx context.Context, accessToken string, o account.Origin, deviceID string, dev device.Info) (account.NewSession, error) {
	ctx = op.ContextWithIssuer(ctx, p.issuer)
	claims, err := op.VerifyAccessToken[*oidc.AccessTokenClaims](ctx, accessToken, p.op.AccessTokenVerifier(ctx))
	if err != nil {
		return account.NewSession{}, ErrNotDesktopToken
	}
	sid, _ := claims.Claims["sid"].(string)
	if claims.ClientID != DesktopClientID || sid == "" {
		return account.NewSession{}, ErrNotDesktopToken
	}
	return p.accounts.HandOver(ctx, o, claims.Subject, sid, DesktopClientID, deviceID, dev)
}

// appIn reads a registered application, or the built-in desktop app.
func appIn(tx store.Tx, id string) (store.App, error) {
	if id == DesktopClientID {
		return desktopApp, nil
	}
	return tx.App(id)
}
