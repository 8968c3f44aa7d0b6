package e2e

import (
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/chromedp/chromedp"

	"github.com/dialnexa/account/core"
)

// Desktop Danger Zone: refused while owning a workspace with a member,
// then, after transferring ownership, the account is deleted and the app
// returns to sign-in with its local data wiped.
func TestDesktopDeleteRefusedThenAfterTransfer(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "deskowner@example.com", "Desk Owner")
	m := apiSignUp(t, ts, "deskmate@example.com", pw, "Desk Mate", "d2")
	c.run()
	w, ui := desktopUI(t, c)
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })

	selectTab(w, "Workspaces")
	test.Type(entry(w, "New workspace name"), "Desk Team")
	test.Tap(button(w, "Create workspace"))
	waitFor(t, "the workspace", func() bool { ui.Refresh(); return labelWith(w, "Desk Owner (you)") != nil })
	test.Type(entry(w, "Email to invite"), "deskmate@example.com")
	test.Tap(button(w, "Invite"))
	if labelWith(w, "Invitation sent") == nil {
		t.Fatal("no confirmation of the invitation")
	}
	link := ts.inbox.waitFor(t, "deskmate@example.com", "invited you").link(t)
	if a := call(t, ts, "POST", "/v1/invitations/accept", m.Token, map[string]string{"token": tokenOfLink(link)}); a.status != 200 {
		t.Fatalf("accept: %d %s", a.status, a.body)
	}
	waitFor(t, "the new member listed", func() bool { ui.Refresh(); return labelWith(w, "Desk Mate —") != nil })

	selectTab(w, "Danger Zone")
	test.Tap(button(w, "Show what will be deleted"))
	if labelWith(w, "0 agents") == nil {
		t.Error("no deletion summary")
	}
	test.Type(entry(w, "Type your email"), "deskowner@example.com")
	test.Type(entry(w, "Your password"), goodPassword)
	test.Tap(button(w, "Delete my account"))
	if labelWith(w, "You own workspaces") == nil || labelWith(w, "Desk Team (2 members)") == nil {
		t.Fatal("refusal does not list the workspace")
	}
	if c.Snapshot().Conn == core.SignedOut {
		t.Fatal("refused deletion signed out")
	}

	selectTab(w, "Workspaces")
	pick := find(w, func(s *widget.Select) bool { return s.PlaceHolder == "Choose the new owner" })
	pick.SetSelectedIndex(0)
	test.Tap(button(w, "Transfer ownership"))
	waitFor(t, "role now admin", func() bool {
		ui.Refresh()
		return find(w, func(c *widget.Card) bool { return c.Subtitle == "Your role: admin" }) != nil
	})

	selectTab(w, "Danger Zone")
	test.Tap(button(w, "Delete my account"))
	waitFor(t, "signed out", func() bool {
		ui.Refresh()
		return c.Snapshot().Conn == core.SignedOut && button(w, "Sign in") != nil && labelWith(w, "account was deleted") != nil
	})
	if st, _ := c.store.Load(); st.Confirmed != nil || st.Meta.Token != "" {
		t.Error("local data not wiped after deletion")
	}
	assertNoTrace(t, c.path, "deskowner@example.com", "Desk Owner", "Desk Team")
	if _, err := ts.account("deskowner@example.com"); err == nil {
		t.Error("account still in the store")
	}
}

// Panel Danger Zone: the same in chromium.
func TestPanelDeleteRefusedThenAfterTransfer(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	o := apiSignUp(t, ts, "panelowner@example.com", pw, "Panel Owner", "d1")
	m := apiSignUp(t, ts, "panelmate@example.com", pw, "Panel Mate", "d2")
	var ws struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": "Panel Team"}).decode(t, &ws)
	call(t, ts, "POST", "/v1/workspaces/"+ws.ID+"/invitations", o.Token, map[string]string{"email": "panelmate@example.com"})
	call(t, ts, "POST", "/v1/invitations/accept", m.Token, map[string]string{"token": tokenOfLink(ts.inbox.waitFor(t, "panelmate@example.com", "invited you").link(t))})
	call(t, ts, "POST", "/internal/v1/resources", ts.token, map[string]any{"email": "panelowner@example.com", "wallet": "7.00 EUR", "agents": []map[string]string{{"id": "a1"}}})

	ctx := newBrowser(t)
	within(t, ctx, "sign in and open the danger zone",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "panelowner@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		textIs("status", "Online"),
		poll(`document.querySelectorAll("#workspaces .member").length === 2`),
		screen("danger"),
		chromedp.Click(`#danger-preview`),
		poll(`document.getElementById("danger-summary").textContent.includes("1 agents") && document.getElementById("danger-summary").textContent.includes("7.00 EUR")`),
		chromedp.SendKeys(`#danger-email`, "panelowner@example.com"),
		chromedp.SendKeys(`#danger-password`, pw),
		chromedp.Click(`#danger-delete`),
		poll(`document.getElementById("danger-error").textContent.includes("You own workspaces")`),
		poll(`document.querySelector("#danger-blocked li").textContent.includes("Panel Team")`),
	)
	saveScreenshot(t, ctx, "panel-danger-refused.png")
	within(t, ctx, "transfer ownership",
		screen("workspaces"),
		// Chosen and sent in one step: the card is rebuilt on every change.
		poll(`(s => !!s && (s.value = `+jsString(m.AccountID)+`, s.closest(".workspace").querySelector("button.transfer").click(), true))(document.querySelector("#workspaces select.transfer-to"))`),
		poll(`document.querySelector("#workspaces .role").textContent.includes("admin")`),
	)
	within(t, ctx, "delete",
		screen("danger"),
		chromedp.Click(`#danger-delete`),
		chromedp.WaitVisible(`#auth-form`),
		poll(`document.getElementById("auth-notice").textContent.includes("deleted")`),
	)
	if a, _ := apiSignIn(t, ts, "panelowner@example.com", pw, "", "d1"); a.status != http.StatusUnauthorized {
		t.Errorf("sign-in after deletion: %d", a.status)
	}
}

// The invitation link opens a page that says what the invitation offers
// and answers it with the browser's session: signed out, it sends the
// browser to sign in and comes back; Accept joins, Decline withdraws it;
// another account is told whose invitation it is.
func TestPanelInvitationPage(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	o := apiSignUp(t, ts, "inviter@example.com", pw, "Ivy Inviter", "d1")
	apiSignUp(t, ts, "invitee@example.com", pw, "Ian Invitee", "d2")
	apiSignUp(t, ts, "bystander@example.com", pw, "Bea Bystander", "d3")
	var ws struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": "Link Team"}).decode(t, &ws)
	invite := func(n int) string {
		call(t, ts, "POST", "/v1/workspaces/"+ws.ID+"/invitations", o.Token, map[string]string{"email": "invitee@example.com"})
		link := ts.inbox.waitForNth(t, "invitee@example.com", "invited you", n).link(t)
		return ts.url() + strings.TrimPrefix(link, "https://account.dialnexa.test")
	}
	local := invite(1)
	ctx := newBrowser(t)
	within(t, ctx, "another account is told whose invitation it is",
		panelSignIn(ts.url(), "bystander@example.com", pw),
		chromedp.Navigate(local),
		poll(`document.getElementById("invite-error").textContent.includes("another email address")`),
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#settings`),
		chromedp.Click(`#signout`),
		chromedp.WaitVisible(`#auth-form`),
	)
	within(t, ctx, "signed out: sent to sign in, and back",
		chromedp.Navigate(local),
		visible("invite-signin"),
		poll(`location.hash === ""`), // the token left the address
		chromedp.Click(`#invite-signin-link`),
		chromedp.WaitVisible(`#auth-form`),
		poll(`document.getElementById("auth-for-app").textContent.includes("invited address")`),
		chromedp.SendKeys(`#email`, "invitee@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		chromedp.WaitVisible(`#invite-form`),
		visible("invite-offer"),
		poll(`document.getElementById("invite-what").textContent === "Ivy Inviter invited you (invitee@example.com) to join Link Team as a member."`),
		poll(`document.activeElement.id === "invite-accept"`),
	)
	saveScreenshot(t, ctx, "panel-invitation.png")
	within(t, ctx, "accept",
		chromedp.Click(`#invite-accept`),
		poll(`document.getElementById("invite-status").textContent === "You joined Link Team."`),
		visible("invite-open"),
		chromedp.Click(`#invite-open`),
		chromedp.WaitVisible(`#settings`),
		poll(`[...document.querySelectorAll("#workspaces h3")].some(h => h.textContent === "Link Team")`),
	)
	// A second invitation (a new role would come this way), declined.
	second := invite(2)
	within(t, ctx, "decline",
		chromedp.Navigate(second),
		visible("invite-offer"),
		chromedp.Click(`#invite-decline`),
		poll(`document.getElementById("invite-status").textContent === "You declined the invitation."`),
	)
	tm := &team{t: t, ts: ts, id: ws.ID}
	if pending := tm.pending(o.Token); len(pending) != 0 {
		t.Errorf("a declined invitation is still pending: %+v", pending)
	}
	entries := tm.wholeAudit(o.Token)
	if !strings.Contains(entries[0].Summary, "Ian Invitee declined an invitation from Ivy Inviter.") {
		t.Errorf("newest audit entry after declining: %+v", entries[0])
	}
}
