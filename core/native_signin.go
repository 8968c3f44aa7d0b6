//go:build !js

package core

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// desktopClientID is the desktop app's OpenID Connect client id, built
// into the server (its oidc.DesktopClientID).
const desktopClientID = "dialnexa-desktop"

// NativeSignIn is the desktop app signing in through the system browser
// as a native OAuth client (RFC 8252, "OAuth 2.0 for Native Apps"): the
// authorization code flow with PKCE, the code delivered to a loopback
// address this app listens on. The browser signs in on the server's own
// page (password, two-factor, passkey), and only this app, on this
// computer, can receive and redeem the code: a page that phishes the
// user on another machine gets nothing.
type NativeSignIn struct {
	// URL is the address to open in the system browser.
	URL string

	conf            oauth2.Config
	state, verifier string
	srv             *http.Server
	served          sync.WaitGroup
	got             chan nativeAnswer
	once            sync.Once
}

// nativeAnswer is what the browser brought to the loopback address.
type nativeAnswer struct{ code, err, desc string }

// StartNativeSignIn discovers the server's OpenID Connect endpoints,
// listens on a loopback port and returns the sign-in whose URL the app
// opens in the system browser. Close it when it is not finished.
func (c *Session) StartNativeSignIn(ctx context.Context) (*NativeSignIn, error) {
	var disc struct {
		Auth  string `json:"authorization_endpoint"`
		Token string `json:"token_endpoint"`
	}
	status, data, err := c.do(ctx, "GET", "/.well-known/openid-configuration", "", nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK || json.Unmarshal(data, &disc) != nil || disc.Auth == "" || disc.Token == "" {
		return nil, fmt.Errorf("the server does not offer sign-in through the browser (%d)", status)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the browser's answer: %w", err)
	}
	n := &NativeSignIn{state: rand.Text(), verifier: oauth2.GenerateVerifier(), got: make(chan nativeAnswer, 1)}
	n.conf = oauth2.Config{ClientID: desktopClientID, Scopes: []string{"openid"},
		Endpoint:    oauth2.Endpoint{AuthURL: disc.Auth, TokenURL: disc.Token, AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: fmt.Sprintf("http://%s/callback", ln.Addr())}
	n.URL = n.conf.AuthCodeURL(n.state, oauth2.S256ChallengeOption(n.verifier))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", n.callback)
	n.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	n.served.Go(func() { n.srv.Serve(ln) })
	return n, nil
}

// callback receives the browser at the redirect URI: a code or an error
// for this sign-in's state is kept (the first only); the page tells the
// user to go back to the app.
func (n *NativeSignIn) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if q.Get("state") != n.state {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, nativePage("This sign-in was not started by the DialNexa app on this computer. Start it again from the app."))
		return
	}
	a := nativeAnswer{code: q.Get("code"), err: q.Get("error"), desc: q.Get("error_description")}
	select {
	case n.got <- a:
	default:
	}
	if a.err != "" {
		fmt.Fprint(w, nativePage("The sign-in did not complete: "+cmpOr(a.desc, a.err)+" Go back to the DialNexa app to try again."))
		return
	}
	fmt.Fprint(w, nativePage("You are signed in to the DialNexa app. You can close this tab."))
}

func nativePage(msg string) string {
	return `<!doctype html><meta charset="utf-8"><title>DialNexa</title><p style="font:16px system-ui;margin:3em auto;max-width:30em">` + html.EscapeString(msg) + `</p>`
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Close stops listening for the browser.
func (n *NativeSignIn) Close() {
	n.once.Do(func() {
		n.srv.Close()
		n.served.Wait()
	})
}

// FinishNativeSignIn waits for the browser's answer (or ctx), redeems the
// code with its PKCE verifier, and makes the session the sign-in started
// this device's.
func (c *Session) FinishNativeSignIn(ctx context.Context, n *NativeSignIn) error {
	defer n.Close()
	var a nativeAnswer
	select {
	case a = <-n.got:
	case <-ctx.Done():
		return ctx.Err()
	}
	switch a.err {
	case "":
	case "access_denied":
		return errors.New("The sign-in was cancelled in the browser.")
	default:
		return fmt.Errorf("The browser's sign-in did not complete: %s", strings.TrimSuffix(cmpOr(a.desc, a.err), "."))
	}
	tok, err := n.conf.Exchange(ctx, a.code, oauth2.VerifierOption(n.verifier))
	if err != nil {
		return fmt.Errorf("The sign-in could not be completed (%v). Start it again.", err)
	}
	req := map[string]any{"accessToken": tok.AccessToken}
	c.describeDevice(req)
	var resp sessionResponse
	if err := c.call(ctx, "POST", "/v1/signin/oidc", "", req, &resp); err != nil {
		return err
	}
	c.signing.Lock()
	defer c.signing.Unlock()
	return c.adoptSession(ctx, resp, "")
}
