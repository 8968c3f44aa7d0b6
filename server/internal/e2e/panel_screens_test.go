package e2e

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The panel shows one screen at a time, named by the address (#/security):
// the current one is marked, back and forward move between them, and a
// disabled button says why. Only the status region is live. The security
// alert opens on the safe choice (Enter does not revoke), keeps Tab inside
// it, and Escape puts it aside without answering.
func TestPanelScreensAndAlertDialog(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	apiSignUp(t, ts, "screens@example.com", goodPassword, "Scree Ns", "d1")
	ctx := newBrowser(t)
	within(t, ctx, "sign in: the profile screen",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "screens@example.com"),
		chromedp.SendKeys(`#password`, goodPassword),
		chromedp.Click(`#auth-submit`),
		textIs("status", "Online"),
		visible("profile"),
		poll(`document.getElementById("security").hidden && document.getElementById("danger").hidden`),
		poll(`document.getElementById("nav-profile").getAttribute("aria-current") === "page" && document.title.startsWith("Profile")`),
		poll(`!document.getElementById("app").hasAttribute("aria-live") && document.getElementById("status").getAttribute("role") === "status"`),
		poll(`(b => b.disabled && b.title === "There is no picture to remove.")(document.getElementById("avatar-remove"))`),
	)
	within(t, ctx, "to security, back and forward",
		screen("security"),
		poll(`location.hash === "#/security" && document.getElementById("profile").hidden`),
		poll(`document.getElementById("nav-security").getAttribute("aria-current") === "page" && !document.getElementById("nav-profile").hasAttribute("aria-current")`),
		poll(`(b => !b.disabled && !b.hasAttribute("title"))(document.getElementById("revoke-others"))`), // the API's session is another
		// Dates in the browser's locale and zone.
		poll(`(t => t && t.textContent === new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "short"}).format(new Date(t.dateTime)))(document.querySelector("#activity time"))`),
		evalAsync(`(history.back(), true)`),
		poll(`!document.getElementById("profile").hidden && document.getElementById("security").hidden`),
		evalAsync(`(history.forward(), true)`),
		poll(`!document.getElementById("security").hidden`),
	)

	_, intruder := apiSignIn(t, ts, "screens@example.com", goodPassword, "", "intruder-1")
	within(t, ctx, "the alert opens on the safe choice; Tab stays inside",
		visible("alert"),
		poll(`document.activeElement.id === "alert-me"`),
		chromedp.KeyEvent(kb.Tab),
		poll(`document.activeElement.id === "alert-revoke"`),
		chromedp.KeyEvent(kb.Tab),
		poll(`document.activeElement.id === "alert-me"`),
		chromedp.KeyEvent(kb.Enter),
		poll(`document.getElementById("alert").hidden`),
	)
	if a := call(t, ts, "GET", "/v1/me", intruder.Token, nil); a.status != http.StatusOK {
		t.Fatalf("Enter on the alert revoked the session: %d", a.status)
	}
	_, second := apiSignIn(t, ts, "screens@example.com", goodPassword, "", "intruder-2")
	within(t, ctx, "Escape puts the alert aside",
		visible("alert"),
		chromedp.KeyEvent(kb.Escape),
		poll(`document.getElementById("alert").hidden`),
	)
	if a := call(t, ts, "GET", "/v1/me", second.Token, nil); a.status != http.StatusOK {
		t.Fatalf("Escape on the alert revoked the session: %d", a.status)
	}
}
