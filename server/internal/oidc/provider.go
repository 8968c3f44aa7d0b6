// Package oidc is the server's OpenID Connect provider: applications
// (the dashboard, oauth2-proxy, Grafana, the desktop app) sign users in
// through it with the authorization code flow and PKCE. It is
// zitadel/oidc's op package on the store: applications, signing keys,
// requests, codes and refresh tokens live there, so any node serves any
// step. Every sign-in is an account session (its "sid"): ending the
// session, however it ends, ends its refresh tokens and queues a
// back-channel logout to the application.
package oidc

import (
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/store"
)

// Paths of the provider's endpoints; discovery is at
// /.well-known/openid-configuration of the issuer (the public origin).
const (
	authorizePath  = "/oidc/authorize"
	tokenPath      = "/oidc/token"
	introspectPath = "/oidc/introspect"
	userinfoPath   = "/oidc/userinfo"
	revokePath     = "/oidc/revoke"
	endSessionPath = "/oidc/end_session"
	keysPath       = "/oidc/keys"
	discoveryPath  = "/.well-known/openid-configuration"
	// loginPath is the page where the browser signs in and consents.
	loginPath = "/authorize"
)

// Config configures a Provider.
type Config struct {
	// Issuer is the public origin (https; http only on a loopback host).
	Issuer   string
	Store    store.Store
	Accounts *account.Service
	Now      func() time.Time
	Rand     io.Reader
	Log      *slog.Logger
	// KeyLead is how long a new signing key is published before it signs
	// (default DefaultKeyLead).
	KeyLead time.Duration
	// Client sends back-channel logout tokens (default: a client with a
	// 10-second timeout).
	Client *http.Client
}

// Provider is the OpenID Connect provider.
type Provider struct {
	issuer   string
	st       store.Store
	accounts *account.Service
	now      func() time.Time
	rand     io.Reader
	log      *slog.Logger
	keys     *keyRing
	op       *op.Provider
	client   *http.Client
}

// New returns a provider for cfg.
func New(cfg Config) (*Provider, error) {
	u, err := url.Parse(cfg.Issuer)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("the OpenID Connect issuer must be the public origin (https://host[:port]), not %q", cfg.Issuer)
	}
	insecure := u.Scheme == "http"
	if insecure && !loopback(u.Hostname()) {
		return nil, fmt.Errorf("the OpenID Connect issuer %s must use https (http is accepted only on a loopback address)", cfg.Issuer)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = crand.Reader
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.KeyLead <= 0 {
		cfg.KeyLead = DefaultKeyLead
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	p := &Provider{issuer: u.Scheme + "://" + u.Host, st: cfg.Store, accounts: cfg.Accounts, now: cfg.Now, rand: cfg.Rand,
		log: cfg.Log, client: cfg.Client}
	p.keys = &keyRing{st: cfg.Store, now: cfg.Now, rand: cfg.Rand, lead: cfg.KeyLead}
	var cryptoKey [32]byte
	if _, err := io.ReadFull(crand.Reader, cryptoKey[:]); err != nil {
		return nil, err
	}
	opts := []op.Option{
		op.WithCustomAuthEndpoint(op.NewEndpoint(authorizePath)),
		op.WithCustomTokenEndpoint(op.NewEndpoint(tokenPath)),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint(introspectPath)),
		op.WithCustomUserinfoEndpoint(op.NewEndpoint(userinfoPath)),
		op.WithCustomRevocationEndpoint(op.NewEndpoint(revokePath)),
		op.WithCustomEndSessionEndpoint(op.NewEndpoint(endSessionPath)),
		op.WithCustomKeysEndpoint(op.NewEndpoint(keysPath)),
		op.WithLogger(cfg.Log),
	}
	if insecure {
		opts = append(opts, op.WithAllowInsecure())
	}
	// Codes are random (the crypto key encrypts a request id under a
	// random nonce) and looked up by their hash; nothing is ever
	// decrypted, so the key need not be shared between nodes.
	p.op, err = op.NewProvider(&op.Config{
		CryptoKey:                         cryptoKey,
		DefaultLogoutRedirectURI:          p.issuer + "/", // the panel
		CodeMethodS256:                    true,
		AuthMethodPost:                    true,
		GrantTypeRefreshToken:             true,
		SupportedScopes:                   []string{"openid", "profile", "email", "offline_access"},
		SupportedClaims:                   []string{"sub", "email", "email_verified", "name", "picture", "sid", "auth_time", "amr", "iss", "aud", "exp", "iat"},
		BackChannelLogoutSupported:        true,
		BackChannelLogoutSessionSupported: true,
	}, storage{p}, op.StaticIssuer(p.issuer), opts...)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Handler serves the provider's endpoints (discovery, JWKS, authorize,
// token, userinfo, introspection, revocation, end session).
func (p *Provider) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case discoveryPath:
			p.discovery(w, r)
			return
		case keysPath:
			w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(keysMaxAge.Seconds())))
		default:
			w.Header().Set("Cache-Control", "no-store")
		}
		p.op.ServeHTTP(w, r)
	})
}

// discovery serves the op package's discovery document without the
// device authorization endpoint, which this provider does not serve.
func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	p.op.ServeHTTP(rec, r)
	var doc map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
		http.Error(w, "discovery is not available", http.StatusInternalServerError)
		return
	}
	delete(doc, "device_authorization_endpoint")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(keysMaxAge.Seconds())))
	json.NewEncoder(w).Encode(doc)
}

// Paths are the paths Handler serves (a prefix ends with "/").
func Paths() []string { return []string{"/oidc/", discoveryPath} }

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isGone reports an error saying the session had already ended.
func isGone(err error) bool {
	var e *account.Error
	return errors.As(err, &e) && e.Kind == account.NotFound
}

func appSignIn(app store.App, r *authRequest) account.AppSignIn {
	return account.AppSignIn{App: app, AccountID: r.AccountID, AuthTime: r.AuthTime, AMR: r.AMR, Browser: r.Browser}
}

// RegisterApp registers an application, or replaces the registration of
// one with the same id (keeping its secret and creation time). It returns
// a new confidential client's secret, shown this once.
func (p *Provider) RegisterApp(ctx context.Context, spec AppSpec) (store.App, string, error) {
	return registerApp(ctx, p.st, spec, p.now(), p.rand)
}

// RotateSecret gives a confidential application a new secret (the old one
// stops working at once) and returns it.
func (p *Provider) RotateSecret(ctx context.Context, id string) (string, error) {
	return rotateSecret(ctx, p.st, id, p.rand)
}

// RemoveApp removes an application's registration: it can sign no one in
// and refresh no token from then on.
func (p *Provider) RemoveApp(ctx context.Context, id string) error { return removeApp(ctx, p.st, id) }

// Apps lists the registered applications.
func (p *Provider) Apps(ctx context.Context) ([]store.App, error) { return listApps(ctx, p.st) }

// KeyInfo is a signing key as operators see it (never its private part).
type KeyInfo struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Signs   time.Time `json:"signs"`
	Retire  time.Time `json:"retire,omitzero"`
}

// RotateKeys publishes a new signing key now, signing after the lead
// (immediately: at once, withdrawing the others), and returns the keys.
func (p *Provider) RotateKeys(ctx context.Context, immediately bool) ([]KeyInfo, error) {
	keys, err := Rotate(ctx, p.st, p.now(), p.rand, p.keys.lead, true, immediately)
	if err != nil {
		return nil, err
	}
	if _, _, err := p.keys.load(ctx, true); err != nil {
		return nil, err
	}
	out := make([]KeyInfo, 0, len(keys))
	for _, k := range keys {
		out = append(out, KeyInfo{ID: k.ID, Created: k.Created, Signs: k.Signs, Retire: k.Retire})
	}
	return out, nil
}
