package oidc

import (
	"context"
	"errors"
	"net/url"
	"slices"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/store"
)

// Next is what the sign-in page does next for an authorization request.
type Next struct {
	// Redirect is where the browser goes: the application, with a code
	// (through the provider's callback) or an error.
	Redirect string `json:"redirect,omitempty"`
	// SignIn asks the user to sign in (Fresh: again, though signed in:
	// the application wants a recent authentication).
	SignIn bool `json:"signIn,omitempty"`
	Fresh  bool `json:"fresh,omitempty"`
	// Consent asks the user to let a third-party application in.
	Consent *Consent `json:"consent,omitempty"`
}

// Consent is the question a third-party application's first sign-in asks.
type Consent struct {
	App    string   `json:"app"`
	Scopes []string `json:"scopes"` // what it will see, in words
}

// ErrRequestEnded is a request that expired, is unknown or was answered.
var ErrRequestEnded = errors.New("This sign-in request has expired or was already answered. Go back to the application and sign in again.")

// Continue decides the sign-in page's next step for request id: ss is the
// browser's session (nil when it is signed out), o the browser.
func (p *Provider) Continue(ctx context.Context, id string, ss *store.Session, o account.Origin) (Next, error) {
	r, app, a, err := p.request(ctx, id, ss)
	if err != nil {
		return Next{}, err
	}
	switch {
	case ss == nil:
		return p.ask(r, Next{SignIn: true}, oidc.ErrLoginRequired())
	case !p.fresh(r, *ss):
		if err := p.markStale(ctx, r.ID, ss.ID); err != nil {
			return Next{}, err
		}
		return p.ask(r, Next{SignIn: true, Fresh: true}, oidc.ErrLoginRequired())
	case needsConsent(app, a, r):
		return p.ask(r, Next{Consent: &Consent{App: app.Name, Scopes: model.ScopeWords(r.Scopes)}}, consentRequired())
	}
	return p.complete(ctx, r, *ss, o)
}

// Answer records the user's answer to the consent question and goes on.
func (p *Provider) Answer(ctx context.Context, id string, ss store.Session, o account.Origin, allow bool) (Next, error) {
	r, app, _, err := p.request(ctx, id, &ss)
	if err != nil {
		return Next{}, err
	}
	if !p.fresh(r, ss) {
		if err := p.markStale(ctx, r.ID, ss.ID); err != nil {
			return Next{}, err
		}
		return Next{SignIn: true, Fresh: true}, nil
	}
	if !allow {
		return Next{Redirect: p.refusal(r, oidc.ErrAccessDenied().WithDescription("The user did not allow access."))}, nil
	}
	if !app.FirstParty {
		if err := p.accounts.GrantApp(ctx, ss.AccountID, app.ID, r.Scopes); err != nil {
			return Next{}, err
		}
	}
	return p.complete(ctx, r, ss, o)
}

// request reads an unanswered request, its application and the session's
// account.
func (p *Provider) request(ctx context.Context, id string, ss *store.Session) (*authRequest, store.App, store.Account, error) {
	var r *authRequest
	var app store.App
	var a store.Account
	err := p.st.View(ctx, func(tx store.Tx) (err error) {
		if r, err = getRequest(tx, id, p.now()); err != nil {
			return err
		}
		if app, err = appIn(tx, r.ClientID); err != nil {
			return err
		}
		if ss != nil {
			a, err = tx.Account(ss.AccountID)
		}
		return err
	})
	if err != nil {
		var oe *oidc.Error
		if errors.Is(err, store.ErrNotFound) || errors.As(err, &oe) {
			return nil, app, a, ErrRequestEnded
		}
		return nil, app, a, err
	}
	if r.Completed {
		return nil, app, a, ErrRequestEnded
	}
	return r, app, a, nil
}

// fresh reports whether the session's authentication satisfies the
// request: prompt=login and max_age accept one made after the request
// (or, once a session was found too old, a sign-in since by another).
func (p *Provider) fresh(r *authRequest, ss store.Session) bool {
	at := ss.Authenticated()
	if at.After(r.Created) || (r.Stale != "" && ss.ID != r.Stale && !at.Before(r.Created)) {
		return true
	}
	return !slices.Contains(r.Prompt, oidc.PromptLogin) && r.fresh(at, p.now())
}

// markStale records the session the request found too old.
func (p *Provider) markStale(ctx context.Context, id, sessionID string) error {
	err := p.st.Update(ctx, func(tx store.Tx) error {
		cur, err := getRequest(tx, id, p.now())
		if err != nil {
			return err
		}
		cur.Stale = sessionID
		return putRequest(tx, cur)
	})
	var oe *oidc.Error
	if errors.As(err, &oe) {
		return ErrRequestEnded
	}
	return err
}

func needsConsent(app store.App, a store.Account, r *authRequest) bool {
	if app.FirstParty {
		return false
	}
	if slices.Contains(r.Prompt, oidc.PromptConsent) {
		return true
	}
	g, ok := a.Grants[app.ID]
	if !ok {
		return true
	}
	for _, s := range r.Scopes {
		if !slices.Contains(g.Scopes, s) {
			return true
		}
	}
	return false
}

// ask returns the question, or for prompt=none the application's error.
func (p *Provider) ask(r *authRequest, n Next, none *oidc.Error) (Next, error) {
	if r.promptNone() {
		return Next{Redirect: p.refusal(r, none)}, nil
	}
	return n, nil
}

// complete binds the request to the browser's session and sends the
// browser to the provider's callback, which answers with a code.
func (p *Provider) complete(ctx context.Context, r *authRequest, ss store.Session, o account.Origin) (Next, error) {
	err := p.st.Update(ctx, func(tx store.Tx) error {
		cur, err := getRequest(tx, r.ID, p.now())
		if err != nil {
			return err
		}
		if cur.Completed {
			return errAnswered
		}
		if _, err := tx.Session(ss.ID); err != nil {
			return err
		}
		cur.AccountID, cur.AuthTime, cur.AMR, cur.Browser, cur.Completed = ss.AccountID, ss.Authenticated(), ss.AMR, o, true
		return putRequest(tx, cur)
	})
	if errors.Is(err, errAnswered) || errors.Is(err, store.ErrNotFound) {
		return Next{}, ErrRequestEnded
	}
	if err != nil {
		return Next{}, err
	}
	return Next{Redirect: op.AuthCallbackURL(p.op)(op.ContextWithIssuer(ctx, p.issuer), r.ID)}, nil
}

var errAnswered = errors.New("answered")

// consentRequired is prompt=none's answer when the user must consent
// (OpenID Connect Core, section 3.1.2.6).
func consentRequired() *oidc.Error {
	e := oidc.ErrInteractionRequired()
	e.ErrorType = "consent_required"
	return e
}

// refusal is the application's redirect URI with an error (RFC 6749,
// section 4.1.2.1).
func (p *Provider) refusal(r *authRequest, e *oidc.Error) string {
	u, err := url.Parse(r.RedirectURI)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("error", string(e.ErrorType))
	if e.Description != "" {
		q.Set("error_description", e.Description)
	}
	if r.State != "" {
		q.Set("state", r.State)
	}
	q.Set("iss", p.issuer)
	u.RawQuery = q.Encode()
	return u.String()
}
