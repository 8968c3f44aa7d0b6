package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeSource is axe-core, pinned, as scripts/setup.sh fetched it.
var axeSource = sync.OnceValues(func() (string, error) {
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "..", "build", "axe-core-4.14.1", "axe.min.js"))
	return string(b), err
})

// axeViolation is a rule broken on a page, with the elements breaking it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// scheme sets the page's colour scheme (light or dark), as the system's
// preference would.
func scheme(name string) chromedp.Action[chromedp.Void] {
	return func(c context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, tg.Call(c, "Emulation.setEmulatedMedia", map[string]any{"features": []map[string]string{{"name": "prefers-color-scheme", "value": name}}}, nil)
	}
}

// accessible runs axe-core over the page as it is and fails on every
// violation of serious or critical impact, naming the rule and elements.
func accessible(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("axe-core is not there (scripts/setup.sh fetches it): %v", err)
	}
	// Evaluated through the DevTools protocol, not the page's eval (which
	// its Content-Security-Policy forbids).
	if loaded, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!window.axe`)); !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](src+"\n;true")); err != nil {
			t.Fatalf("%s: loading axe-core: %v", what, err)
		}
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`(() => {
		return axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
			.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 6).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").split("\n").slice(1).join(" "))})));
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", what, err)
	}
	for _, v := range vs {
		t.Errorf("%s: %s (%s): %s\n    %s", what, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
	}
}

// TestPanelAccessibility runs axe-core over every screen, dialog and
// standalone page of the panel, in the light and the dark theme: no
// violation of serious or critical impact.
func TestPanelAccessibility(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	owner := apiSignUp(t, ts, "a11y@example.com", goodPassword, "Ada Access", "d1")
	mate := apiSignUp(t, ts, "a11y-mate@example.com", goodPassword, "Max Mate", "d2")
	tm := newTeam(t, ts, owner, "Access Team")
	tm.join(mate, tm.invite(owner.Token, "a11y-mate@example.com", "member", 1))
	tm.invite(owner.Token, "pending@example.com", "admin", 1)
	ctx := newBrowser(t)
	base := ts.url()
	for _, theme := range []string{"light", "dark"} {
		within(t, ctx, theme+": sign-in", scheme(theme), chromedp.Navigate(base+"/"), chromedp.WaitVisible(`#auth-form`))
		accessible(t, ctx, theme+" sign-in")
		within(t, ctx, theme+": sign-up", chromedp.Click(`#auth-toggle`), visible("display-name"))
		accessible(t, ctx, theme+" sign-up")
		within(t, ctx, theme+": forgot password", chromedp.Click(`#auth-toggle`), chromedp.Click(`#auth-forgot`), poll(`document.getElementById("password").closest("[hidden]") !== null`))
		accessible(t, ctx, theme+" forgot password")
		within(t, ctx, theme+": signed in", panelSignIn(base, "a11y@example.com", goodPassword))
		for _, sc := range []string{"profile", "security", "notifications", "workspaces", "danger"} {
			within(t, ctx, theme+": "+sc, screen(sc))
			accessible(t, ctx, theme+" "+sc)
		}
		if theme == "light" {
			// The inline questions and steps: two-factor set-up, and
			// replacing a ready archive (asked in both themes below).
			within(t, ctx, "two-factor set-up", screen("security"),
				chromedp.SendKeys(`#tf-password`, goodPassword), chromedp.Click(`#tf-enable`), visible("tf-setup"))
			accessible(t, ctx, "two-factor set-up")
			// The password was just entered: the step-up window spares it.
			within(t, ctx, "prepare the data", screen("profile"),
				poll(`document.getElementById("export-password").closest("label").hidden`),
				chromedp.Click(`#export-request`), visible("export-download"))
		}
		within(t, ctx, theme+": replacing a ready archive asks first", screen("profile"), chromedp.Click(`#export-request`), visible("export-confirm"))
		accessible(t, ctx, theme+" replacing a ready archive")
		within(t, ctx, theme+": kept", chromedp.Click(`#export-confirm-no`), poll(`document.getElementById("export-confirm").hidden`))
		within(t, ctx, theme+": the bell", chromedp.Click(`#bell`), visible("bell-panel"))
		accessible(t, ctx, theme+" bell")
		within(t, ctx, theme+": the audit log", chromedp.Click(`#bell`), screen("workspaces"), clickInList(`#workspaces button.show-audit`), visible("audit-log"))
		accessible(t, ctx, theme+" audit log")
		// A sign-in from a new device: the alert dialog.
		apiSignIn(t, ts, "a11y@example.com", goodPassword, "", "new-device-"+theme, "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36")
		within(t, ctx, theme+": the alert", visible("alert"))
		accessible(t, ctx, theme+" security alert")
		within(t, ctx, theme+": answered", chromedp.Click(`#alert-me`), poll(`document.getElementById("alert").hidden`))
		within(t, ctx, theme+": signed out", chromedp.Click(`#signout`), chromedp.WaitVisible(`#auth-form`))
		for _, page := range []string{"/reset#token=nothing", "/verify-email#token=nothing", "/invite#token=nothing", "/link?code=ABCD-EFGH", "/authorize?id=nothing"} {
			within(t, ctx, theme+": "+page, chromedp.Navigate(base+page), poll(`document.readyState === "complete" && document.querySelector("main form") !== null`))
			accessible(t, ctx, theme+" "+page)
		}
	}
}

// tabTo presses Tab until the focused element matches selector (at most
// 60 times): what a keyboard user does to reach it.
func tabTo(selector string) chromedp.Action[chromedp.Void] {
	return func(c context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for range 60 {
			at, err := chromedp.Evaluate[bool](`!!document.activeElement && document.activeElement.matches(`+jsString(selector)+`)`)(c, tg)
			if err != nil || at {
				return chromedp.Void{}, err
			}
			if _, err := chromedp.KeyEvent(kb.Tab)(c, tg); err != nil {
				return chromedp.Void{}, err
			}
		}
		return chromedp.Void{}, fmt.Errorf("Tab does not reach %s", selector)
	}
}

// TestPanelKeyboardOnly walks through signing in, changing the password,
// revoking a session and answering an alert with the keyboard alone.
func TestPanelKeyboardOnly(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	apiSignUp(t, ts, "keys-only@example.com", goodPassword, "Kim Keys", "d1")
	const newPassword = "Another horse battery 77!"
	ctx := newBrowser(t)
	within(t, ctx, "sign in",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		tabTo("#email"), chromedp.KeyEvent("keys-only@example.com"),
		tabTo("#password"), chromedp.KeyEvent(goodPassword+kb.Enter),
		textIs("status", "Online"),
	)
	within(t, ctx, "change the password",
		tabTo("#nav-security"), chromedp.KeyEvent(kb.Enter),
		visible("security"),
		tabTo("#pw-current"), chromedp.KeyEvent(goodPassword),
		tabTo("#pw-new"), chromedp.KeyEvent(newPassword),
		tabTo("#pw-confirm"), chromedp.KeyEvent(newPassword+kb.Enter),
		textIs("pw-done", "Your password has been changed."),
	)
	// The API's session (the sign-up's) is another device.
	within(t, ctx, "revoke the other session",
		poll(`document.querySelectorAll("#sessions li").length === 2`),
		tabTo(`#sessions li:not(:has(.this-device)) button.revoke`), chromedp.KeyEvent(kb.Enter),
		poll(`document.querySelectorAll("#sessions li").length === 1`),
	)
	apiSignIn(t, ts, "keys-only@example.com", newPassword, "", "new-device", "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36")
	within(t, ctx, "answer the alert",
		visible("alert"),
		poll(`document.activeElement.id === "alert-me"`),
		chromedp.KeyEvent(kb.Enter),
		poll(`document.getElementById("alert").hidden`),
	)
}
