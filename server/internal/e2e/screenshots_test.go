package e2e

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/chromedp/chromedp"

	"github.com/dialnexa/account/app"
)

// shotDir is where screenshots go: DIALNEXA_SCREENSHOTS (scripts/screenshots.sh
// sets docs/screenshots) or a temporary directory.
func shotDir(t *testing.T) string {
	if d := os.Getenv("DIALNEXA_SCREENSHOTS"); d != "" {
		return d
	}
	return t.TempDir()
}

// checkShot fails when a screenshot is blank (fewer than 20 colours).
func checkShot(t *testing.T, name string, img image.Image) {
	t.Helper()
	colors := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
		}
	}
	if len(colors) < 20 {
		t.Errorf("%s is blank (%d colours)", name, len(colors))
	}
}

func writeShot(t *testing.T, dir, name string, img image.Image) {
	t.Helper()
	checkShot(t, name, img)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestScreenshots renders every screen of the desktop app (Fyne's software
// renderer) and of the panel (chromium) to PNG, and checks none is blank.
func TestScreenshots(t *testing.T) {
	dir := shotDir(t)
	ts := startServerWithPanel(t, builtPanel(t))

	// Desktop.
	c := newClient(t, ts)
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(900, 720))
	ui := app.New(w, c)
	ui.RunActionsInline()
	capture := func(name string) { writeShot(t, dir, "desktop-"+name+".png", w.Canvas().Capture()) }
	capture("sign-in")
	test.Tap(button(w, "Forgot password?"))
	capture("forgot-password")
	test.Tap(button(w, "Back to sign-in"))
	test.Tap(button(w, "Create an account"))
	capture("sign-up")
	test.Type(entry(w, "Email"), "ada@example.com")
	test.Type(entry(w, "Display name"), "Ada Lovelace")
	test.Type(entry(w, "Password (8+"), goodPassword)
	test.Type(entry(w, "Confirm password"), goodPassword)
	test.Tap(button(w, "Create account"))
	c.run()
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })
	event(t, ts, map[string]any{"type": "wallet_low", "email": "ada@example.com", "balance": "4.20", "threshold": "10.00", "currency": "USD"})
	waitFor(t, "bell", func() bool { ui.Refresh(); return button(w, "1 unread") != nil })
	// A workspace with a member and a pending invitation.
	selectTab(w, "Workspaces")
	test.Type(entry(w, "New workspace name"), "Outbound Sales")
	test.Tap(button(w, "Create workspace"))
	waitFor(t, "the workspace", func() bool { ui.Refresh(); return button(w, "Invite") != nil })
	bob := apiSignUp(t, ts, "bob@example.com", pw, "Bob Builder", "d9")
	for _, addr := range []string{"bob@example.com", "carol@example.com"} {
		test.Type(entry(w, "Email to invite"), addr)
		test.Tap(button(w, "Invite"))
	}
	call(t, ts, "POST", "/v1/invitations/accept", bob.Token, map[string]string{"token": tokenOfLink(ts.inbox.waitFor(t, "bob@example.com", "invited you").link(t))})
	waitFor(t, "the member", func() bool { ui.Refresh(); return labelWith(w, "Bob Builder —") != nil })
	for _, tab := range []string{"Profile", "Security", "Notifications", "Workspaces", "Danger Zone"} {
		selectTab(w, tab)
		ui.Refresh()
		capture(map[string]string{"Profile": "profile", "Security": "security", "Notifications": "notifications", "Workspaces": "workspaces", "Danger Zone": "danger-zone"}[tab])
	}
	selectTab(w, "Workspaces")
	test.Tap(button(w, "Audit log"))
	waitFor(t, "the audit log", func() bool { return labelWith(w, "created the workspace.") != nil })
	capture("audit-log")
	test.Tap(button(w, "Close"))
	test.Tap(find(w, func(b *widget.Button) bool { return strings.HasSuffix(b.Text, " unread") }))
	capture("bell")
	test.Tap(button(w, "Close"))
	apiSignIn(t, ts, "ada@example.com", goodPassword, "", "another-device")
	waitFor(t, "alert", func() bool { ui.Refresh(); return labelWith(w, "New sign-in:") != nil })
	capture("security-alert")

	// Panel.
	apiSignUp(t, ts, "grace@example.com", pw, "Grace Hopper", "d1")
	ctx := newBrowser(t)
	shot := func(name, sel string) {
		b, err := chromedp.Run(ctx, chromedp.Screenshot(sel))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		writeShot(t, dir, "panel-"+name+".png", img)
	}
	within(t, ctx, "panel sign-in", chromedp.Navigate(ts.url()+"/"), chromedp.WaitVisible(`#auth-form`))
	shot("sign-in", `#auth-form`)
	within(t, ctx, "forgot", chromedp.Click(`#auth-forgot`))
	shot("forgot-password", `#auth-form`)
	within(t, ctx, "sign-up", chromedp.Click(`#auth-toggle`), chromedp.Click(`#auth-toggle`))
	shot("sign-up", `#auth-form`)
	within(t, ctx, "sign in",
		chromedp.Click(`#auth-toggle`),
		chromedp.SendKeys(`#email`, "grace@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		textIs("status", "Online"),
	)
	g, _ := apiSignIn(t, ts, "grace@example.com", pw, "", "d1")
	var gs session
	g.decode(t, &gs)
	tm := newTeam(t, ts, gs, "Support Line")
	tm.join(bob, tm.invite(gs.Token, "bob@example.com", "member", 2))
	tm.invite(gs.Token, "dave@example.com", "admin", 1)
	call(t, ts, "PUT", "/v1/workspaces/"+tm.id+"/members/"+bob.AccountID+"/role", gs.Token, map[string]string{"role": "admin"})
	event(t, ts, map[string]any{"type": "campaign_completed", "email": "grace@example.com", "campaignId": "spring", "campaignName": "Spring renewals", "calls": 240})
	within(t, ctx, "bell", poll(`document.getElementById("bell-count").textContent !== ""`))
	for _, sec := range []string{"profile", "security", "notifications", "danger", "workspaces"} {
		within(t, ctx, "open "+sec, screen(sec))
		shot(sec, "#"+sec)
	}
	within(t, ctx, "open the audit log", clickInList(`#workspaces button.show-audit`), poll(`document.querySelectorAll("#audit-entries li").length > 3`))
	shot("audit-log", "#audit-log")
	within(t, ctx, "close the audit log", chromedp.Click(`#audit-close`))
	within(t, ctx, "open the bell", chromedp.Click(`#bell`), visible("bell-panel"))
	shot("bell", `#bell-panel`)
	within(t, ctx, "close the bell", chromedp.Click(`#bell`))
	apiSignIn(t, ts, "grace@example.com", pw, "", "yet-another-device")
	// Shown, with the focus on its safe choice (the last thing it does).
	within(t, ctx, "alert", visible("alert"), poll(`document.querySelector("#alert .dialog").contains(document.activeElement)`))
	shot("security-alert", `#alert .dialog`)
}
