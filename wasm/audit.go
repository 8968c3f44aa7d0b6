//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// auditLog shows one workspace's audit log, newest first, a page at a
// time. It lives outside the workspace cards, which are rebuilt on every
// change.
type auditLog struct {
	p                   *panel
	root, title, status js.Value
	list, more, close   js.Value
	workspace           string
	next                uint64
}

func newAuditLog(p *panel) *auditLog {
	a := &auditLog{p: p}
	a.title = el("h3", attrs{"id": "audit-title"})
	a.status = el("p", attrs{"id": "audit-status", "class": "hint", "role": "status"})
	a.list = el("ol", attrs{"id": "audit-entries", "class": "activity"})
	a.more = el("button", attrs{"id": "audit-more", "type": "button"}, txt("Load older entries"))
	a.close = el("button", attrs{"id": "audit-close", "type": "button"}, txt("Close"))
	a.root = el("section", attrs{"id": "audit-log", "aria-labelledby": "audit-title", "hidden": ""}, a.title, a.status, a.list, a.more, txt(" "), a.close)
	on(a.more, "click", func() { a.load(a.next) })
	on(a.close, "click", func() { a.workspace = ""; a.p.refresh() })
	return a
}

func (a *auditLog) open(id, name string) {
	a.workspace = id
	setText(a.title, "Audit log: "+name)
	replaceChildren(a.list)
	a.load(0)
}

func (a *auditLog) load(before uint64) {
	setText(a.status, "Loading…")
	ctx, cancel := requestContext()
	defer cancel()
	page, err := a.p.c.AuditLog(ctx, a.workspace, before)
	if err != nil {
		setText(a.status, core.UserMessage(err))
		return
	}
	for _, e := range page.Entries {
		a.list.Call("append", el("li", attrs{"data-action": e.Action}, timeElement(e.At), txt(" "+e.Summary)))
	}
	if a.list.Get("children").Get("length").Int() == 0 {
		a.list.Call("append", el("li", nil, txt("Nothing recorded yet.")))
	}
	setText(a.status, core.AuditRetentionText(page.RetentionDays))
	a.next = page.Next
	a.p.refresh()
}

// render hides the log when it is closed or its workspace is no longer
// one the account may audit.
func (a *auditLog) render(s core.Snapshot) {
	visible := false
	for _, ws := range s.View.Workspaces {
		visible = visible || (ws.ID == a.workspace && (core.ManagesWorkspace(ws.Role)))
	}
	if !visible {
		a.workspace = ""
	}
	show(a.root, visible)
	show(a.more, visible && a.next != 0)
}
