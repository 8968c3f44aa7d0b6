//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/account"
)

// sessionsView is Settings → Account → Security → Active Sessions.
type sessionsView struct {
	p                              *panel
	root, list, err, offln, others js.Value
}

func newSessionsView(p *panel) *sessionsView {
	v := &sessionsView{p: p}
	v.list = el("ul", attrs{"id": "sessions", "class": "sessions"})
	v.err = el("p", attrs{"id": "sessions-error", "class": "error", "role": "alert"})
	v.offln = el("p", attrs{"id": "sessions-offline", "class": "notice"}, txt("You are offline: revoking a session needs a connection."))
	v.others = el("button", attrs{"id": "revoke-others", "type": "button", "class": "danger"}, txt(core.TextRevokeOthers))
	on(v.others, "click", func() {
		setText(v.err, "")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		setText(v.err, core.UserMessage(v.p.c.RevokeOtherSessions(ctx)))
		v.p.refresh()
	})
	v.root = el("div", attrs{"id": "sessions-box"},
		el("h3", nil, txt("Active sessions")),
		el("p", attrs{"class": "hint"}, txt("If you see a session you don't recognize, revoke it and change your password.")),
		v.offln, v.err, v.list, v.others)
	return v
}

func (v *sessionsView) render(s core.Snapshot) {
	online := s.Online()
	show(v.offln, !online)
	others := s.RevokeOthers()
	setEnabled(v.others, others.Enabled, others.Reason)
	items := make([]js.Value, 0, len(s.View.Sessions))
	for _, sess := range s.View.Sessions {
		items = append(items, v.item(sess, sess.ID == s.SessionID, online))
	}
	replaceChildren(v.list, items...)
}

func (v *sessionsView) item(sess account.Session, this, online bool) js.Value {
	head := el("div", attrs{"class": "device"}, el("strong", nil, txt(sess.Device)))
	if this {
		head.Call("append", el("span", attrs{"class": "badge this-device"}, txt("This device")))
	}
	li := el("li", attrs{"data-session-id": sess.ID}, head)
	li.Call("append", el("div", attrs{"class": "detail"}, txt(fmt.Sprintf("%s · %s · signed in %s · last active %s",
		sess.DeviceKind, sess.Location, fmtTime(sess.Created), fmtAgo(sess.LastActive)))))
	btn := el("button", attrs{"type": "button", "class": "danger revoke"}, txt("Revoke"))
	setEnabled(btn, online, "Revoking needs a connection to the server.")
	id := sess.ID
	on(btn, "click", func() {
		setText(v.err, "")
		setDisabled(btn, true)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := v.p.c.RevokeSession(ctx, id); err != nil {
			setText(v.err, core.UserMessage(err))
			setDisabled(btn, false)
		}
		v.p.refresh()
	})
	li.Call("append", btn)
	return li
}
