package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/dialnexa/account/server/internal/node"
)

// startServerOnLocalhost starts a server with the panel whose public origin
// is http://localhost:PORT: WebAuthn needs a domain for the relying party
// (never an IP address), and localhost is a secure context without TLS.
func startServerOnLocalhost(t *testing.T) (*testServer, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	origin := fmt.Sprintf("http://localhost:%d", port)
	ts := startServerAt(t, fmt.Sprintf("127.0.0.1:%d", port), builtPanel(t), func(c *node.Config) { c.PublicOrigin = origin })
	return ts, origin
}

// virtualAuthenticator gives the page a platform authenticator (Chromium's
// virtual one, through DevTools) that holds passkeys and verifies the
// user without asking.
func virtualAuthenticator(t *testing.T, ctx context.Context) webauthn.AuthenticatorID {
	t.Helper()
	var id webauthn.AuthenticatorID
	_, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		r, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		}})
		id = r.AuthenticatorID
		return chromedp.Void{}, err
	})
	if err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
	return id
}

// cloneBack puts the authenticator's passkey back as a copy would be: the
// same key with its signature counter where it started.
func cloneBack(t *testing.T, ctx context.Context, id webauthn.AuthenticatorID) {
	t.Helper()
	_, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		r, err := cdp.Call(ctx, tg, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: id})
		if err != nil || len(r.Credentials) != 1 {
			return chromedp.Void{}, fmt.Errorf("credentials %v: %v", r.Credentials, err)
		}
		c := *r.Credentials[0]
		if c.SignCount < 2 {
			return chromedp.Void{}, fmt.Errorf("the passkey was used %v times, want at least 2", c.SignCount)
		}
		if _, err := cdp.Call(ctx, tg, webauthn.RemoveCredential, webauthn.RemoveCredentialParams{AuthenticatorID: id, CredentialID: c.CredentialID}); err != nil {
			return chromedp.Void{}, err
		}
		// Sent as a map: this Chromium refuses the typed command's
		// always-present CMTG field.
		addCredential := cdp.Command[map[string]any, cdp.Empty]{Method: webauthn.CommandAddCredential}
		_, err = cdp.Call(ctx, tg, addCredential, map[string]any{"authenticatorId": id, "credential": map[string]any{
			"credentialId": c.CredentialID, "isResidentCredential": c.IsResidentCredential, "rpId": c.RpID,
			"privateKey": c.PrivateKey, "userHandle": c.UserHandle, "signCount": 0,
		}})
		return chromedp.Void{}, err
	})
	if err != nil {
		t.Fatalf("clone the passkey: %v", err)
	}
}

// Passkeys in the panel, in Chromium with a virtual authenticator against
// the real server: add one (the password asked again), rename it, sign in
// with it alone, use it as the second factor after the password and on
// the password-reset page, see a
// copy refused (its signature counter going back), remove it after the
// warning that it was the only second factor; and from another origin the
// browser refuses to use it.
func TestPanelPasskeys(t *testing.T) {
	ts, base := startServerOnLocalhost(t)
	apiSignUp(t, ts, "panel-keys@example.com", goodPassword, "Panel Keys", "laptop")
	ctx := newBrowser(t)
	auth := virtualAuthenticator(t, ctx)

	within(t, ctx, "add a passkey",
		panelSignIn(base, "panel-keys@example.com", goodPassword),
		screen("security"),
		textIs("pk-none", "No passkeys yet."),
		chromedp.SendKeys(`#pk-name`, "This browser"),
		chromedp.SendKeys(`#pk-password`, goodPassword),
		chromedp.Click(`#pk-add`),
		poll(`document.getElementById("pk-done").textContent.includes("added")`),
		poll(`document.getElementById("pk-done").classList.contains("success")`),
		poll(`document.querySelector('#pk-list li[data-passkey="This browser"]') !== null`),
		poll(`document.querySelector("#pk-list .pk-summary").textContent.includes("never used")`),
		// The password was entered a moment ago: not asked for again.
		poll(`document.getElementById("pk-password-box").hidden`),
	)
	within(t, ctx, "rename it, on demand",
		poll(`document.getElementById("pk-rename-0") === null`),
		clickInList(`#pk-rename-open-0`),
		visible("pk-rename-0"),
		clearInput("pk-rename-0"),
		chromedp.SendKeys(`#pk-rename-0`, "Chromium key"),
		clickInList(`#pk-rename-save-0`),
		poll(`document.querySelector('#pk-list li[data-passkey="Chromium key"]') !== null`),
		poll(`document.querySelector('#pk-list li[data-passkey="Chromium key"] .pk-row-status').textContent === "Passkey renamed."`),
	)
	saveScreenshot(t, ctx, "panel-security-passkeys.png")

	within(t, ctx, "sign in with the passkey alone",
		chromedp.Click(`#signout`),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.Click(`#auth-passkey`),
		textIs("profile-name", "Panel Keys"),
		textIs("status", "Online"),
	)
	within(t, ctx, "the password asks for the passkey",
		chromedp.Click(`#signout`),
		chromedp.WaitVisible(`#auth-form`),
		clearInput("email"),
		chromedp.SendKeys(`#email`, "panel-keys@example.com"),
		chromedp.SendKeys(`#password`, goodPassword),
		chromedp.Click(`#auth-submit`),
		visible("auth-factor-passkey"),
		poll(`document.getElementById("code").closest("[hidden]") !== null`),
		// What to do is an instruction, not an error.
		poll(`document.getElementById("auth-step").textContent !== "" && document.getElementById("auth-error").textContent === ""`),
	)
	saveScreenshot(t, ctx, "panel-signin-passkey-factor.png")
	within(t, ctx, "confirm with the passkey",
		chromedp.Click(`#auth-factor-passkey`),
		textIs("profile-name", "Panel Keys"),
		textIs("status", "Online"),
	)

	// The reset page asks for the passkey too.
	link := resetLink(t, ts, "panel-keys@example.com", 1)
	const newPassword = "fresh lantern key 81?"
	within(t, ctx, "reset the password with the passkey",
		chromedp.Navigate(base+"/reset#token="+link),
		chromedp.WaitVisible(`#reset-form`),
		chromedp.SendKeys(`#new-password`, newPassword),
		chromedp.SendKeys(`#confirm-password`, newPassword),
		chromedp.Click(`#reset-submit`),
		visible("reset-passkey"),
		poll(`document.getElementById("code-row").hidden`),
		chromedp.Click(`#reset-passkey`),
		visible("reset-done"),
	)

	cloneBack(t, ctx, auth)
	within(t, ctx, "a copy of the passkey is refused",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.Click(`#auth-passkey`),
		poll(`document.getElementById("auth-error").textContent.includes("copy of it may exist")`),
	)
	within(t, ctx, "remove it after the warning",
		panelSignIn(base, "panel-keys@example.com", newPassword), // a flagged passkey is no second factor
		screen("security"),
		poll(`document.querySelector("#pk-list li.suspect") !== null`),
		clickInList(`#pk-remove-0`),
		poll(`document.getElementById("pk-confirm-text").textContent.includes("only second factor")`),
		visible("pk-confirm-password-box"), // its own field, in the question
		chromedp.SendKeys(`#pk-confirm-password`, newPassword),
		chromedp.Click(`#pk-confirm-remove`),
		textIs("pk-none", "No passkeys yet."),
		textIs("pk-list-status", "Passkey removed."),
		poll(`document.querySelector('#activity li[data-kind="passkey_removed"]') !== null`),
	)

	// Another origin of the same server: the browser will not use a
	// passkey of localhost there.
	within(t, ctx, "another origin",
		chromedp.Click(`#signout`),
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.Click(`#auth-passkey`),
		poll(`document.getElementById("auth-error").textContent.includes("own address")`),
	)
	if a := call(t, ts, "GET", "/healthz", "", nil); a.status != http.StatusOK {
		t.Fatalf("server unwell after the test: %d", a.status)
	}
}
