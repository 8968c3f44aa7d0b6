//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// alertView is the interruptive notice of a security alert (a sign-in from
// a new device) with a one-click revoke: a modal dialog over the page.
type alertView struct {
	p                    *panel
	root, box, text, err js.Value
	revoke, me           js.Value
	current              core.Alert
	// later is the alert put aside with Escape: not shown again until
	// another arrives (it stays in the bell and the security activity).
	later uint64
}

func newAlertView(p *panel) *alertView {
	v := &alertView{p: p}
	v.text = el("p", attrs{"id": "alert-text"})
	v.err = el("p", attrs{"id": "alert-error", "class": "error"})
	v.revoke = el("button", attrs{"id": "alert-revoke", "type": "button", "class": "danger"}, txt(core.TextAlertRevoke))
	me := el("button", attrs{"id": "alert-me", "type": "button", "class": "primary"}, txt(core.TextAlertItWasMe))
	v.me = me
	on(v.revoke, "click", func() {
		ctx, cancel := requestContext()
		defer cancel()
		setText(v.err, core.UserMessage(v.p.c.RevokeFromAlert(ctx, v.current)))
		v.p.refresh()
	})
	on(me, "click", func() {
		setText(v.err, core.UserMessage(v.p.c.DismissAlert(v.current.ID)))
		v.p.refresh()
	})
	box := el("div", attrs{"class": "dialog", "role": "alertdialog", "aria-modal": "true", "aria-labelledby": "alert-title", "aria-describedby": "alert-text"},
		el("h2", attrs{"id": "alert-title"}, txt(core.TextAlertTitle)), v.text, v.err, el("div", attrs{"class": "actions"}, me, v.revoke))
	v.box = box
	v.root = el("div", attrs{"id": "alert", "class": "overlay", "hidden": ""}, box)
	trapFocus(box, func() {
		v.later = v.current.ID
		show(v.root, false)
	})
	document.Get("body").Call("append", v.root)
	return v
}

func (v *alertView) render(s core.Snapshot) {
	m := s.SecurityAlert()
	if !m.Show {
		show(v.root, false)
		return
	}
	if v.current.ID != m.Alert.ID {
		setText(v.err, "")
	}
	v.current = m.Alert
	if v.current.ID == v.later {
		return
	}
	setText(v.text, m.Text)
	setEnabled(v.revoke, m.Revoke.Enabled, m.Revoke.Reason)
	if v.root.Get("hidden").Bool() {
		show(v.root, true)
		// The safe choice has the focus: Enter does not revoke.
		v.me.Call("focus")
	}
}
