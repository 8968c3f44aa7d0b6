package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The panel opens with the server down: its service worker serves the page,
// wasm_exec.js and the module of the build it installed, the account comes
// from IndexedDB, the offline state shows, edits queue and sync when the
// server is back. A new build is offered ("A new version … is ready:
// Reload") rather than mixed into the open page.
func TestPanelOpensOffline(t *testing.T) {
	built := builtPanel(t)
	ts := startServerWithPanel(t, built)
	apiSignUp(t, ts, "offline@example.com", goodPassword, "Off Line", "d1")

	ctx := newBrowser(t)
	within(t, ctx, "sign in; the service worker takes the page",
		panelSignIn(ts.url(), "offline@example.com", goodPassword),
		textIs("profile-name", "Off Line"),
		poll(`navigator.serviceWorker.controller !== null`),
	)

	ts.stop()
	within(t, ctx, "reload with the server down",
		chromedp.Reload(),
		textIs("profile-name", "Off Line"),
		poll(`document.getElementById("status").className.includes("offline")`),
	)
	within(t, ctx, "edit offline",
		clearInput("name-input"),
		chromedp.SendKeys(`#name-input`, "Off Line Edited"),
		chromedp.Click(`#name-save`),
		poll(`document.getElementById("status").textContent.includes("1 change waiting")`),
		textIs("name-saved", "Saved on this device; it syncs when you are back online."),
	)
	ts.start()
	within(t, ctx, "back online, synced", textIs("status", "Online"), textIs("name-saved", "Saved."))
	waitFor(t, "the offline edit on the server", func() bool {
		a, err := ts.account("offline@example.com")
		return err == nil && a.DisplayName == "Off Line Edited"
	})

	// A new build of the panel on the server.
	next := t.TempDir()
	entries, _ := os.ReadDir(built)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(built, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "wasm_exec.js" {
			b = append(b, []byte("\n// build two\n")...)
		}
		os.WriteFile(filepath.Join(next, e.Name()), b, 0o644)
	}
	ts.stop()
	ts.panel = next
	ts.start()
	within(t, ctx, "the new build is offered, not mixed in",
		evalAsync(`navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => true)`),
		visible("update"),
		poll(`document.getElementById("update").textContent.includes("A new version")`),
	)
	if old := fetchText(t, ctx, "/wasm_exec.js"); strings.Contains(old, "build two") {
		t.Fatal("the open page was given the new build's script before it reloaded")
	}
	within(t, ctx, "choose to reload", chromedp.Click(`#update-reload`))
	acrossReload(t, ctx, "the page reloads into the new build",
		`document.getElementById("update") === null && (document.getElementById("profile-name")||{}).textContent === "Off Line Edited"`)
	if now := fetchText(t, ctx, "/wasm_exec.js"); !strings.Contains(now, "build two") {
		t.Fatal("after the reload the page still runs the old build")
	}
}

// acrossReload polls expr while the page navigates: a poll the navigation
// interrupts is started again on the new page.
func acrossReload(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := chromedp.Run(c, poll(expr))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) || !(strings.Contains(err.Error(), "navigated or closed") || strings.Contains(err.Error(), "Cannot find context")) {
			t.Fatalf("%s: %v", what, err)
		}
	}
}
