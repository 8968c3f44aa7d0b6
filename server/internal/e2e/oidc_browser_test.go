package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// An application signs users in through the server in Chromium: sent to
// the sign-in page, the user signs in with the panel (password, then the
// two-factor code), allows the third-party application, and lands back on
// it signed in; prompt=none then signs in without a page, and in a browser
// with no session answers login_required. A passkey signs in with "hwk".
func TestOIDCBrowserSignIn(t *testing.T) {
	ts, origin := startOIDCServer(t, true)
	rp := newRelyingParty(t)
	secret := registerApp(t, ts, map[string]any{"id": "grafana", "name": "Grafana", "redirectUris": []string{rp.redirectURI()},
		"backchannelLogoutUri": rp.logoutURI()})
	rp.connect(origin, "grafana", secret, "profile", "email")
	s := apiSignUp(t, ts, "grace@example.com", pw, "Grace Hopper", "dev-grace")
	totp, _ := enable2FA(t, ts, s.Token)

	ctx := newBrowser(t)
	within(t, ctx, "the application sends the browser to the panel's sign-in",
		chromedp.Navigate(rp.authURL()),
		pollAcross(`document.getElementById("auth-form") !== null`),
		chromedp.WaitVisible(`#auth-form`),
	)
	within(t, ctx, "sign in with the panel for the application",
		textIs("auth-for-app", "Sign in to continue to the application."),
		chromedp.SendKeys(`#email`, "grace@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		visible("code"),
	)
	ts.clock.Advance(30e9) // a code of its own time step
	within(t, ctx, "the second factor, then consent",
		chromedp.SendKeys(`#code`, oathtool(t, totp, ts.clock.Now())),
		chromedp.Click(`#auth-submit`),
		pollAcross(`location.pathname === "/authorize" && !document.getElementById("authorize-consent").hidden`),
		textIs("authorize-app", "Grafana"),
		poll(`[...document.querySelectorAll("#authorize-scopes li")].map(l => l.textContent).join("|") === "Who you are (your account id)|Your name and profile picture|Your email address"`),
	)
	saveScreenshot(t, ctx, "oidc-consent.png")
	within(t, ctx, "allow", chromedp.Click(`#authorize-allow`), pollAcross(`document.getElementById("rp-done") !== null`))
	res := rp.result()
	if res.Error != "" {
		t.Fatalf("the application's sign-in: %s", res.Error)
	}
	amr, _ := res.Claims["amr"].([]any)
	if res.Claims["sub"] != s.AccountID || !slices.Equal(amr, []any{"pwd", "otp", "mfa"}) {
		t.Errorf("claims after a two-factor sign-in: %v", res.Claims)
	}

	within(t, ctx, "prompt=none signs in without a page", chromedp.Navigate(rp.authURL("prompt", "none")),
		pollAcross(`document.getElementById("rp-done") !== null`))
	if res := rp.result(); res.Error != "" || res.Claims["sub"] != s.AccountID {
		t.Errorf("prompt=none with a session: %+v", res)
	}

	other := newBrowser(t)
	within(t, other, "prompt=none without a session", chromedp.Navigate(rp.authURL("prompt", "none")),
		pollAcross(`document.body.innerText.includes("login_required")`))
	if res := rp.result(); res.Error != "login_required" {
		t.Errorf("prompt=none without a session: %+v", res)
	}
	// The session the application got ended from the panel's list ends
	// it for the application too.
	sid := res.Claims["sid"].(string)
	within(t, ctx, "revoke the application's session in the panel",
		chromedp.Navigate(origin+"/#/security"),
		poll(`document.querySelector('[data-session-id="`+sid+`"] button.revoke') !== null`),
		poll(`document.querySelector('[data-session-id="`+sid+`"]').textContent.includes("Grafana via")`),
		clickInList(`[data-session-id="`+sid+`"] button.revoke`),
	)
	if lt := rp.logout(); lt.Session != sid {
		t.Errorf("revoked in the panel: logout for %s, want %s", lt.Session, sid)
	}
	// Apps with access: the prompt=none sign-in's session ends with it.
	within(t, ctx, "the app listed in the panel",
		poll(`(document.querySelector('#apps li[data-app-id="grafana"]')||{}).textContent?.includes("Can see: Who you are")`))
	saveScreenshot(t, ctx, "panel-apps-with-access.png")
	within(t, ctx, "remove the app in the panel",
		clickInList(`#apps li[data-app-id="grafana"] button.revoke`),
		poll(`!document.getElementById("apps-none").hidden`),
	)
	if lt := rp.logout(); lt.Session == sid || lt.Subject != s.AccountID {
		t.Errorf("removing the app: logout %+v", lt)
	}
}

// pollAcross waits for a JavaScript expression to become true on whatever
// page the tab shows, through the navigations a sign-in makes.
func pollAcross(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(50 * time.Second)
		for {
			ok, err := chromedp.Evaluate[bool](`(() => { try { return !!(`+expr+`) } catch (e) { return false } })()`)(ctx, tg)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			if time.Now().After(deadline) {
				return chromedp.Void{}, fmt.Errorf("timed out waiting for %s (last error: %v)", expr, err)
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// A passkey signs in for a first-party application: no consent screen,
// and the ID token says "hwk".
func TestOIDCBrowserPasskey(t *testing.T) {
	ts, origin := startOIDCServer(t, true)
	rp := newRelyingParty(t)
	registerApp(t, ts, map[string]any{"id": "desk", "name": "DialNexa dashboard", "redirectUris": []string{rp.redirectURI()},
		"public": true, "firstParty": true})
	rp.connect(origin, "desk", "")
	s := apiSignUp(t, ts, "keys@example.com", goodPassword, "Key Holder", "dev-keys")
	ctx := newBrowser(t)
	virtualAuthenticator(t, ctx)
	within(t, ctx, "add a passkey in the panel",
		panelSignIn(origin, "keys@example.com", goodPassword),
		screen("security"),
		chromedp.SendKeys(`#pk-name`, "This browser"),
		chromedp.SendKeys(`#pk-password`, goodPassword),
		chromedp.Click(`#pk-add`),
		poll(`document.getElementById("pk-done").textContent.includes("added")`),
		chromedp.Click(`#signout`),
		chromedp.WaitVisible(`#auth-form`),
	)
	within(t, ctx, "the application sends the browser to the panel's sign-in",
		chromedp.Navigate(rp.authURL()),
		pollAcross(`document.getElementById("auth-form") !== null && document.getElementById("auth-for-app") !== null`),
	)
	within(t, ctx, "sign in with the passkey", chromedp.Click(`#auth-passkey`), pollAcross(`document.getElementById("rp-done") !== null`))
	res := rp.result()
	if amr, _ := res.Claims["amr"].([]any); res.Error != "" || res.Claims["sub"] != s.AccountID || !slices.Equal(amr, []any{"hwk"}) {
		t.Errorf("a passkey sign-in: %+v", res)
	}
}

// prompt=login with the panel signed in: the panel signs out and asks
// for the password again, then the application gets its code.
func TestOIDCBrowserSignInAgain(t *testing.T) {
	ts, origin := startOIDCServer(t, true)
	rp := newRelyingParty(t)
	secret := registerApp(t, ts, map[string]any{"id": "dash", "name": "DialNexa dashboard", "redirectUris": []string{rp.redirectURI()}, "firstParty": true})
	rp.connect(origin, "dash", secret)
	s := apiSignUp(t, ts, "again@example.com", goodPassword, "Again", "dev-again")
	ctx := newBrowser(t)
	within(t, ctx, "signed in to the panel", panelSignIn(origin, "again@example.com", goodPassword))
	within(t, ctx, "the application asks for a fresh sign-in",
		chromedp.Navigate(rp.authURL("prompt", "login")),
		pollAcross(`document.getElementById("auth-form") !== null && document.getElementById("auth-for-app") !== null`),
		chromedp.WaitVisible(`#auth-form`),
	)
	within(t, ctx, "sign in again",
		clearInput("email"),
		chromedp.SendKeys(`#email`, "again@example.com"),
		chromedp.SendKeys(`#password`, goodPassword),
		chromedp.Click(`#auth-submit`),
		pollAcross(`document.getElementById("rp-done") !== null`),
	)
	if res := rp.result(); res.Error != "" || res.Claims["sub"] != s.AccountID {
		t.Errorf("prompt=login: %+v", res)
	}
}
