package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func visible(id string) chromedp.Action[chromedp.Void] {
	return poll(`(e => e && !e.hidden && !e.closest("[hidden]"))(document.getElementById(` + jsString(id) + `))`)
}

// The panel in chromium against a real server: 2FA setup with an oathtool
// code, sign-in asking for the code, a live alert whose button revokes the
// new session, and the forgotten-password flow through the reset page (which
// still asks for the second factor).
func TestPanelTwoFactorAlertAndReset(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	ctx := newBrowser(t)
	within(t, ctx, "create an account in the panel",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.Click(`#auth-toggle`),
		chromedp.SendKeys(`#email`, "panel2fa@example.com"),
		chromedp.SendKeys(`#display-name`, "Panel Twofa"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.SendKeys(`#password-confirm`, pw),
		chromedp.Click(`#auth-submit`),
		textIs("profile-name", "Panel Twofa"),
		screen("security"),
		visible("tf-hint"),
		chromedp.Click(`#tf-enable`),
		poll(`document.getElementById("tf-error").textContent === "Enter your password to continue."`),
		chromedp.SendKeys(`#tf-password`, pw),
		chromedp.Click(`#tf-enable`),
		visible("tf-setup"),
		poll(`document.getElementById("tf-password-box").hidden`),
		poll(`document.getElementById("tf-secret").textContent.length >= 32`),
		poll(`document.getElementById("tf-qr").naturalWidth > 100`),
	)
	secret, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("tf-secret").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	within(t, ctx, "confirm with an oathtool code",
		chromedp.SendKeys(`#tf-code`, oathtool(t, secret, ts.clock.Now())),
		chromedp.Click(`#tf-confirm`),
		poll(`document.querySelectorAll("#tf-codes li").length === 10`),
		chromedp.Click(`#tf-done`),
		poll(`document.getElementById("tf-status").textContent.startsWith("On.")`),
	)
	saveScreenshot(t, ctx, "panel-security-2fa-on.png")

	within(t, ctx, "sign out and in again with a code",
		chromedp.Click(`#signout`),
		chromedp.WaitVisible(`#auth-form`),
		clearInput("email"),
		chromedp.SendKeys(`#email`, "panel2fa@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		visible("code"),
	)
	ts.clock.Advance(30 * time.Second)
	within(t, ctx, "enter the code",
		chromedp.SendKeys(`#code`, oathtool(t, secret, ts.clock.Now())),
		chromedp.Click(`#auth-submit`),
		textIs("profile-name", "Panel Twofa"),
		textIs("status", "Online"),
	)
	ts.clock.Advance(30 * time.Second)
	within(t, ctx, "new backup codes in the new session ask for the password",
		screen("security"),
		visible("tf-password-box"),
		chromedp.SendKeys(`#tf-password`, pw),
		chromedp.SendKeys(`#tf-manage-code`, oathtool(t, secret, ts.clock.Now())),
		chromedp.Click(`#tf-regenerate`),
		poll(`document.querySelectorAll("#tf-codes li").length === 10`),
		chromedp.Click(`#tf-done`),
		poll(`document.getElementById("tf-password-box").hidden`),
	)

	ts.clock.Advance(30 * time.Second)
	_, intruder := apiSignIn(t, ts, "panel2fa@example.com", pw, oathtool(t, secret, ts.clock.Now()), "intruder-device")
	within(t, ctx, "the live alert",
		visible("alert"),
		poll(`document.getElementById("alert-text").textContent.startsWith("New sign-in:")`),
	)
	saveScreenshot(t, ctx, "panel-alert.png")
	within(t, ctx, "revoke from the alert", chromedp.Click(`#alert-revoke`), poll(`document.getElementById("alert").hidden`))
	if a := call(t, ts, "GET", "/v1/me", intruder.Token, nil); a.status != http.StatusUnauthorized {
		t.Fatalf("intruder after revoke from the panel's alert: %d", a.status)
	}

	// Forgot password, from the panel's sign-in screen.
	within(t, ctx, "ask for a reset link",
		chromedp.Click(`#signout`),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.Click(`#auth-forgot`),
		clearInput("email"),
		chromedp.SendKeys(`#email`, "panel2fa@example.com"),
		chromedp.Click(`#auth-submit`),
		poll(`document.getElementById("auth-info").textContent.includes("If an account exists")`),
	)
	link := ts.inbox.waitFor(t, "panel2fa@example.com", "Reset your").link(t)
	local := ts.url() + strings.TrimPrefix(link, "https://account.dialnexa.test")
	ts.clock.Advance(30 * time.Second)
	within(t, ctx, "set a new password on the reset page",
		chromedp.Navigate(local),
		chromedp.WaitVisible(`#reset-form`),
		chromedp.SendKeys(`#new-password`, "amber falcon 77#"),
		chromedp.SendKeys(`#confirm-password`, "amber falcon 77#"),
		chromedp.Click(`#reset-submit`),
		visible("code-row"),
		poll(`document.getElementById("reset-error").textContent.includes("code")`),
		chromedp.SendKeys(`#code`, oathtool(t, secret, ts.clock.Now())),
		chromedp.Click(`#reset-submit`),
		visible("reset-done"),
		poll(`location.hash === ""`),
	)
	if a, _ := apiSignIn(t, ts, "panel2fa@example.com", "amber falcon 77#", "", "x"); a.code() != 15 {
		t.Errorf("new password with 2FA on: %d %s, want second_factor_required", a.status, a.body)
	}
}

// Offline, the panel's security settings say so and cannot be used.
func TestPanelSecurityOffline(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	apiSignUp(t, ts, "paneloff@example.com", pw, "Panel Off", "d1")
	ctx := newBrowser(t)
	within(t, ctx, "sign in",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "paneloff@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		textIs("status", "Online"),
	)
	ts.stop()
	within(t, ctx, "offline",
		poll(`((document.getElementById("status")||{}).textContent||"").startsWith("Offline")`),
		screen("security"),
		visible("security-offline"),
		poll(`document.getElementById("pw-save").disabled && document.getElementById("tf-enable").disabled`),
		poll(`[...document.querySelectorAll("#sessions .revoke")].every(b => b.disabled)`),
	)
}
