//go:build js && wasm

package main

import (
	"context"
	"strconv"
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// notificationsView is Settings → Account → Notifications: email delivery
// per type; in-app is always on; security alerts are locked on. Changes
// queue offline and sync later.
type notificationsView struct {
	p                  *panel
	root, pending, err js.Value
	checks             map[string]js.Value
}

func newNotificationsView(p *panel) *notificationsView {
	v := &notificationsView{p: p, checks: map[string]js.Value{}}
	v.pending = el("span", attrs{"id": "prefs-pending", "class": "badge pending"}, txt(core.TextWaitingToSync))
	v.err = el("p", attrs{"id": "prefs-error", "class": "error", "role": "alert"})
	tbody := el("tbody", nil)
	for _, t := range (core.Snapshot{}).Notifications().Types {
		box := el("input", attrs{"type": "checkbox", "id": "email-" + t.ID, "data-type": t.ID})
		id := t.ID
		on(box, "change", func() {
			setText(v.err, core.UserMessage(v.p.c.SetEmailNotification(id, box.Get("checked").Bool())))
			v.p.refresh()
		})
		v.checks[t.ID] = box
		tbody.Call("append", el("tr", nil,
			el("th", attrs{"scope": "row"}, txt(t.Name)),
			el("td", nil, txt(t.Trigger)),
			el("td", nil, el("label", attrs{"class": "check"}, box, txt(t.Label)))))
	}
	v.root = el("section", attrs{"id": "notifications", "aria-labelledby": "notifications-h"},
		el("h2", attrs{"id": "notifications-h"}, txt("Notifications"), txt(" "), v.pending),
		el("p", attrs{"class": "hint"}, txt(core.TextNotificationsHint)),
		v.err,
		el("table", attrs{"class": "prefs"},
			el("thead", nil, el("tr", nil, el("th", nil, txt("Notification")), el("th", nil, txt("What triggers it")), el("th", nil, txt("Delivery")))),
			tbody))
	return v
}

func (v *notificationsView) render(s core.Snapshot) {
	m := s.Notifications()
	for _, t := range m.Types {
		box := v.checks[t.ID]
		box.Set("checked", t.Email)
		setEnabled(box, t.Change.Enabled, t.Change.Reason)
	}
	show(v.pending, m.Pending)
}

// bellView is the header's bell: the unread count and the list.
type bellView struct {
	p                          *panel
	root, button, count, panel js.Value
	list, markAll, err         js.Value
	rows                       handlers
}

func newBellView(p *panel) *bellView {
	v := &bellView{p: p}
	v.count = el("span", attrs{"id": "bell-count", "class": "count"})
	v.button = el("button", attrs{"id": "bell", "type": "button", "aria-haspopup": "true", "aria-expanded": "false", "aria-label": "Notifications"}, bellIcon(), v.count)
	v.list = el("ul", attrs{"id": "inbox", "class": "inbox"})
	v.markAll = el("button", attrs{"id": "mark-all-read", "type": "button", "class": "link"}, txt(core.TextMarkAllRead))
	v.err = el("p", attrs{"id": "bell-error", "class": "error", "role": "alert"})
	v.panel = el("div", attrs{"id": "bell-panel", "class": "bell-panel", "hidden": ""},
		el("div", attrs{"class": "bell-head"}, el("strong", nil, txt("Notifications")), v.markAll), v.err, v.list)
	v.root = el("div", attrs{"class": "bell-wrap"}, v.button, v.panel)
	on(v.button, "click", func() {
		open := v.panel.Get("hidden").Bool()
		show(v.panel, open)
		v.button.Call("setAttribute", "aria-expanded", strconv.FormatBool(open))
	})
	on(v.markAll, "click", func() { v.did(v.p.c.MarkAllNotificationsRead()) })
	return v
}

// did shows what an action on the list did: nothing when it worked (the
// list shows it), the reason when it failed.
func (v *bellView) did(err error) {
	msg := ""
	if err != nil {
		msg = core.UserMessage(err)
	}
	setText(v.err, msg)
	v.p.refresh()
}

func (v *bellView) render(s core.Snapshot) {
	m := s.Bell(panelDates)
	setText(v.count, strconv.Itoa(m.Unread))
	show(v.count, m.Unread > 0)
	v.button.Call("setAttribute", "aria-label", m.Label)
	setEnabled(v.markAll, m.MarkAll.Enabled, m.MarkAll.Reason)
	if !v.rows.rebuild(struct {
		received []core.ReceivedRow
		items    []core.InboxItem
		empty    string
	}{m.Received, m.Items, m.Empty}) {
		return
	}
	items := make([]js.Value, 0, len(m.Items)+2)
	if len(m.Received) > 0 {
		items = append(items, el("li", attrs{"class": "received-box"}, el("strong", nil, txt(core.TextReceived)),
			receivedList(m.Received, v.p, &v.rows, func(answer func(ctx context.Context) (string, error)) {
				ctx, cancel := requestContext()
				defer cancel()
				_, err := answer(ctx)
				v.did(err)
			})))
	}
	for _, it := range m.Items {
		items = append(items, v.item(it))
	}
	if m.Empty != "" {
		items = append(items, el("li", attrs{"class": "empty"}, txt(m.Empty)))
	}
	replaceChildren(v.list, items...)
}

func (v *bellView) item(n core.InboxItem) js.Value {
	cls := "read"
	if !n.Read {
		cls = "unread"
	}
	li := el("li", attrs{"class": cls, "data-id": strconv.FormatUint(n.ID, 10), "data-type": n.Type},
		el("strong", nil, txt(n.Title)), el("div", attrs{"class": "detail"}, txt(n.When+" — "+n.Body)))
	id := n.ID
	if n.Link != "" {
		a := el("a", attrs{"href": n.Link, "target": "_blank", "rel": "noopener noreferrer"}, txt("Open"))
		v.rows.on(a, "click", func() { v.did(v.p.c.MarkNotificationRead(id)) })
		li.Call("append", a)
	}
	if !n.Read {
		b := el("button", attrs{"type": "button", "class": "link mark-read"}, txt("Mark read"))
		v.rows.on(b, "click", func() { v.did(v.p.c.MarkNotificationRead(id)) })
		li.Call("append", b)
	}
	return li
}

// bellIcon draws the bell as inline SVG (no emoji font needed).
func bellIcon() js.Value {
	const ns = "http://www.w3.org/2000/svg"
	svg := document.Call("createElementNS", ns, "svg")
	svg.Call("setAttribute", "viewBox", "0 0 24 24")
	svg.Call("setAttribute", "width", "20")
	svg.Call("setAttribute", "height", "20")
	svg.Call("setAttribute", "aria-hidden", "true")
	path := document.Call("createElementNS", ns, "path")
	path.Call("setAttribute", "fill", "currentColor")
	path.Call("setAttribute", "d", "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z")
	svg.Call("append", path)
	return svg
}
