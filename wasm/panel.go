//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/dialnexa/account/core"
)

// panel is the whole page: the sign-in view or the settings views, with the
// connection state always visible.
type panel struct {
	c        *core.Client
	root     js.Value
	auth     *authView
	settings js.Value
	status   js.Value
	notice   js.Value
	profile  *profileView
	security *securityView
	sessions *sessionsView
	alert    *alertView
	notifs   *notificationsView
	wss      *workspacesView
	danger   *dangerView
	bell     *bellView
	shown    string // "auth" or "settings"
}

func newPanel(root js.Value, c *core.Client) *panel {
	p := &panel{c: c, root: root}
	p.auth = newAuthView(p)
	p.status = el("span", attrs{"id": "status", "class": "status", "role": "status", "aria-live": "polite"})
	signOut := el("button", attrs{"id": "signout", "type": "button"}, txt("Sign out"))
	on(signOut, "click", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		p.c.SignOut(ctx)
		p.refresh()
	})
	p.notice = el("p", attrs{"id": "notice", "class": "notice", "role": "alert"})
	dismiss := el("button", attrs{"type": "button", "class": "link"}, txt("Dismiss"))
	on(dismiss, "click", func() { p.c.DismissNotice() })
	p.profile = newProfileView(p)
	p.sessions = newSessionsView(p)
	p.security = newSecurityView(p)
	p.alert = newAlertView(p)
	p.notifs = newNotificationsView(p)
	p.wss = newWorkspacesView(p)
	p.danger = newDangerView(p)
	p.bell = newBellView(p)
	header := el("header", nil, el("h1", nil, txt("Settings → Account")), p.status, p.bell.root, signOut)
	nav := el("nav", attrs{"aria-label": "Account settings"},
		el("a", attrs{"href": "#profile"}, txt("Profile")),
		el("a", attrs{"href": "#security"}, txt("Security")),
		el("a", attrs{"href": "#notifications"}, txt("Notifications")),
		el("a", attrs{"href": "#workspaces"}, txt("Workspaces")),
		el("a", attrs{"href": "#danger"}, txt("Danger Zone")))
	p.settings = el("div", attrs{"id": "settings"}, header, el("div", attrs{"class": "notice-row"}, p.notice, dismiss), nav,
		el("main", nil, p.profile.root,
			el("section", attrs{"id": "security", "aria-labelledby": "security-h"},
				el("h2", attrs{"id": "security-h"}, txt("Security")),
				p.security.root, p.sessions.root, p.security.activityBox),
			p.notifs.root, p.wss.root, p.danger.root))
	return p
}

// refresh renders the current snapshot. Goroutines of a wasm program share
// one thread, so it may be called from any of them.
func (p *panel) refresh() {
	s := p.c.Snapshot()
	if !s.SignedIn() {
		if p.shown != "auth" {
			p.alert.render(s)
			p.auth.reset()
			replaceChildren(p.root, p.auth.root)
			p.shown = "auth"
		}
		p.auth.render(s)
		return
	}
	if p.shown != "settings" {
		p.profile.reset()
		replaceChildren(p.root, p.settings)
		p.shown = "settings"
	}
	setText(p.status, s.StatusText())
	p.status.Set("className", "status "+s.Conn.String())
	setText(p.notice, s.Notice)
	show(p.notice.Get("parentElement"), s.Notice != "")
	p.profile.render(s)
	p.security.render(s)
	p.sessions.render(s)
	p.notifs.render(s)
	p.wss.render(s)
	p.danger.render(s)
	p.bell.render(s)
	p.alert.render(s)
}
