//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

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
	apps     *appsView
	alert    *alertView
	notifs   *notificationsView
	wss      *workspacesView
	danger   *dangerView
	export   *exportView
	bell     *bellView
	shown    string // "auth" or "settings"
	// next is the application sign-in page to go back to once signed in
	// (core.ContinueTo), fresh when it asked to sign in again.
	next  string
	fresh bool
	// sections and links are the screens (one shown at a time, by the
	// address's #/route) and their nav links.
	sections map[string]js.Value
	links    map[string]js.Value
	// parts are the Security screen's parts, by their route.
	parts   map[string]js.Value
	current string
	// renders counts the snapshots rendered (diagnostics).
	renders int
}

func newPanel(root js.Value, c *core.Client) *panel {
	p := &panel{c: c, root: root}
	p.auth = newAuthView(p)
	p.status = el("span", attrs{"id": "status", "class": "status", "role": "status", "aria-live": "polite"})
	signOut := el("button", attrs{"id": "signout", "type": "button"}, txt("Sign out"))
	on(signOut, "click", func() {
		ctx, cancel := requestContext()
		defer cancel()
		p.c.SignOut(ctx)
		p.refresh()
	})
	p.notice = el("p", attrs{"id": "notice", "class": "notice", "role": "alert"})
	dismiss := el("button", attrs{"type": "button", "class": "link"}, txt("Dismiss"))
	on(dismiss, "click", func() { p.c.DismissNotice() })
	p.profile = newProfileView(p)
	p.sessions = newSessionsView(p)
	p.apps = newAppsView(p)
	p.security = newSecurityView(p)
	p.alert = newAlertView(p)
	p.notifs = newNotificationsView(p)
	p.wss = newWorkspacesView(p)
	p.danger = newDangerView(p)
	p.export = newExportView(p)
	p.profile.root.Call("append", p.export.root)
	p.bell = newBellView(p)
	header := el("header", nil, el("h1", nil, txt("Settings → Account")), p.status, p.bell.root, signOut)
	// The Security screen is long: an index at its top, and an address
	// for each part (#/security/sessions) that shows the screen at it.
	index := el("nav", attrs{"class": "index", "aria-label": "On this screen"})
	for _, part := range core.SecurityParts {
		index.Call("append", el("a", attrs{"href": "#/security/" + part.Route, "id": "index-" + part.Route}, txt(part.Name)))
	}
	securitySection := el("section", attrs{"id": "security", "aria-labelledby": "security-h"},
		el("h2", attrs{"id": "security-h"}, txt("Security")), index,
		p.security.root, p.sessions.root, p.apps.root, p.security.activityBox)
	p.parts = map[string]js.Value{"password": p.security.pwForm, "two-factor": p.security.twoFactor, "passkeys": p.security.passkeys.root,
		"sessions": p.sessions.root, "apps": p.apps.root, "activity": p.security.activityBox}
	p.sections = map[string]js.Value{"profile": p.profile.root, "security": securitySection,
		"notifications": p.notifs.root, "workspaces": p.wss.root, "danger": p.danger.root}
	p.links = map[string]js.Value{}
	nav := el("nav", attrs{"aria-label": "Account settings"})
	for _, sc := range core.Screens {
		a := el("a", attrs{"href": "#/" + sc.Route, "id": "nav-" + sc.Route}, txt(sc.Name))
		p.links[sc.Route] = a
		nav.Call("append", a)
	}
	main := el("main", nil)
	for _, sc := range core.Screens {
		main.Call("append", p.sections[sc.Route])
	}
	p.settings = el("div", attrs{"id": "settings"}, header, el("div", attrs{"class": "notice-row"}, p.notice, dismiss), nav, main)
	js.Global().Call("addEventListener", "hashchange", js.FuncOf(func(js.Value, []js.Value) any {
		p.route(true)
		return nil
	}))
	p.route(false)
	return p
}

// route shows the screen the address names (#/security, or one of its
// parts: #/security/sessions; #security from older links; the profile
// otherwise), marks its link as the current page and names it in the
// window title. Back and forward move between screens as between pages.
// Moved by the user, focus goes to the screen's heading, or to the part's.
func (p *panel) route(moved bool) {
	hash := js.Global().Get("location").Get("hash").String()
	r, part, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(hash, "#"), "/"), "/")
	if _, ok := p.sections[r]; !ok {
		r = "profile"
	}
	if target, ok := p.parts[part]; ok && r == "security" {
		defer func() {
			if h := target.Call("querySelector", "h3"); !h.IsNull() {
				h.Call("setAttribute", "tabindex", "-1")
				h.Call("focus")
			}
			target.Call("scrollIntoView")
		}()
		moved = false // the part's heading takes the focus
	}
	for name, sec := range p.sections {
		show(sec, name == r)
	}
	for _, sc := range core.Screens {
		a := p.links[sc.Route]
		if sc.Route == r {
			a.Call("setAttribute", "aria-current", "page")
			document.Set("title", sc.Name+" · DialNexa Account")
		} else {
			a.Call("removeAttribute", "aria-current")
		}
	}
	if moved && r != p.current {
		if h := p.sections[r].Call("querySelector", "h2"); !h.IsNull() {
			h.Call("setAttribute", "tabindex", "-1")
			h.Call("focus")
		}
	}
	p.current = r
}

// refresh renders the current snapshot. Goroutines of a wasm program share
// one thread, so it may be called from any of them.
func (p *panel) refresh() {
	p.renders++
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
		// Signed in here, for an application: back to its sign-in page.
		if p.next != "" && p.shown == "auth" {
			js.Global().Get("location").Call("replace", p.next)
			p.next = ""
			return
		}
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
	p.apps.render(s)
	p.notifs.render(s)
	p.wss.render(s)
	p.danger.render(s)
	p.export.render(s)
	p.bell.render(s)
	p.alert.render(s)
}
