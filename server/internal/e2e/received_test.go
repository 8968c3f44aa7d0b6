package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// An invitation to an address that has an account shows in that account's
// panel, on the Workspaces screen and in the bell, with Accept and
// Decline: no link to paste.
func TestPanelReceivedInvitations(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	o := apiSignUp(t, ts, "host@example.com", pw, "Hana Host", "d1")
	apiSignUp(t, ts, "guest@example.com", pw, "Gus Guest", "d2")
	var ws struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": "Night Shift"}).decode(t, &ws)
	ctx := newBrowser(t)
	within(t, ctx, "signed in as the guest",
		panelSignIn(ts.url(), "guest@example.com", pw),
		screen("workspaces"),
		poll(`document.getElementById("received").hidden`),
	)
	call(t, ts, "POST", "/v1/workspaces/"+ws.ID+"/invitations", o.Token, map[string]string{"email": "guest@example.com", "role": "admin"})
	within(t, ctx, "the invitation arrives, live, on the screen and in the bell",
		visible("received"),
		poll(`document.querySelector("#received li").textContent.startsWith("Hana Host invited you to join Night Shift as an admin")`),
		chromedp.Click(`#bell`),
		poll(`document.querySelector("#inbox .received-box li") !== null`),
		chromedp.Click(`#bell`),
	)
	saveScreenshot(t, ctx, "panel-received-invitation.png")
	within(t, ctx, "accept it there",
		clickInList(`#received button.accept-invitation`),
		poll(`[...document.querySelectorAll("#workspaces h3")].some(h => h.textContent === "Night Shift")`),
		poll(`document.getElementById("received").hidden`),
	)
	// Declined from the bell: the next one.
	var ws2 struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", o.Token, map[string]string{"name": "Day Shift"}).decode(t, &ws2)
	call(t, ts, "POST", "/v1/workspaces/"+ws2.ID+"/invitations", o.Token, map[string]string{"email": "guest@example.com"})
	within(t, ctx, "decline from the bell",
		visible("received"),
		chromedp.Click(`#bell`),
		clickInList(`#inbox .received-box button.decline-invitation`),
		poll(`document.getElementById("received").hidden && document.querySelector("#inbox .received-box") === null`),
	)
	tm := &team{t: t, ts: ts, id: ws2.ID}
	if pending := tm.pending(o.Token); len(pending) != 0 {
		t.Errorf("a declined invitation is still pending: %+v", pending)
	}
}
