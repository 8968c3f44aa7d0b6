package e2e

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/oauth2"

	"github.com/dialnexa/account/server/internal/store"
)

// The desktop app signs in as a native OAuth client (RFC 8252): the
// system browser (Chromium) signs in on the server's page, the code comes
// back to the app's loopback port, the app redeems it with its PKCE
// verifier and syncs with the session it stands for; the session is the
// desktop's in Active Sessions, and revoking it signs the app out.
func TestDesktopSignsInAsANativeClient(t *testing.T) {
	ts, origin := startOIDCServer(t, true)
	s := apiSignUp(t, ts, "native@example.com", goodPassword, "Native App", "dev-native")
	c := newClient(t, ts)
	ctx := context.Background()
	n, err := c.StartNativeSignIn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(n.URL)
	if q := u.Query(); q.Get("client_id") != "dialnexa-desktop" || q.Get("code_challenge_method") != "S256" ||
		!strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") || !strings.HasPrefix(n.URL, origin+"/oidc/authorize?") {
		t.Fatalf("the browser's address: %s", n.URL)
	}
	// A page that did not start this sign-in cannot finish it.
	redirect := u.Query().Get("redirect_uri")
	if resp, err := http.Get(redirect + "?code=stolen&state=forged"); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a forged answer at the loopback: %v %v", resp, err)
	}
	done := make(chan error, 1)
	go func() { done <- c.FinishNativeSignIn(ctx, n) }()

	browser := newBrowser(t)
	within(t, browser, "the system browser at the server's sign-in",
		chromedp.Navigate(n.URL),
		pollAcross(`document.getElementById("auth-form") !== null && document.getElementById("auth-for-app") !== null`),
	)
	within(t, browser, "sign in in the system browser",
		chromedp.SendKeys(`#email`, "native@example.com"),
		chromedp.SendKeys(`#password`, goodPassword),
		chromedp.Click(`#auth-submit`),
		pollAcross(`document.body.innerText.includes("You are signed in to the DialNexa app")`),
	)
	if err := <-done; err != nil {
		t.Fatalf("the app's sign-in: %v", err)
	}
	c.run()
	waitFor(t, "the app online", online(c))
	snap := c.Snapshot()
	ss, err := ts.session(snap.SessionID)
	if err != nil || ss.AppID != "dialnexa-desktop" || !ss.HandedOver || ss.AccountID != s.AccountID || ss.Device != "DialNexa desktop on Linux" {
		t.Fatalf("the app's session: %+v, %v", ss, err)
	}
	// The access token that made the session makes no second one.
	// (Revoking the session through the API signs the app out.)
	if a := call(t, ts, "DELETE", "/v1/sessions/"+snap.SessionID, s.Token, nil); a.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", a.status, a.body)
	}
	waitFor(t, "the app signed out", func() bool { return !c.Snapshot().SignedIn() })
	if _, err := ts.session(snap.SessionID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the revoked session: %v", err)
	}
}

// The desktop app's access token makes one session token, once; another
// application's access token makes none.
func TestDesktopHandOverOnce(t *testing.T) {
	ts, rp, s := oidcApp(t)
	desktop := oauth2.Config{ClientID: "dialnexa-desktop", Endpoint: oauth2.Endpoint{AuthURL: rp.issuer + "/oidc/authorize",
		TokenURL: rp.issuer + "/oidc/token", AuthStyle: oauth2.AuthStyleInParams}, RedirectURL: "http://127.0.0.1:49152/callback", Scopes: []string{"openid"}}
	verifier := oauth2.GenerateVerifier()
	q := httpAuthorize(t, ts, desktop.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), s.Token)
	tok, err := desktop.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("the desktop app's code on a loopback port of its choosing: %v", err)
	}
	body := map[string]any{"accessToken": tok.AccessToken, "deviceId": "laptop", "bearer": true}
	if a := call(t, ts, "POST", "/v1/signin/oidc", "", body); a.status != http.StatusOK {
		t.Fatalf("hand over: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/signin/oidc", "", body); a.status != http.StatusUnauthorized {
		t.Errorf("the same access token again: %d %s", a.status, a.body)
	}
	other := signInApp(t, ts, rp, s)
	if a := call(t, ts, "POST", "/v1/signin/oidc", "", map[string]any{"accessToken": other.Token.AccessToken}); a.status != http.StatusUnauthorized {
		t.Errorf("another application's access token: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/signin/oidc", "", map[string]any{"accessToken": "not.a.token"}); a.status != http.StatusUnauthorized {
		t.Errorf("garbage: %d %s", a.status, a.body)
	}
}
