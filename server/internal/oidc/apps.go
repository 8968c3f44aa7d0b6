package oidc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// AppSpec is what an operator registers an application with.
type AppSpec struct {
	// ID is the client id (letters, digits, '-', '_' and '.'; 3 to 64).
	ID   string `json:"id"`
	Name string `json:"name"`
	// RedirectURIs are matched exactly (a native app's loopback URI with
	// any port).
	RedirectURIs           []string `json:"redirectUris"`
	PostLogoutRedirectURIs []string `json:"postLogoutRedirectUris,omitempty"`
	// Public clients (native and browser apps) have no secret and prove
	// themselves with PKCE alone; confidential ones get a secret.
	Public     bool `json:"public,omitempty"`
	FirstParty bool `json:"firstParty,omitempty"`
	Native     bool `json:"native,omitempty"`
	// BackchannelLogoutURI receives logout tokens.
	BackchannelLogoutURI string `json:"backchannelLogoutUri,omitempty"`
}

// AppError is a registration refused for a reason the operator can fix.
type AppError struct{ msg string }

func (e *AppError) Error() string { return e.msg }

func appErr(format string, a ...any) error { return &AppError{fmt.Sprintf(format, a...)} }

// ErrNoApp is an application that is not registered.
var ErrNoApp = errors.New("no application is registered with that client id")

func registerApp(ctx context.Context, st store.Store, spec AppSpec, now time.Time, rand io.Reader) (store.App, string, error) {
	app, err := checkSpec(spec)
	if err != nil {
		return store.App{}, "", err
	}
	var secret string
	err = st.Update(ctx, func(tx store.Tx) error {
		secret = ""
		old, err := tx.App(app.ID)
		switch {
		case err == nil:
			app.Created, app.SecretHash = old.Created, old.SecretHash
		case errors.Is(err, store.ErrNotFound):
			app.Created = now
		default:
			return err
		}
		if spec.Public {
			app.SecretHash = ""
		} else if app.SecretHash == "" {
			if secret, err = auth.NewToken(rand); err != nil {
				return err
			}
			app.SecretHash = auth.HashToken(secret)
		}
		return tx.PutApp(app)
	})
	return app, secret, err
}

func rotateSecret(ctx context.Context, st store.Store, id string, rand io.Reader) (string, error) {
	secret, err := auth.NewToken(rand)
	if err != nil {
		return "", err
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		app, err := tx.App(id)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNoApp
		}
		if err != nil {
			return err
		}
		if app.SecretHash == "" {
			return appErr("%s is a public client: it has no secret (register it again without -public to make it confidential)", id)
		}
		app.SecretHash = auth.HashToken(secret)
		return tx.PutApp(app)
	})
	return secret, err
}

func removeApp(ctx context.Context, st store.Store, id string) error {
	return st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.App(id); errors.Is(err, store.ErrNotFound) {
			return ErrNoApp
		} else if err != nil {
			return err
		}
		return tx.DeleteApp(id)
	})
}

func listApps(ctx context.Context, st store.Store) ([]store.App, error) {
	var out []store.App
	err := st.View(ctx, func(tx store.Tx) (err error) { out, err = tx.Apps(); return })
	return out, err
}

func checkSpec(s AppSpec) (store.App, error) {
	if s.ID == DesktopClientID {
		return store.App{}, appErr("%s is the desktop app's client id, built in", s.ID)
	}
	if n := len(s.ID); n < 3 || n > 64 || strings.Trim(s.ID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
		return store.App{}, appErr("the client id %q must be 3 to 64 letters, digits, '-', '_' or '.'", s.ID)
	}
	name := model.Clean(s.Name, 64)
	if name == "" {
		return store.App{}, appErr("the application needs a name (what users see on the consent screen and in Active Sessions)")
	}
	if len(s.RedirectURIs) == 0 {
		return store.App{}, appErr("the application needs at least one redirect URI")
	}
	for _, u := range s.RedirectURIs {
		if err := checkURI("redirect URI", u, s.Native); err != nil {
			return store.App{}, err
		}
	}
	for _, u := range s.PostLogoutRedirectURIs {
		if err := checkURI("post-logout redirect URI", u, s.Native); err != nil {
			return store.App{}, err
		}
	}
	if s.BackchannelLogoutURI != "" {
		if err := checkURI("back-channel logout URI", s.BackchannelLogoutURI, false); err != nil {
			return store.App{}, err
		}
	}
	if s.Native && !s.Public {
		return store.App{}, appErr("a native application cannot keep a secret: register it with -public")
	}
	return store.App{ID: s.ID, Name: name, RedirectURIs: slices.Clone(s.RedirectURIs), PostLogoutRedirectURIs: slices.Clone(s.PostLogoutRedirectURIs),
		FirstParty: s.FirstParty, Native: s.Native, BackchannelLogoutURI: s.BackchannelLogoutURI}, nil
}

// checkURI accepts an absolute https URI without a fragment, or http on a
// loopback host (a native app's redirect, a development server).
func checkURI(what, raw string, native bool) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return appErr("the %s %q is not an absolute URI", what, raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return appErr("the %s %q must not have a fragment (#…)", what, raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && loopback(u.Hostname()):
	case native && u.Scheme != "http" && strings.Contains(u.Scheme, "."):
		// A private-use scheme (com.dialnexa.app:/…), RFC 8252 section 7.1.
	default:
		return appErr("the %s %q must use https (http only on a loopback address such as 127.0.0.1)", what, raw)
	}
	return nil
}
