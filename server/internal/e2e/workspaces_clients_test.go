package e2e

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/chromedp/chromedp"
)

// The desktop app lists pending invitations and withdraws them, changes a
// member's role, and shows the audit log with current names.
func TestDesktopInvitationsRolesAndAuditLog(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "desklead@example.com", "Desk Lead")
	m := apiSignUp(t, ts, "deskmate2@example.com", pw, "Team Mate", "d2")
	c.run()
	w, ui := desktopUI(t, c)
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })

	selectTab(w, "Workspaces")
	test.Type(entry(w, "New workspace name"), "Night Shift")
	test.Tap(button(w, "Create workspace"))
	waitFor(t, "the workspace", func() bool { ui.Refresh(); return labelWith(w, "No pending invitations.") != nil })
	invite := func(email, role string) {
		t.Helper()
		test.Type(entry(w, "Email to invite"), email)
		label := map[string]string{"member": "Member", "admin": "Admin"}[role]
		find(w, func(s *widget.Select) bool { return s.Selected == "Member" || s.Selected == "Admin" }).SetSelected(label)
		test.Tap(button(w, "Invite"))
		if labelWith(w, "Invitation sent to "+email) == nil {
			t.Fatalf("no confirmation of the invitation to %s; error: %v", email, labelWith(w, "."))
		}
	}
	invite("deskmate2@example.com", "member")
	invite("stranger@example.com", "admin")
	waitFor(t, "both pending", func() bool {
		ui.Refresh()
		return labelWith(w, "deskmate2@example.com · member · invited by Desk Lead") != nil && labelWith(w, "stranger@example.com · admin · invited by Desk Lead") != nil
	})
	if a := call(t, ts, "POST", "/v1/invitations/accept", m.Token, map[string]string{"token": tokenOfLink(ts.inbox.waitFor(t, "deskmate2@example.com", "invited you").link(t))}); a.status != 200 {
		t.Fatalf("accept: %d %s", a.status, a.body)
	}
	waitFor(t, "the accepted one leaves the list", func() bool {
		ui.Refresh()
		return labelWith(w, "Team Mate —") != nil && labelWith(w, "deskmate2@example.com · member · invited by") == nil
	})
	test.Tap(button(w, "Withdraw"))
	waitFor(t, "withdrawn", func() bool { ui.Refresh(); return labelWith(w, "No pending invitations.") != nil })
	stranger := tokenOfLink(ts.inbox.waitFor(t, "stranger@example.com", "invited you").link(t))
	s := apiSignUp(t, ts, "stranger@example.com", pw, "Stan Stranger", "d3")
	if a := call(t, ts, "POST", "/v1/invitations/accept", s.Token, map[string]string{"token": stranger}); a.status == 200 {
		t.Fatal("a withdrawn invitation was accepted")
	}

	test.Tap(button(w, "Make admin")) // the one other member's row
	waitFor(t, "the new role", func() bool { ui.Refresh(); return labelWith(w, "Team Mate — deskmate2@example.com · admin") != nil })

	test.Tap(button(w, "Audit log"))
	waitFor(t, "the audit log", func() bool {
		return labelWith(w, "Desk Lead withdrew the invitation of stranger@example.com.") != nil && labelWith(w, "kept for 365 days") != nil
	})
	for _, want := range []string{"Desk Lead made Team Mate an admin.", "Team Mate accepted an invitation from Desk Lead and joined as member.", "Desk Lead created the workspace."} {
		if labelWith(w, want) == nil {
			t.Errorf("audit log lacks %q", want)
		}
	}
	if b := button(w, "Load older entries"); b != nil {
		t.Error("a one-page log offers older entries")
	}
}

// The panel lists pending invitations and withdraws them, changes a
// member's role, and pages through the audit log.
func TestPanelInvitationsRolesAndAuditLog(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	o := apiSignUp(t, ts, "panellead@example.com", pw, "Pia Lead", "d1")
	m := apiSignUp(t, ts, "panelmate2@example.com", pw, "Max Mate", "d2")
	tm := newTeam(t, ts, o, "Day Shift")
	tm.join(m, tm.invite(o.Token, "panelmate2@example.com", "member", 1))
	tm.invite(o.Token, "pending@example.com", "admin", 1)
	for i := range 60 { // more than a page of entries
		role := []string{"admin", "member"}[i%2]
		call(t, ts, "PUT", "/v1/workspaces/"+tm.id+"/members/"+m.AccountID+"/role", o.Token, map[string]string{"role": role})
	}

	ctx := newBrowser(t)
	within(t, ctx, "sign in and see the pending invitation",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "panellead@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		textIs("status", "Online"),
		screen("workspaces"),
		poll(`(li => li && li.textContent.includes("pending@example.com · admin · invited by Pia Lead"))(document.querySelector("#workspaces li.invitation"))`),
	)
	within(t, ctx, "make the member an admin",
		clickInList(`#workspaces button.set-role[data-role="admin"]`),
		poll(`[...document.querySelectorAll("#workspaces .member")].some(li => li.textContent.includes("Max Mate") && li.textContent.includes("· admin"))`),
	)
	within(t, ctx, "open the audit log",
		clickInList(`#workspaces button.show-audit`),
		visible("audit-log"),
		poll(`document.querySelectorAll("#audit-entries li").length === 50`),
		poll(`document.getElementById("audit-entries").firstElementChild.textContent.includes("Pia Lead made Max Mate an admin.")`),
		poll(`document.getElementById("audit-status").textContent.includes("kept for 365 days")`),
	)
	within(t, ctx, "older entries",
		chromedp.Click(`#audit-more`),
		poll(`document.querySelectorAll("#audit-entries li").length === 65`),
		poll(`document.getElementById("audit-entries").lastElementChild.textContent.includes("Pia Lead created the workspace.")`),
		poll(`document.getElementById("audit-more").hidden`),
	)
	within(t, ctx, "withdraw the invitation",
		clickInList(`#workspaces li.invitation button.withdraw`),
		poll(`document.querySelector("#workspaces li.invitation") === null && document.querySelector("#workspaces .invitations-none") !== null`),
	)
	if got := tm.pending(o.Token); len(got) != 0 {
		t.Fatalf("still pending after withdrawing in the panel: %+v", got)
	}
	entries := tm.wholeAudit(o.Token)
	if !strings.Contains(entries[0].Summary, "Pia Lead withdrew the invitation of pending@example.com.") {
		t.Errorf("newest audit entry after withdrawing: %+v", entries[0])
	}
}
