package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/sync/wire"
)

func TestPanelSignInEditLiveAndRevoked(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	desk := newClient(t, ts)
	signUp(t, desk, "pat@example.com", "Pat")
	desk.run()
	waitFor(t, "desktop online", online(desk))

	ctx := newBrowser(t)
	within(t, ctx, "open the panel and sign in",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "pat@example.com"),
		chromedp.SendKeys(`#password`, goodPassword),
		chromedp.Click(`#auth-submit`),
		textIs("profile-name", "Pat"),
		textIs("status", "Online"),
	)

	// Change the display name in the panel: the desktop client sees it live.
	within(t, ctx, "change the name in the panel",
		clearInput("name-input"),
		chromedp.SendKeys(`#name-input`, "Pat from the Panel"),
		chromedp.Click(`#name-save`),
		textIs("profile-name", "Pat from the Panel"),
		textIs("name-saved", "Saved."),
	)
	waitFor(t, "desktop sees the panel's change", func() bool {
		return desk.Snapshot().View.Profile.DisplayName == "Pat from the Panel"
	})

	// A too-short name shows the rule and changes nothing.
	within(t, ctx, "refuse a one-character name",
		clearInput("name-input"),
		chromedp.SendKeys(`#name-input`, "P"),
		chromedp.Click(`#name-save`),
		poll(`document.getElementById("name-error").textContent.includes("at least 2")`),
		textIs("profile-name", "Pat from the Panel"),
	)

	// A change from the desktop arrives in the panel live, without a reload.
	if err := desk.SetDisplayName("Pat <b>Desk</b>"); err != nil {
		t.Fatal(err)
	}
	within(t, ctx, "see the desktop's change live, markup as text",
		textIs("profile-name", "Pat <b>Desk</b>"),
		poll(`document.querySelector("#profile-name b") === null`),
		poll(`document.querySelectorAll("#sessions li").length === 2`),
		poll(`document.querySelector("#sessions li .this-device") !== null`),
	)

	saveScreenshot(t, ctx, "panel-profile.png")

	// A key the panel does not know, to see the wipe delete the database
	// rather than only the keys it knows.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((ok, fail) => {
		const r = indexedDB.open("dialnexa-account");
		r.onerror = () => fail(r.error);
		r.onsuccess = () => {
			const db = r.result, tx = db.transaction(["kv"], "readwrite");
			tx.objectStore("kv").put("pat@example.com", "probe");
			tx.oncomplete = () => { db.close(); ok(true); };
		};
	})`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}

	// Revoke the panel's session from the desktop: the panel returns to
	// sign-in, says why, and its IndexedDB no longer holds the account.
	var panelSession string
	for _, s := range desk.Snapshot().View.Sessions {
		if s.ID != desk.Snapshot().SessionID {
			panelSession = s.ID
		}
	}
	if err := desk.RevokeSession(context.Background(), panelSession); err != nil {
		t.Fatalf("revoke panel session: %v", err)
	}
	within(t, ctx, "panel signed out live",
		chromedp.WaitVisible(`#auth-form`),
		poll(`document.getElementById("auth-notice").textContent.includes("revoked")`),
	)
	saveScreenshot(t, ctx, "panel-revoked.png")
	leftovers, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise((ok, fail) => {
		const r = indexedDB.open("dialnexa-account");
		r.onerror = () => fail(r.error);
		r.onsuccess = () => {
			const tx = r.result.transaction(["kv", "queue"]);
			const v = tx.objectStore("kv").get("confirmed"), q = tx.objectStore("queue").count(), m = tx.objectStore("kv").get("meta"), p = tx.objectStore("kv").get("probe");
			tx.oncomplete = () => { r.result.close(); ok(JSON.stringify({view: v.result === undefined ? null : v.result, queue: q.result, meta: JSON.parse(m.result), probe: p.result === undefined ? null : p.result})); };
		};
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !contains(leftovers, `"view":null`) || !contains(leftovers, `"queue":0`) || contains(leftovers, `"sessionId"`) ||
		!contains(leftovers, `"probe":null`) || contains(leftovers, "pat@example.com") {
		t.Errorf("panel storage after revocation: %s; want a new database with no view, no queue, no session", leftovers)
	}
}

// A panel whose protocol the server no longer serves says so plainly.
func TestPanelSaysUpdateWhenOutdated(t *testing.T) {
	ts := startServerTuned(t, builtPanel(t), func(c *node.Config) { c.MinProtocolVersion = wire.ProtocolVersion + 1 })
	desk := newClient(t, ts)
	signUp(t, desk, "old-panel@example.com", "Old Panel")
	ctx := newBrowser(t)
	within(t, ctx, "sign in to an outdated panel",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "old-panel@example.com"),
		chromedp.SendKeys(`#password`, goodPassword),
		chromedp.Click(`#auth-submit`),
		textIs("status", core.OutdatedText),
	)
}
