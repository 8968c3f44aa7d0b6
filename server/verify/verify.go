// Package verify checks, for DialNexa's own Go services, that a request's
// user session is still good and whose it is: in about a microsecond from
// memory, with a revoked session refused within milliseconds.
//
// A Checker keeps the sessions it has checked in memory and holds one
// connection to the account server's revocation stream, on which every
// server node announces, as they commit, sessions that ended, accounts
// deleted and accounts whose details (email, name, two-factor,
// workspaces and roles) changed: a cached session dies the moment its
// change arrives. OpenID Connect access tokens are verified locally
// against the server's published keys; the session they name is checked
// like any other, so one whose session ended is refused before it
// expires.
//
// It fails closed: while the stream has been silent for longer than
// Config.StaleAfter, every check asks the server, and when the server
// cannot be reached either, checks are refused with ErrUnavailable; a
// stale cache never answers.
package verify

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Config configures a Checker.
type Config struct {
	// Server is the account server's base URL (an internal address of
	// any node, or a balancer in front of them).
	Server string
	// ServiceToken authenticates this service to the server's internal
	// endpoints.
	ServiceToken string
	// Issuer is the OpenID Connect issuer whose access tokens Check
	// accepts (the server's public origin); empty: access tokens are not
	// accepted.
	Issuer string
	// StaleAfter is how long the revocation stream may be silent before
	// the cache is not trusted (default 5 s; the server speaks every
	// second).
	StaleAfter time.Duration
	// HTTPClient makes the checks and fetches the keys (default: one
	// with a 10-second timeout).
	HTTPClient *http.Client
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Session is a checked session: who it is and what the account may do.
// Its slices are shared with the cache: do not change them.
type Session struct {
	AccountID     string
	SessionID     string
	Email         string
	EmailVerified bool
	DisplayName   string
	// TwoFactor is whether the account has two-factor authentication on.
	TwoFactor bool
	// AuthTime is when the user last proved who they are for this
	// session, and AMR how (OpenID Connect amr values: pwd, otp, hwk, mfa).
	AuthTime time.Time
	AMR      []string
	// App is the OpenID Connect client the session signed in to, if any.
	App        string
	Workspaces []Workspace
}

// Workspace is a workspace the account belongs to.
type Workspace struct {
	ID, Name string
	// Role is "owner", "admin" or "member".
	Role string
}

// Role returns the account's role in a workspace, or "" when it is not a
// member.
func (s Session) Role(workspaceID string) string {
	for _, w := range s.Workspaces {
		if w.ID == workspaceID {
			return w.Role
		}
	}
	return ""
}

// Refusals, matched with errors.Is; the error's text says why.
var (
	// ErrNoCredential: the request carried no session.
	ErrNoCredential = errors.New("no session credential")
	// ErrInvalid: not a session of this server (unknown token, a bad
	// signature, an expired access token, another issuer).
	ErrInvalid = errors.New("not a valid session")
	// ErrEnded: the session ended (signed out, revoked, a credential
	// change, the account deleted).
	ErrEnded = errors.New("the session has ended")
	// ErrUnavailable: it cannot be told now (the revocation stream is
	// down and the server cannot be reached); nothing is answered from a
	// cache that may be stale.
	ErrUnavailable = errors.New("sessions cannot be checked now")
)

// refusal is a refusal with its reason.
type refusal struct {
	kind   error
	reason string
}

func (r *refusal) Error() string        { return r.kind.Error() + ": " + r.reason }
func (r *refusal) Is(target error) bool { return target == r.kind }

func refuse(kind error, format string, a ...any) error {
	return &refusal{kind: kind, reason: fmt.Sprintf(format, a...)}
}

// Checker checks sessions. It is safe for concurrent use.
type Checker struct {
	cfg  Config
	keys *oidc.RemoteKeySet // nil without an issuer

	mu    sync.RWMutex
	cache cache

	// heard is when the stream last spoke (UnixNano on cfg.Now).
	heard  atomic.Int64
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// New returns a Checker and starts following the revocation stream; Close
// it when done.
func New(ctx context.Context, cfg Config) (*Checker, error) {
	if cfg.Server == "" || cfg.ServiceToken == "" {
		return nil, errors.New("verify: Config.Server and Config.ServiceToken are required")
	}
	cfg.Server = strings.TrimRight(cfg.Server, "/")
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = 5 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Checker{cfg: cfg, cache: newCache()}
	if cfg.Issuer != "" {
		c.keys = oidc.NewRemoteKeySet(oidc.ClientContext(context.WithoutCancel(ctx), cfg.HTTPClient), strings.TrimRight(cfg.Issuer, "/")+"/oidc/keys")
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancel = cancel
	c.done.Go(func() { c.follow(sctx) })
	return c, nil
}

// Close stops following the stream and waits for it.
func (c *Checker) Close() error {
	c.cancel()
	c.done.Wait()
	return nil
}

// errEnded is the refusal of a session the stream said ended.
var errEnded = refuse(ErrEnded, "the session was signed out or revoked")

// Live reports whether the revocation stream spoke within StaleAfter:
// answers from memory are current (a readiness probe may report it).
func (c *Checker) Live() bool { return c.live() }

// live reports whether the stream spoke within StaleAfter: cached
// answers are current.
func (c *Checker) live() bool {
	return c.cfg.Now().UnixNano()-c.heard.Load() < int64(c.cfg.StaleAfter)
}

// Check checks a credential a request carries: a session token (the
// desktop app's bearer token, the panel's cookie) or an OpenID Connect
// access token. It returns the session, or a refusal matching ErrInvalid,
// ErrEnded, ErrNoCredential or ErrUnavailable.
func (c *Checker) Check(ctx context.Context, credential string) (Session, error) {
	if credential == "" {
		return Session{}, refuse(ErrNoCredential, "sign in first")
	}
	if isJWT(credential) {
		return c.checkAccessToken(ctx, credential)
	}
	h := tokenHash(credential)
	if c.live() {
		c.mu.RLock()
		e, ok := c.cache.byHash[h]
		var s Session
		var ended bool
		if ok {
			s, ended = e.session, !e.ended.IsZero()
		}
		c.mu.RUnlock()
		switch {
		case ended:
			return Session{}, errEnded
		case ok:
			return s, nil
		}
	}
	return c.ask(ctx, checkRequest{TokenHash: hexOf(h)}, h)
}

// tokenHash is the SHA-256 of a token, without allocating for one of a
// usual length.
func tokenHash(token string) [32]byte {
	var buf [128]byte
	if len(token) <= len(buf) {
		return sha256.Sum256(buf[:copy(buf[:], token)])
	}
	return sha256.Sum256([]byte(token))
}

// isJWT reports whether a credential has a JWT's shape (session tokens
// have no dots).
func isJWT(s string) bool { return strings.Count(s, ".") == 2 }

const hexDigits = "0123456789abcdef"

func hexOf(h [32]byte) string {
	var b [64]byte
	for i, x := range h {
		b[2*i], b[2*i+1] = hexDigits[x>>4], hexDigits[x&15]
	}
	return string(b[:])
}
