package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

var errNotSignedIn = errors.New("sign in first")

// ErrOffline is returned by online-only actions when the server cannot be
// reached.
var ErrOffline = errors.New("you are offline: this needs a connection to DialNexa; try again when you are back online")

// Config configures a Client.
type Config struct {
	// Server is the sync server's base URL, such as http://127.0.0.1:8080.
	Server string
	Store  Store
	// Desktop is set by the desktop app: it authenticates with a bearer
	// token kept in its store. The browser panel leaves it unset and uses
	// the server's HttpOnly cookie.
	Desktop bool
	// HTTP performs API requests (default: net/http natively, the page's
	// fetch in the browser).
	HTTP Doer
	// Now and Rand are the clock and the randomness (ids, backoff jitter).
	Now  func() time.Time
	Rand io.Reader
	// OnChange is called, from any goroutine, after every change to what
	// Snapshot returns. It must not block.
	OnChange func()
	// Heartbeat is the interval of the application ping (default 15s); a
	// connection silent for three intervals is dropped and redialled.
	Heartbeat time.Duration
	// MaxBackoff caps the reconnect delay (default 30s).
	MaxBackoff time.Duration
	// AppVersion is sent in hello (default: the module version the binary
	// was built from).
	AppVersion string
	// DeviceName names this computer in the session list and in security
	// alerts (the desktop app: the host name).
	DeviceName string
	// Keychain, when set (the desktop app), keeps the session token in the
	// OS's credential store instead of Store; where it refuses, the token
	// stays in Store and the snapshot says so.
	Keychain Keychain
	// Log receives what the user need not see (default slog.Default()).
	Log *slog.Logger
	// TimeZone is this device's IANA time zone ("Europe/Berlin": the
	// browser's, the computer's), "" when unknown: a new account starts
	// in it, and the screens say when the account's is another.
	TimeZone string
}

// Client is one signed-in (or signed-out) user of the account on this
// device, in three parts: its Session (who is signed in here), its Actions
// (what the account does, through the server or the queue of changes) and
// the sync state (Snapshot, and Run, which drives the sync). Its methods
// are safe for concurrent use.
type Client struct {
	*base
	Session
	Actions
}

// Session is who is signed in on this device: signing up, signing in
// (password, passkey, through the browser), signing out, and the
// step-up window of the session.
type Session struct{ *base }

// Actions are what the signed-in account does: edits queued offline and
// synced (the display name, notification settings, read marks) and
// online-only actions on the server (security, workspaces, data export,
// deletion).
type Actions struct{ *base }

// base is what the parts share: the configuration, the server's address
// and the HTTP client, the replica in the local store, and the state the
// snapshot shows.
type base struct {
	// signing serializes sign-ins and telling the server of a sign-out:
	// in the browser both go by the session cookie, so a sign-out told
	// while a sign-in is in flight could end the new session.
	signing sync.Mutex

	cfg     Config
	server  *url.URL
	http    Doer
	replica *Replica
	jitter  *mrand.Rand
	// keychain holds the token when Config.Keychain is set.
	keychain *keychainStore

	mu     sync.Mutex
	conn   ConnState
	notice string
	// stepUp is this session's step-up window as far as this client knows.
	stepUp stepUpWindow
	// fetchingAvatar is the hash being downloaded, if any.
	fetchingAvatar string
	// ignored records what of the server's messages was logged as not
	// understood, so each kind is logged once.
	ignored map[string]bool
	// release is the desktop app's current release as the server last
	// announced it (nil: none).
	release *Release

	wake chan struct{} // sign-in happened or a mutation was queued
}

// NewClient opens the client over cfg.Store.
func NewClient(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.Server, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server address %q must look like https://account.example.com", cfg.Server)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.HTTP == nil {
		cfg.HTTP = defaultHTTP()
	}
	if cfg.OnChange == nil {
		cfg.OnChange = func() {}
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.AppVersion == "" {
		cfg.AppVersion = "unknown"
		if bi, ok := debug.ReadBuildInfo(); ok {
			cfg.AppVersion = bi.Main.Version
		}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	var seed [32]byte
	if _, err := io.ReadFull(cfg.Rand, seed[:]); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	b := &base{cfg: cfg, server: u, http: cfg.HTTP, jitter: mrand.New(mrand.NewChaCha8(seed)), wake: make(chan struct{}, 1)}
	c := &Client{base: b, Session: Session{b}, Actions: Actions{b}}
	store := cfg.Store
	if cfg.Keychain != nil {
		c.keychain = withKeychain(store, cfg.Keychain, cfg.Log)
		store = c.keychain
	}
	c.replica, err = openReplica(store, c.newID, cfg.Now)
	if err != nil {
		return nil, err
	}
	if c.replica.Meta().SessionID != "" {
		c.conn = Offline
	}
	c.notice = c.replica.Meta().Notice
	return c, nil
}

func (c *base) newID() string {
	b := make([]byte, 16)
	if _, err := io.ReadFull(c.cfg.Rand, b); err != nil {
		panic(fmt.Sprintf("core: random source failed: %v", err))
	}
	return hex.EncodeToString(b)
}

// Snapshot returns what the screens show now.
func (c *Client) Snapshot() Snapshot {
	meta := c.replica.Meta()
	v, version, pending, ok := c.replica.View()
	c.mu.Lock()
	s := Snapshot{Conn: c.conn, Notice: c.notice, DeviceTimeZone: c.cfg.TimeZone}
	c.mu.Unlock()
	s.Email, s.SessionID = meta.Email, meta.SessionID
	s.HasView, s.View, s.Version, s.Pending = ok, v, version, pending
	if c.keychain != nil && c.keychain.Fallback() && meta.SessionID != "" {
		s.KeychainNotice = KeychainFallbackNotice
	}
	for _, a := range v.Alerts {
		if a.SessionID != meta.SessionID { // not about this very device
			s.Alerts = append(s.Alerts, Alert(a))
		}
	}
	for _, m := range c.replica.Pending(0) {
		switch m.Name {
		case model.MutSetDisplayName:
			s.PendingName = true
		case model.MutSetEmailNotification:
			s.PendingPrefs = true
		}
	}
	if a := c.replica.Avatar(); a != nil && a.Hash == v.Profile.Avatar {
		s.AvatarPNG = a.PNG
	}
	c.mu.Lock()
	if r := c.release; r != nil && newer(r.Version, c.cfg.AppVersion) {
		s.Update = r
	}
	c.mu.Unlock()
	return s
}

func (c *base) setConn(s ConnState) {
	c.mu.Lock()
	changed := c.conn != s
	c.conn = s
	c.mu.Unlock()
	if changed {
		c.cfg.OnChange()
	}
}

func (c *base) setNotice(n string) {
	c.mu.Lock()
	c.notice = n
	c.mu.Unlock()
	c.cfg.OnChange()
}

// DismissNotice clears the current notice.
func (c *Client) DismissNotice() {
	c.setNotice("")
	if err := c.replica.UpdateMeta(func(m *Meta) error { m.Notice = ""; return nil }); err != nil {
		// Dismissed on the screen; shown again at the next start.
		c.cfg.Log.Warn("save the dismissed notice", "err", err)
	}
}

func (c *base) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// SetDisplayName checks name with the account rules and queues the change;
// it is shown at once and synced when the server is reachable. A name the
// rules refuse returns the *account.RuleError and queues nothing.
func (c *Actions) SetDisplayName(name string) error {
	return c.mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: name})
}

// SignUp creates an account and signs in to it.
func (c *Session) SignUp(ctx context.Context, email, password, displayName string) error {
	req := map[string]any{"email": email, "password": password, "displayName": displayName}
	if c.cfg.TimeZone != "" {
		req["timeZone"] = c.cfg.TimeZone // the account starts in this device's zone
	}
	return c.startSession(ctx, "/v1/signup", req)
}

// SignIn signs in with email and password, and code when the account has
// two-factor authentication (a 6-digit code or a backup code). Without a
// needed code it returns a *wire.Error with CodeSecondFactor; see
// NeedsSecondFactor.
func (c *Session) SignIn(ctx context.Context, email, password, code string) error {
	req := map[string]any{"email": email, "password": password}
	if code != "" {
		req["code"] = code
	}
	return c.startSession(ctx, "/v1/signin", req)
}

// NeedsSecondFactor reports whether err asks for a two-factor code.
func NeedsSecondFactor(err error) bool {
	var we *wire.Error
	return errors.As(err, &we) && we.Code == wire.CodeSecondFactor
}

type sessionResponse struct {
	AccountID string `json:"accountId"`
	SessionID string `json:"sessionId"`
	Token     string `json:"token"`
}

func (c *base) startSession(ctx context.Context, path string, req map[string]any) error {
	c.signing.Lock()
	defer c.signing.Unlock()
	// A sign-out not told yet is told before signing in: in the browser
	// the session is the cookie, which the sign-in replaces.
	c.tellSignOutLocked(ctx)
	c.describeDevice(req)
	var resp sessionResponse
	if err := c.call(ctx, "POST", path, "", req, &resp); err != nil {
		return err
	}
	email, _ := req["email"].(string)
	return c.adoptSession(ctx, resp, email)
}

// describeDevice adds this device's id and, on the desktop, what it is
// and that the token is wanted in the answer.
func (c *base) describeDevice(req map[string]any) {
	req["deviceId"] = c.replica.Meta().DeviceID
	if c.cfg.Desktop {
		req["bearer"] = true
		req["device"] = map[string]string{"kind": "desktop", "os": runtime.GOOS, "name": c.cfg.DeviceName}
	}
}

// adoptSession makes a session the server started this device's. A
// sign-out the server was not told of yet is told first when it has its
// own token (the desktop app; the server just answered), since the new
// session replaces that token. One by cookie (the browser) is not: the
// cookie is the new session's now (startSession told it before).
//
// Call it with c.signing held.
func (c *base) adoptSession(ctx context.Context, resp sessionResponse, email string) error {
	if m := c.replica.Meta(); m.SignOutPending && m.Token != "" {
		c.tellSignOutLocked(ctx)
	}
	if c.replica.Meta().AccountID != resp.AccountID {
		// Another account's cache must not show through.
		if err := c.replica.Wipe(""); err != nil {
			return err
		}
	}
	email, _ = model.NormalizeEmail(email)
	err := c.replica.UpdateMeta(func(m *Meta) error {
		if m.AccountID != "" && m.AccountID != resp.AccountID {
			// Another sign-in finished meanwhile with another account.
			return errors.New("another sign-in is in progress on this device; try again")
		}
		m.AccountID, m.SessionID, m.Token, m.Notice, m.SignOutPending = resp.AccountID, resp.SessionID, resp.Token, "", false
		if email != "" {
			m.Email = email
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.notice = ""
	c.mu.Unlock()
	c.setConn(Connecting)
	c.signal()
	return nil
}

// SignOut signs this device out: its account data and session are wiped
// at once, whatever the network does, and the server is told to end the
// session now or, if it cannot be reached, as soon as it can (Run retries;
// the session list shows it until then).
func (c *Session) SignOut(ctx context.Context) {
	c.signOutLocal("You signed out.", true)
	c.tellSignOut(ctx)
}

// tellSignOut tells the server of a pending sign-out, if any, and reports
// whether none is left pending: the server ended the session or already
// had (any answer but a failure to reach it, a server error or a limit).
func (c *base) tellSignOut(ctx context.Context) bool {
	c.signing.Lock()
	defer c.signing.Unlock()
	return c.tellSignOutLocked(ctx)
}

// tellSignOutLocked is tellSignOut with c.signing held.
func (c *base) tellSignOutLocked(ctx context.Context) bool {
	m := c.replica.Meta()
	if !m.SignOutPending {
		return true
	}
	err := c.call(ctx, "POST", "/v1/signout", m.Token, nil, nil)
	var we *wire.Error
	if err != nil && (!errors.As(err, &we) || we.Code == wire.CodeInternal || we.Code == wire.CodeRateLimited) {
		c.cfg.Log.Info("the server is not told of the sign-out yet; will retry", "err", err)
		return false
	}
	if err := c.replica.ClearSignOut(m.Token); err != nil {
		c.cfg.Log.Warn("forget the sign-out the server was told of", "err", err)
		return false
	}
	return true
}

// RevokeSession ends one of the account's sessions (online only).
func (c *Actions) RevokeSession(ctx context.Context, sessionID string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "DELETE", "/v1/sessions/"+url.PathEscape(sessionID), c.replica.Meta().Token, nil, nil)
}

// signOutLocal wipes the account's local data and shows notice at
// sign-in; byUser keeps the token until the server is told (SignOut).
func (c *base) signOutLocal(notice string, byUser bool) {
	wipe := c.replica.Wipe
	if byUser {
		wipe = c.replica.WipeSigningOut
	}
	if err := wipe(notice); err != nil {
		notice += " (Local data could not be fully erased: " + err.Error() + ")"
	}
	c.mu.Lock()
	c.conn = SignedOut
	c.notice = notice
	c.mu.Unlock()
	c.cfg.OnChange()
}

// call performs one API request. API errors come back as *wire.Error; an
// unreachable server as ErrOffline.
func (c *base) call(ctx context.Context, method, path, token string, in, out any) error {
	_, data, err := c.do(ctx, method, path, token, in)
	if err != nil {
		return err
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("read server answer: %w", err)
		}
	}
	return nil
}

// Doer performs one HTTP request: the method, absolute URL, headers and
// body (nil for none), returning the status and the body of the answer. A
// failure to reach the server is an error; an error status is not.
type Doer interface {
	Do(ctx context.Context, method, url string, header map[string]string, body []byte) (status int, respBody []byte, err error)
}

// do performs one API request and returns the answer's body, also with an
// API error (whose body may say more).
func (c *base) do(ctx context.Context, method, path, token string, in any) (int, []byte, error) {
	var body []byte
	header := map[string]string{}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, err
		}
		body = b
		header["Content-Type"] = "application/json"
	}
	return c.send(ctx, method, path, token, header, body)
}

// send performs one request with a raw body.
func (c *base) send(ctx context.Context, method, path, token string, header map[string]string, body []byte) (int, []byte, error) {
	if token != "" {
		header["Authorization"] = "Bearer " + token
	}
	status, data, err := c.http.Do(ctx, method, c.server.String()+path, header, body)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		return 0, nil, fmt.Errorf("%w (%v)", ErrOffline, err)
	}
	if status >= 400 {
		return status, data, apiError(status, data)
	}
	return status, data, nil
}

// apiError reads the error of a failed API answer.
func apiError(status int, body []byte) error {
	var eb struct {
		Error   *wire.Error      `json:"error"`
		Passkey *PasskeyCeremony `json:"passkey"`
		Codes   bool             `json:"codes"`
	}
	if json.Unmarshal(body, &eb) == nil && eb.Error != nil {
		if eb.Passkey != nil {
			return &PasskeyRequired{Err: eb.Error, Ceremony: *eb.Passkey, Codes: eb.Codes}
		}
		return eb.Error
	}
	return wire.Errorf(wire.CodeInternal, "The server answered with status %d.", status)
}
