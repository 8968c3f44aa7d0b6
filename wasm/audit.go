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
	log                 *core.AuditLogPages // nil: closed
}

func newAuditLog(p *panel) *auditLog {
	a := &auditLog{p: p}
	a.title = el("h3", attrs{"id": "audit-title"})
	a.status = el("p", attrs{"id": "audit-status", "class": "hint", "role": "status"})
	a.list = el("ol", attrs{"id": "audit-entries", "class": "activity"})
	a.more = el("button", attrs{"id": "audit-more", "type": "button"}, txt(core.TextOlderEntries))
	a.close = el("button", attrs{"id": "audit-close", "type": "button"}, txt("Close"))
	a.root = el("section", attrs{"id": "audit-log", "aria-labelledby": "audit-title", "hidden": ""}, a.title, a.status, a.list, a.more, txt(" "), a.close)
	on(a.more, "click", a.load)
	on(a.close, "click", func() { a.log = nil; a.p.refresh() })
	return a
}

func (a *auditLog) open(id, name string) {
	a.log = core.OpenAuditLog(id, name)
	a.show()
	a.load()
}

func (a *auditLog) load() {
	if a.log == nil {
		return
	}
	ctx, cancel := requestContext()
	defer cancel()
	page, err := a.p.c.AuditLog(ctx, a.log.Workspace, a.log.Before())
	a.log.Add(page, err)
	a.show()
	a.p.refresh()
}

// show lays the log out as it stands.
func (a *auditLog) show() {
	m := a.log.View(panelDates)
	setText(a.title, m.Title)
	setText(a.status, m.Status)
	items := make([]js.Value, 0, len(m.Entries)+1)
	for _, e := range m.Entries {
		items = append(items, el("li", attrs{"data-action": e.Action}, timeElement(e.At), txt(" "+e.Text)))
	}
	if m.Empty != "" {
		items = append(items, el("li", nil, txt(m.Empty)))
	}
	replaceChildren(a.list, items...)
	show(a.more, m.More)
}

// render hides the log when it is closed or its workspace is no longer
// one the account may audit.
func (a *auditLog) render(s core.Snapshot) {
	if a.log != nil && !s.CanAudit(a.log.Workspace) {
		a.log = nil
	}
	show(a.root, a.log != nil)
}
