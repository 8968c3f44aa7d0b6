package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/oidc"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// routeOIDC mounts the OpenID Connect provider and the sign-in page's
// endpoints, when the provider is on.
func (s *Server) routeOIDC(mux *http.ServeMux) {
	p := s.cfg.OIDC
	if p == nil {
		return
	}
	h := p.Handler()
	for _, path := range oidc.Paths() {
		mux.Handle(path, h)
	}
	mux.HandleFunc("GET /oidc/picture/{id}", s.oidcPicture)
	mux.HandleFunc("POST /v1/oidc/requests/{id}", s.continueSignIn)
	mux.HandleFunc("POST /v1/oidc/requests/{id}/consent", s.authed(s.consent))
	mux.HandleFunc("DELETE /v1/apps/{id}", s.authed(s.removeGrantedApp))
	mux.HandleFunc("POST /v1/signin/oidc", s.desktopSignIn)
}

// desktopSignIn is POST /v1/signin/oidc: the desktop app, signed in
// through the browser as a native OAuth client, gets the token of the
// session its sign-in started.
func (s *Server) desktopSignIn(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AccessToken string      `json:"accessToken"`
		DeviceID    string      `json:"deviceId"`
		Device      device.Info `json:"device"`
		Bearer      bool        `json:"bearer"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	ns, err := s.cfg.OIDC.DesktopSession(r.Context(), req.AccessToken, origin(r), req.DeviceID, req.Device)
	if errors.Is(err, oidc.ErrNotDesktopToken) {
		writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeUnauthorized, "This sign-in cannot be used here any more: sign in again."))
		return
	}
	s.started(w, r, "sign in the desktop app", ns, err, true, http.StatusOK)
}

// removeGrantedApp is DELETE /v1/apps/{id}: the user takes an
// application's access away (Apps with access); its sessions end.
func (s *Server) removeGrantedApp(w http.ResponseWriter, r *http.Request, ss store.Session) {
	if err := s.accounts.RemoveApp(r.Context(), ss, r.PathValue("id")); err != nil {
		s.fail(w, r, "remove an app's access", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// continueSignIn is POST /v1/oidc/requests/{id}: the sign-in page asks
// what comes next for an authorization request, with the browser's
// session if it has one.
func (s *Server) continueSignIn(w http.ResponseWriter, r *http.Request) {
	var ss *store.Session
	if tok := s.token(r); tok != "" {
		if got, err := s.accounts.Authenticate(r.Context(), tok); err == nil {
			ss = &got
			noteAccount(r, got.AccountID)
		}
	}
	next, err := s.cfg.OIDC.Continue(r.Context(), r.PathValue("id"), ss, origin(r))
	s.answerSignIn(w, r, next, err)
}

// consent is POST /v1/oidc/requests/{id}/consent {"allow": bool}.
func (s *Server) consent(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req struct {
		Allow bool `json:"allow"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	next, err := s.cfg.OIDC.Answer(r.Context(), r.PathValue("id"), ss, origin(r), req.Allow)
	s.answerSignIn(w, r, next, err)
}

func (s *Server) answerSignIn(w http.ResponseWriter, r *http.Request, next oidc.Next, err error) {
	if errors.Is(err, oidc.ErrRequestEnded) {
		writeError(w, http.StatusNotFound, wire.Errorf(wire.CodeExpired, "%s", err.Error()))
		return
	}
	if err != nil {
		s.fail(w, r, "continue an OpenID Connect sign-in", err)
		return
	}
	writeJSON(w, http.StatusOK, next)
}

// oidcPicture is GET /oidc/picture/{id}?v=HASH: the profile picture the
// picture claim names, for whoever holds the link (as a mail's image).
func (s *Server) oidcPicture(w http.ResponseWriter, r *http.Request) {
	png, err := s.accounts.Picture(r.Context(), r.PathValue("id"), r.URL.Query().Get("v"))
	if err != nil {
		writeError(w, http.StatusNotFound, errNotFound("No such picture."))
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400, immutable")
	w.Write(png)
}

// routeOIDCAdmin mounts the operators' endpoints for applications and
// signing keys.
func (s *Server) routeOIDCAdmin(mux *http.ServeMux) {
	if s.cfg.OIDC == nil {
		return
	}
	mux.HandleFunc("GET /internal/v1/oidc/apps", s.internal(s.listApps))
	mux.HandleFunc("POST /internal/v1/oidc/apps", s.internal(s.registerApp))
	mux.HandleFunc("DELETE /internal/v1/oidc/apps/{id}", s.internal(s.removeApp))
	mux.HandleFunc("POST /internal/v1/oidc/apps/{id}/secret", s.internal(s.rotateSecret))
	mux.HandleFunc("POST /internal/v1/oidc/keys/rotate", s.internal(s.rotateKeys))
}

func (s *Server) listApps(w http.ResponseWriter, r *http.Request) {
	apps, err := s.cfg.OIDC.Apps(r.Context())
	if err != nil {
		s.fail(w, r, "list applications", err)
		return
	}
	out := make([]appJSON, 0, len(apps))
	for _, a := range apps {
		out = append(out, appOut(a, ""))
	}
	writeJSON(w, http.StatusOK, map[string]any{"apps": out})
}

// appJSON is a registered application as operators see it.
type appJSON struct {
	oidc.AppSpec
	Created time.Time `json:"created"`
	// Secret is a new confidential client's secret, shown once.
	Secret string `json:"secret,omitempty"`
}

func appOut(a store.App, secret string) appJSON {
	return appJSON{AppSpec: oidc.AppSpec{ID: a.ID, Name: a.Name, RedirectURIs: a.RedirectURIs, PostLogoutRedirectURIs: a.PostLogoutRedirectURIs,
		Public: a.SecretHash == "", FirstParty: a.FirstParty, Native: a.Native, BackchannelLogoutURI: a.BackchannelLogoutURI}, Created: a.Created, Secret: secret}
}

func (s *Server) registerApp(w http.ResponseWriter, r *http.Request) {
	var spec oidc.AppSpec
	if !decodeBody(w, r, &spec) {
		return
	}
	app, secret, err := s.cfg.OIDC.RegisterApp(r.Context(), spec)
	if s.appFailed(w, r, err) {
		return
	}
	writeJSON(w, http.StatusOK, appOut(app, secret))
}

func (s *Server) removeApp(w http.ResponseWriter, r *http.Request) {
	if s.appFailed(w, r, s.cfg.OIDC.RemoveApp(r.Context(), r.PathValue("id"))) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) rotateSecret(w http.ResponseWriter, r *http.Request) {
	secret, err := s.cfg.OIDC.RotateSecret(r.Context(), r.PathValue("id"))
	if s.appFailed(w, r, err) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id"), "secret": secret})
}

func (s *Server) rotateKeys(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Immediately bool `json:"immediately"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	keys, err := s.cfg.OIDC.RotateKeys(r.Context(), req.Immediately)
	if err != nil {
		s.fail(w, r, "rotate signing keys", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

func (s *Server) appFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	var ae *oidc.AppError
	switch {
	case err == nil:
		return false
	case errors.As(err, &ae):
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeInvalidArgument, "%s", ae.Error()))
	case errors.Is(err, oidc.ErrNoApp):
		writeError(w, http.StatusNotFound, errNotFound("No application is registered with client id %q.", r.PathValue("id")))
	default:
		s.fail(w, r, "manage applications", err)
	}
	return true
}
