package e2e

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/chromedp/chromedp"

	"github.com/dialnexa/account/core/model"
)

// Desktop: a preference toggled offline shows as waiting and syncs; the
// security alerts' toggle cannot be turned off; a notification arrives in
// the bell live.
func TestDesktopNotifications(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "desknotif@example.com", "Desk Notif")
	c.run()
	w, ui := desktopUI(t, c)
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })
	selectTab(w, "Notifications")
	checks := map[string]*widget.Check{}
	for _, o := range test.LaidOutObjects(w.Content()) {
		if ch, ok := o.(*widget.Check); ok && ch.Visible() {
			checks[ch.Text+"#"+strconv.Itoa(len(checks))] = ch
		}
	}
	if len(checks) != 8 {
		t.Fatalf("%d email toggles, want 8", len(checks))
	}
	security := find(w, func(ch *widget.Check) bool { return ch.Text == "Email (always on)" })
	if security == nil || !security.Checked || !security.Disabled() {
		t.Fatalf("security toggle: %+v, want checked and disabled", security)
	}
	if err := c.SetEmailNotification(model.NotifSecurityAlert, false); err == nil || !strings.Contains(err.Error(), "cannot be turned off") {
		t.Errorf("turning security emails off through the client: %v", err)
	}

	ts.stop()
	waitFor(t, "offline", func() bool { ui.Refresh(); return labelWith(w, "Offline") != nil })
	first := find(w, func(ch *widget.Check) bool { return ch.Text == "Email" && ch.Checked })
	// Tap the box itself, as a user does (a check reacts only there).
	test.TapAt(first, fyne.NewPos(8, first.Size().Height/2)) // Low wallet balance: off
	if labelWith(w, "Waiting to sync") == nil {
		t.Fatal("offline toggle not shown as waiting to sync")
	}
	ts.start()
	waitFor(t, "the setting synced", func() bool {
		ui.Refresh()
		acc, _ := ts.account("desknotif@example.com")
		return acc.EmailPrefs[model.NotifLowBalance] == false && len(acc.EmailPrefs) == 1 && c.Snapshot().Pending == 0
	})

	event(t, ts, map[string]any{"type": "campaign_completed", "email": "desknotif@example.com", "campaignId": "spring", "calls": 12})
	waitFor(t, "the bell's count", func() bool { ui.Refresh(); return button(w, "1 unread") != nil })
	test.Tap(button(w, "1 unread"))
	if labelWith(w, "The campaign \"spring\" has finished") == nil {
		t.Fatal("notification missing from the bell's list")
	}
	var opened string
	ui.OpenURL = func(u *url.URL) error { opened = u.String(); return nil }
	test.Tap(button(w, "Open"))
	if opened != "https://app.dialnexa.com/campaigns/spring" {
		t.Errorf("Open went to %q", opened)
	}
	waitFor(t, "read synced", func() bool { ui.Refresh(); acc, _ := ts.account("desknotif@example.com"); return acc.Unread == 0 })
}

// Panel: the same in chromium.
func TestPanelNotifications(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	apiSignUp(t, ts, "panelnotif@example.com", pw, "Panel Notif", "d1")
	ctx := newBrowser(t)
	within(t, ctx, "sign in",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "panelnotif@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		textIs("status", "Online"),
		poll(`document.querySelectorAll("#notifications input[type=checkbox]").length === 8`),
		poll(`(b => b.checked && b.disabled)(document.getElementById("email-security_alert"))`),
		poll(`!document.getElementById("email-team_member_joined").checked && document.getElementById("email-low_wallet_balance").checked`),
	)
	ts.stop()
	within(t, ctx, "toggle offline",
		poll(`((document.getElementById("status")||{}).textContent||"").startsWith("Offline")`),
		screen("notifications"),
		chromedp.Click(`#email-team_member_joined`),
		visible("prefs-pending"),
		poll(`document.getElementById("status").textContent.includes("1 change waiting")`),
	)
	ts.start()
	within(t, ctx, "synced", textIs("status", "Online"), poll(`document.getElementById("prefs-pending").hidden`))
	if acc, _ := ts.account("panelnotif@example.com"); !acc.EmailPrefs[model.NotifTeamMemberJoined] {
		t.Errorf("server prefs after sync: %v", acc.EmailPrefs)
	}
	event(t, ts, map[string]any{"type": "wallet_low", "email": "panelnotif@example.com", "balance": "3.10", "threshold": "10.00", "currency": "USD"})
	within(t, ctx, "the bell, live",
		textIs("bell-count", "1"),
		chromedp.Click(`#bell`),
		visible("bell-panel"),
		poll(`document.querySelector("#inbox li.unread strong").textContent === "Low wallet balance"`),
		poll(`document.querySelector("#inbox li a").href === "https://app.dialnexa.com/wallet"`),
	)
	saveScreenshot(t, ctx, "panel-bell.png")
	within(t, ctx, "mark all read", chromedp.Click(`#mark-all-read`), poll(`document.getElementById("bell-count").hidden`))
	waitFor(t, "read on the server", func() bool { acc, _ := ts.account("panelnotif@example.com"); return acc.Unread == 0 })
}
