package e2e

import (
	"context"
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
		panelSignIn(ts.url(), "screens@example.com", goodPassword),
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
	within(t, ctx, "a part of security by its address and the index",
		poll(`document.querySelectorAll("#security nav.index a").length === 6`),
		chromedp.Click(`#index-sessions`),
		poll(`location.hash === "#/security/sessions" && !document.getElementById("security").hidden`),
		poll(`document.activeElement === document.querySelector("#sessions-box h3")`),
		poll(`document.getElementById("nav-security").getAttribute("aria-current") === "page"`),
		// Every field of the screen is as wide as the others.
		poll(`(ws => ws.length > 2 && ws.every(w => w === ws[0]))([...document.querySelectorAll("#pw-form input[type=password], #tf-password")].filter(e => e.offsetParent).map(e => e.getBoundingClientRect().width))`),
	)

	// A picture dropped on the picture area is uploaded, with progress.
	within(t, ctx, "drop a picture",
		screen("profile"),
		evalAsync(`new Promise(ok => {
			const c = document.createElement("canvas");
			c.width = c.height = 256;
			const g = c.getContext("2d");
			g.fillStyle = "#3a6"; g.fillRect(0, 0, 256, 256);
			c.toBlob(b => {
				const dt = new DataTransfer();
				dt.items.add(new File([b], "drop.png", {type: "image/png"}));
				document.getElementById("avatar-drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
				ok(true);
			}, "image/png");
		})`),
		textIs("avatar-status", "Picture updated."),
		visible("avatar-img"),
	)
	// Dark mode follows the system's preference.
	light := pageBackground(t, ctx)
	within(t, ctx, "prefer dark", func(c context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, tg.Call(c, "Emulation.setEmulatedMedia", map[string]any{"features": []map[string]string{{"name": "prefers-color-scheme", "value": "dark"}}}, nil)
	})
	if dark := pageBackground(t, ctx); dark == light || dark != "rgb(18, 21, 28)" {
		t.Errorf("background light %s, dark %s; want the dark theme's rgb(18, 21, 28)", light, dark)
	}

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

// pageBackground is the page's computed background colour.
func pageBackground(t *testing.T, ctx context.Context) string {
	t.Helper()
	c, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
