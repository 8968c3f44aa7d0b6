package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BenchmarkReconcile1000 is the time from reconnecting to having 1,000
// offline edits applied, acknowledged and the queue empty.
func BenchmarkReconcile1000(b *testing.B) {
	ts := startServer(b)
	c := newClient(b, ts)
	signUp(b, c, "reconcile@example.com", "Re Concile")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ts.stop()
		for k := range 1000 {
			if err := c.SetDisplayName(fmt.Sprintf("Offline edit %d.%d", i, k)); err != nil {
				b.Fatal(err)
			}
		}
		ts.start()
		b.StartTimer()
		c.run()
		waitFor(b, "queue drained", func() bool { s := c.Snapshot(); return s.Pending == 0 && s.SignedIn() })
		b.StopTimer()
		c.cancel()
		<-c.done
		c.cancel = nil
	}
}

// BenchmarkPanelFirstScreen is the time from opening the panel (signed
// in before, so its IndexedDB holds the account) to the profile on screen,
// in headless chromium on loopback.
func BenchmarkPanelFirstScreen(b *testing.B) {
	ts := startServerWithPanel(b, builtPanel(b))
	apiSignUp(b, ts, "firstscreen@example.com", pw, "First Screen", "d1")
	ctx := newBrowser(b)
	within(b, ctx, "sign in once",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "firstscreen@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		textIs("profile-name", "First Screen"),
	)
	for b.Loop() {
		c, cancel := context.WithTimeout(ctx, time.Minute)
		if err := chromedp.Do(c, chromedp.Navigate(ts.url()+"/"), chromedp.WaitReady(`#app`), textIs("profile-name", "First Screen")); err != nil {
			b.Fatal(err)
		}
		cancel()
	}
}
