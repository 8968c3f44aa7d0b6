//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// sessionsView is Settings → Account → Security → Active Sessions.
type sessionsView struct {
	p                              *panel
	root, list, err, offln, others js.Value
	rows                           handlers
}

func newSessionsView(p *panel) *sessionsView {
	v := &sessionsView{p: p}
	v.list = el("ul", attrs{"id": "sessions", "class": "sessions"})
	v.err = el("p", attrs{"id": "sessions-error", "class": "error", "role": "alert"})
	v.offln = el("p", attrs{"id": "sessions-offline", "class": "notice"}, txt(core.TextSessionsOffline))
	v.others = el("button", attrs{"id": "revoke-others", "type": "button", "class": "danger"}, txt(core.TextRevokeOthers))
	on(v.others, "click", func() {
		setText(v.err, "")
		ctx, cancel := requestContext()
		defer cancel()
		setText(v.err, core.UserMessage(v.p.c.RevokeOtherSessions(ctx)))
		v.p.refresh()
	})
	v.root = el("div", attrs{"id": "sessions-box"},
		el("h3", nil, txt("Active sessions")),
		el("p", attrs{"class": "hint"}, txt(core.TextSessionsHint)),
		v.offln, v.err, v.list, v.others)
	return v
}

func (v *sessionsView) render(s core.Snapshot) {
	m := s.Sessions(panelDates)
	show(v.offln, m.Offline != "")
	setEnabled(v.others, m.RevokeOthers.Enabled, m.RevokeOthers.Reason)
	if !v.rows.rebuild(m.Rows) {
		return
	}
	items := make([]js.Value, 0, len(m.Rows))
	for _, r := range m.Rows {
		items = append(items, v.item(r))
	}
	replaceChildren(v.list, items...)
}

func (v *sessionsView) item(r core.SessionRow) js.Value {
	head := el("div", attrs{"class": "device"}, el("strong", nil, txt(r.Device)))
	if r.ThisDevice {
		head.Call("append", el("span", attrs{"class": "badge this-device"}, txt(core.TextThisDevice)))
	}
	li := el("li", attrs{"data-session-id": r.ID}, head)
	li.Call("append", el("div", attrs{"class": "detail"}, txt(r.Detail)))
	btn := el("button", attrs{"type": "button", "class": "danger revoke"}, txt("Revoke"))
	setEnabled(btn, r.Revoke.Enabled, r.Revoke.Reason)
	id := r.ID
	v.rows.action(v.p, btn, v.err, func(ctx context.Context) error { return v.p.c.RevokeSession(ctx, id) })
	li.Call("append", btn)
	return li
}
