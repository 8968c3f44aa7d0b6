package e2e

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dialnexa/account/core"
)

// zone makes the browser's time zone name, as the system's would.
func zone(name string) chromedp.Action[chromedp.Void] {
	return func(c context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, tg.Call(c, "Emulation.setTimezoneOverride", map[string]any{"timezoneId": name}, nil)
	}
}

// An account made in the panel starts in the browser's time zone; the
// profile shows it and changes it (a zone the server does not know is
// refused saying what to give), and says when the browser's is another.
func TestPanelTimeZone(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	ctx := newBrowser(t)
	within(t, ctx, "sign up in Los Angeles",
		zone("America/Los_Angeles"),
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.Click(`#auth-toggle`),
		chromedp.SendKeys(`#email`, "zone@example.com"),
		chromedp.SendKeys(`#display-name`, "Zoe Zone"),
		chromedp.SendKeys(`#password`, goodPassword),
		chromedp.SendKeys(`#password-confirm`, goodPassword),
		chromedp.Click(`#auth-submit`),
		textIs("profile-name", "Zoe Zone"),
		poll(`document.getElementById("tz-input").value === "America/Los_Angeles"`),
		poll(`document.getElementById("tz-note").textContent === ""`), // the same zone here
	)
	within(t, ctx, "a zone the server does not know",
		clearInput("tz-input"),
		chromedp.SendKeys(`#tz-input`, "Mars/Olympus"),
		chromedp.Click(`#tz-save`),
		poll(`document.getElementById("tz-error").textContent.includes("Europe/Berlin")`),
	)
	within(t, ctx, "Tokyo",
		clearInput("tz-input"),
		chromedp.SendKeys(`#tz-input`, "Asia/Tokyo"),
		chromedp.Click(`#tz-save`),
		poll(`document.getElementById("tz-error").textContent === ""`),
		poll(`document.getElementById("tz-note").textContent.includes("America/Los_Angeles") && document.getElementById("tz-note").textContent.includes("Asia/Tokyo")`),
	)
	_, s := apiSignIn(t, ts, "zone@example.com", goodPassword, "", "d2")
	var me struct {
		View struct{ Profile struct{ TimeZone string } }
	}
	call(t, ts, "GET", "/v1/me", s.Token, nil).decode(t, &me)
	if me.View.Profile.TimeZone != "Asia/Tokyo" {
		t.Errorf("the account's zone: %q", me.View.Profile.TimeZone)
	}
}

// The desktop app's account starts in the computer's zone.
func TestDesktopSignUpTakesTheComputersZone(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	c := openClient(t, ts, filepath.Join(t.TempDir(), "zone.db"), func(c *core.Config) { c.TimeZone = "Asia/Tokyo" })
	signUp(t, c, "desk-zone@example.com", "Desk Zone")
	c.run()
	waitFor(t, "the view", func() bool { return c.Snapshot().HasView })
	if got := c.Snapshot().Profile(false).TimeZone; got != "Asia/Tokyo" {
		t.Errorf("the account's zone %q, want the computer's", got)
	}
}
