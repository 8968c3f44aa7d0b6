package store

import "time"

// Platform is what the OpenID Connect provider keeps where every node reads
// it: the applications operators registered and the keys tokens are
// signed with. The provider's short-lived records (authorization requests,
// codes, refresh tokens) are Links of their own kinds.
type Platform interface {
	// App returns the registered application with the client id.
	App(id string) (App, error)
	// Apps returns every registered application, by client id.
	Apps() ([]App, error)
	PutApp(App) error
	// DeleteApp removes an application; removing one already gone is not
	// an error.
	DeleteApp(id string) error

	// SigningKeys returns the signing keys in the order they sign (by
	// Signs, then id).
	SigningKeys() ([]SigningKey, error)
	PutSigningKey(SigningKey) error
	DeleteSigningKey(id string) error
}

// App is an application that signs users in through the server's OpenID
// Connect provider (an OAuth client), registered by an operator.
type App struct {
	// ID is the client id.
	ID   string `json:"id"`
	Name string `json:"name"`
	// RedirectURIs are the exact addresses the browser may be sent back
	// to with a code.
	RedirectURIs []string `json:"redirectUris"`
	// PostLogoutRedirectURIs are where RP-initiated logout may end.
	PostLogoutRedirectURIs []string `json:"postLogoutRedirectUris,omitempty"`
	// SecretHash is the hash of a confidential client's secret; a public
	// client (a native or browser app) has none and proves itself with
	// PKCE alone.
	SecretHash string `json:"secretHash,omitempty"`
	// FirstParty applications are DialNexa's own: they sign in without
	// asking the user's consent.
	FirstParty bool `json:"firstParty,omitempty"`
	// Native applications (the desktop app) may use any loopback port in
	// their redirect URI (RFC 8252, section 7.3).
	Native bool `json:"native,omitempty"`
	// BackchannelLogoutURI is told, with a signed logout token, when a
	// session signed in to the application ends.
	BackchannelLogoutURI string    `json:"backchannelLogoutUri,omitempty"`
	Created              time.Time `json:"created"`
}

// SigningKey is a private key the provider signs tokens with. A new key
// is published (in the JWKS) from Created and signs from Signs; a key
// another has replaced stays published until every token it signed has
// expired (Retire).
type SigningKey struct {
	ID        string `json:"id"`
	Algorithm string `json:"alg"`
	// Private is the key, PKCS #8 DER.
	Private []byte    `json:"private"`
	Created time.Time `json:"created"`
	Signs   time.Time `json:"signs"`
	// Retire is when the key may be deleted: the expiry of the last token
	// it can have signed. Zero while it is the newest.
	Retire time.Time `json:"retire,omitzero"`
}

// Grant is an application the user let sign them in, and with what.
type Grant struct {
	Scopes  []string  `json:"scopes"`
	Granted time.Time `json:"granted"`
}

// AppLogout is a back-channel logout the outbox owes an application: a
// session signed in to it ended.
type AppLogout struct {
	AppID     string `json:"appId"`
	SessionID string `json:"sessionId"`
	AccountID string `json:"accountId"`
}
