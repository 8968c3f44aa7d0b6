package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// panelStats is what the panel's diagnostics report, with the page's JS
// heap after a full garbage collection.
type panelStats struct {
	Renders   int     `json:"renders"`
	Listeners int     `json:"listeners"`
	Heap      float64 `json:"heap"`
}

// A panel left open renders every snapshot the server pushes: the event
// listeners it holds, and its JavaScript heap, stay bounded however many it
// renders (each render rebuilds the lists: sessions, the bell's
// notifications, workspaces, passkeys, and releases the listeners of the
// rows it replaces).
func TestPanelHoldsBoundedListenersOverManyRenders(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	apiSignUp(t, ts, "long-tab@example.com", goodPassword, "Long Tab", "laptop")
	ctx := newBrowser(t, chromedp.Flag("js-flags", "--expose-gc"), chromedp.Flag("enable-precise-memory-info", true))
	within(t, ctx, "sign in", panelSignIn(ts.url(), "long-tab@example.com", goodPassword))
	stats := func() panelStats {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[panelStats](`(() => { gc(); const d = dialnexaDiagnostics(); return {renders: d.renders, listeners: d.listeners, heap: performance.memory.usedJSHeapSize}; })()`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	sent := 0
	// renderUntil has the server push changes (a service's event: a new
	// notification, so a new view), one at a time, each waited for, until
	// the panel has rendered n snapshots.
	renderUntil := func(n int) panelStats {
		t.Helper()
		for s := stats(); ; s = stats() {
			if s.Renders >= n {
				return s
			}
			if sent > 2*n {
				t.Fatalf("%d events sent, %d renders: the panel stopped rendering", sent, s.Renders)
			}
			sent++
			body := map[string]any{"type": "campaign_completed", "email": "long-tab@example.com", "campaignId": fmt.Sprint("c", sent), "campaignName": "Spring", "calls": sent}
			if a := event(t, ts, body); a.status != http.StatusOK {
				t.Fatalf("event %d: %d %s", sent, a.status, a.body)
			}
			// A hang guard, not a speed assertion.
			wait := fmt.Sprintf(`new Promise((ok, fail) => { const t0 = Date.now(); const f = () => dialnexaDiagnostics().renders > %d ? ok(true) : Date.now() - t0 > 30000 ? fail("no render") : setTimeout(f, 2); f(); })`, s.Renders)
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](wait, chromedp.EvalAwaitPromise)); err != nil {
				t.Fatalf("after event %d (%d renders): %v", sent, s.Renders, err)
			}
		}
	}
	// The inbox holds its most recent notifications: once it is full,
	// every render shows as many rows.
	warm := renderUntil(200)
	last := renderUntil(warm.Renders + 1000)
	t.Logf("after %d renders: %d listeners, JS heap %.1f MB; after %d: %d listeners, JS heap %.1f MB (%d events)",
		warm.Renders, warm.Listeners, warm.Heap/1e6, last.Renders, last.Listeners, last.Heap/1e6, sent)
	if last.Listeners > warm.Listeners+4 {
		t.Errorf("listeners grew from %d to %d over %d renders: the panel keeps the listeners of rows it replaced", warm.Listeners, last.Listeners, last.Renders-warm.Renders)
	}
	if grown := last.Heap - warm.Heap; grown > 2.5e6 {
		t.Errorf("the JS heap grew by %.1f MB over %d renders", grown/1e6, last.Renders-warm.Renders)
	}
}
