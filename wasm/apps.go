//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// appsView is Security → Apps with access: the applications the user let
// sign them in, each with Remove.
type appsView struct {
	p                     *panel
	root, list, err, none js.Value
	rows                  handlers
}

func newAppsView(p *panel) *appsView {
	v := &appsView{p: p}
	v.list = el("ul", attrs{"id": "apps", "class": "sessions"})
	v.err = el("p", attrs{"id": "apps-error", "class": "error", "role": "alert"})
	v.none = el("p", attrs{"id": "apps-none", "class": "hint"})
	v.root = el("div", attrs{"id": "apps-box"}, el("h3", nil, txt("Apps with access")), v.none, v.err, v.list)
	return v
}

func (v *appsView) render(s core.Snapshot) {
	m := s.Apps(panelDates)
	setText(v.none, m.Empty)
	show(v.none, m.Empty != "")
	if !v.rows.rebuild(m.Rows) {
		return
	}
	items := make([]js.Value, 0, len(m.Rows))
	for _, r := range m.Rows {
		items = append(items, v.item(r))
	}
	replaceChildren(v.list, items...)
}

func (v *appsView) item(r core.AppRow) js.Value {
	li := el("li", attrs{"data-app-id": r.ID}, el("div", attrs{"class": "device"}, el("strong", nil, txt(r.Name))))
	li.Call("append", el("div", attrs{"class": "detail"}, txt(r.Detail)))
	btn := el("button", attrs{"type": "button", "class": "danger revoke", "aria-label": "Remove access for " + r.Name}, txt("Remove"))
	setEnabled(btn, r.Remove.Enabled, r.Remove.Reason)
	id := r.ID
	v.rows.action(v.p, btn, v.err, func(ctx context.Context) error { return v.p.c.RemoveApp(ctx, id) })
	li.Call("append", btn)
	return li
}
