package oidc

import (
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/dialnexa/account/server/internal/account"
)

// Kinds of the provider's records, kept as store Links under the hash of
// their key.
const (
	kindRequest = "oidc-request" // an authorization request, by its id
	kindCode    = "oidc-code"    // a code → its request's id
	kindRefresh = "oidc-refresh" // a refresh token → refreshGrant
	kindRevoked = "oidc-revoked" // a revoked access token's id, until it expires
)

// authRequest is an authorization request from /authorize until its code
// is exchanged (kept a little longer, so a second use of its code ends
// what the first started).
type authRequest struct {
	ID            string            `json:"id"`
	ClientID      string            `json:"clientId"`
	RedirectURI   string            `json:"redirectUri"`
	Scopes        []string          `json:"scopes"`
	State         string            `json:"state,omitempty"`
	Nonce         string            `json:"nonce,omitempty"`
	ResponseType  oidc.ResponseType `json:"responseType"`
	ResponseMode  oidc.ResponseMode `json:"responseMode,omitempty"`
	CodeChallenge string            `json:"codeChallenge"`
	Prompt        []string          `json:"prompt,omitempty"`
	// MaxAge is the longest time since the user last authenticated the
	// application accepts (prompt=login: 0); nil when it did not say.
	MaxAge    *uint     `json:"maxAge,omitempty"`
	LoginHint string    `json:"loginHint,omitempty"`
	Created   time.Time `json:"created"`

	// Stale is the browser's session found too old for the request
	// (prompt=login, max_age): a session signed in after the request,
	// other than it, is recent enough.
	Stale string `json:"stale,omitempty"`

	// Set when the sign-in completed in the browser.
	AccountID string         `json:"accountId,omitempty"`
	AuthTime  time.Time      `json:"authTime,omitzero"`
	AMR       []string       `json:"amr,omitempty"`
	Browser   account.Origin `json:"browser,omitzero"`
	Completed bool           `json:"done,omitempty"`
	// CodeHash is the hash of the one code issued for the request.
	CodeHash string `json:"codeHash,omitempty"`
	// Exchanged is set when the code was presented; SessionID is the
	// session its tokens belong to.
	Exchanged bool   `json:"exchanged,omitempty"`
	SessionID string `json:"sessionId,omitempty"`
}

func (r *authRequest) GetID() string                      { return r.ID }
func (r *authRequest) GetACR() string                     { return "" }
func (r *authRequest) GetAMR() []string                   { return r.AMR }
func (r *authRequest) GetAudience() []string              { return []string{r.ClientID} }
func (r *authRequest) GetAuthTime() time.Time             { return r.AuthTime }
func (r *authRequest) GetClientID() string                { return r.ClientID }
func (r *authRequest) GetNonce() string                   { return r.Nonce }
func (r *authRequest) GetRedirectURI() string             { return r.RedirectURI }
func (r *authRequest) GetResponseType() oidc.ResponseType { return r.ResponseType }
func (r *authRequest) GetResponseMode() oidc.ResponseMode { return r.ResponseMode }
func (r *authRequest) GetScopes() []string                { return r.Scopes }
func (r *authRequest) GetState() string                   { return r.State }
func (r *authRequest) GetSubject() string                 { return r.AccountID }
func (r *authRequest) Done() bool                         { return r.Completed }

func (r *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	return &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: oidc.CodeChallengeMethodS256}
}

func (r *authRequest) sessionID() string { return r.SessionID }

// promptNone reports whether the application asked that nothing be shown.
func (r *authRequest) promptNone() bool { return slices.Contains(r.Prompt, oidc.PromptNone) }

// fresh reports whether an authentication at authTime is recent enough
// for the request at now (prompt=login and max_age).
func (r *authRequest) fresh(authTime, now time.Time) bool {
	if r.MaxAge == nil {
		return true
	}
	return now.Sub(authTime) <= time.Duration(*r.MaxAge)*time.Second
}

// refreshGrant is what a refresh token stands for: the session and what
// the application was granted. Used is set when it was exchanged for the
// next one: presenting it again ends the session.
type refreshGrant struct {
	SessionID string    `json:"sessionId"`
	ClientID  string    `json:"clientId"`
	Scopes    []string  `json:"scopes"`
	AuthTime  time.Time `json:"authTime"`
	AMR       []string  `json:"amr,omitempty"`
	Used      bool      `json:"used,omitempty"`
}

// refreshRequest is a refresh token presented at the token endpoint.
type refreshRequest struct {
	grant     refreshGrant
	accountID string
}

func (r *refreshRequest) GetAMR() []string            { return r.grant.AMR }
func (r *refreshRequest) GetAudience() []string       { return []string{r.grant.ClientID} }
func (r *refreshRequest) GetAuthTime() time.Time      { return r.grant.AuthTime }
func (r *refreshRequest) GetClientID() string         { return r.grant.ClientID }
func (r *refreshRequest) GetScopes() []string         { return r.grant.Scopes }
func (r *refreshRequest) GetSubject() string          { return r.accountID }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.grant.Scopes = s }
func (r *refreshRequest) sessionID() string           { return r.grant.SessionID }

// sessionBound is a token request that belongs to an account session.
type sessionBound interface{ sessionID() string }

// accessTokenID names an access token: its session, a random part, and
// which claim scopes it carries, so that userinfo and introspection can
// answer from it alone.
func accessTokenID(sessionID, random string, scopes []string) string {
	flags := ""
	if slices.Contains(scopes, oidc.ScopeProfile) {
		flags += "p"
	}
	if slices.Contains(scopes, oidc.ScopeEmail) {
		flags += "e"
	}
	return sessionID + "." + random + "." + flags
}

// parseAccessTokenID splits an access token id; ok is false for one this
// provider did not make.
func parseAccessTokenID(id string) (sessionID string, scopes []string, ok bool) {
	parts := strings.Split(id, ".")
	if len(parts) != 3 || parts[0] == "" {
		return "", nil, false
	}
	scopes = []string{oidc.ScopeOpenID}
	if strings.Contains(parts[2], "p") {
		scopes = append(scopes, oidc.ScopeProfile)
	}
	if strings.Contains(parts[2], "e") {
		scopes = append(scopes, oidc.ScopeEmail)
	}
	return parts[0], scopes, true
}
