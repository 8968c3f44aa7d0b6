//go:build js && wasm

package main

import (
	"errors"
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// dangerView is Settings → Account → Danger Zone: download my data, then
// delete the account.
type dangerView struct {
	p                                      *panel
	root, summary, previewBtn, email, pw   js.Value
	codeRow, code, del, err, blocked, list js.Value
}

func newDangerView(p *panel) *dangerView {
	v := &dangerView{p: p}
	v.summary = el("p", attrs{"id": "danger-summary"}, txt(core.TextDeletionPermanent))
	v.previewBtn = el("button", attrs{"id": "danger-preview", "type": "button"}, txt(core.TextShowDeletion))
	v.email = el("input", attrs{"id": "danger-email", "type": "email", "autocomplete": "off"})
	v.pw = el("input", attrs{"id": "danger-password", "type": "password", "autocomplete": "current-password"})
	v.code = el("input", attrs{"id": "danger-code", "type": "text", "autocomplete": "one-time-code"})
	v.codeRow = el("label", nil, txt(core.TextCodeOrBackup), v.code)
	v.del = el("button", attrs{"id": "danger-delete", "type": "submit", "class": "danger"}, txt(core.TextDeleteAccount))
	v.err = el("p", attrs{"id": "danger-error", "class": "error", "role": "alert"})
	v.list = el("ul", attrs{"id": "danger-blocked"})
	form := el("form", attrs{"id": "danger-form", "novalidate": ""},
		el("label", nil, txt(core.TextTypeEmail), v.email),
		el("label", nil, txt(core.TextYourPassword), v.pw), v.codeRow, v.err, v.list, v.del)
	first := el("p", attrs{"id": "danger-export", "class": "hint"}, txt(core.TextExportFirst),
		el("a", attrs{"href": "#/profile", "class": "link"}, txt(core.TextExportGoThere)), txt("."))
	v.root = el("section", attrs{"id": "danger", "class": "danger-zone", "aria-labelledby": "danger-h"},
		el("h2", attrs{"id": "danger-h"}, txt("Danger Zone")),
		el("h3", nil, txt(core.TextDeleteAccount)), first, v.summary, v.previewBtn, form)
	on(v.previewBtn, "click", v.doPreview)
	on(form, "submit", v.doDelete)
	return v
}

func (v *dangerView) render(s core.Snapshot) {
	d := s.Danger()
	show(v.codeRow, d.AskCode)
	setEnabled(v.del, d.Delete.Enabled, d.Delete.Reason)
	setEnabled(v.previewBtn, d.Preview.Enabled, d.Preview.Reason)
}

func (v *dangerView) doPreview() {
	ctx, cancel := requestContext()
	defer cancel()
	p, err := v.p.c.DeletionPreview(ctx)
	if err != nil {
		setText(v.err, core.UserMessage(err))
		return
	}
	setText(v.summary, p.Summary())
	v.showBlocked(p.BlockingWorkspaces)
}

func (v *dangerView) doDelete() {
	setText(v.err, "")
	ctx, cancel := requestContext()
	defer cancel()
	err := v.p.c.DeleteAccount(ctx, value(v.email), value(v.pw), value(v.code))
	var be *core.BlockedError
	if errors.As(err, &be) {
		setText(v.err, be.Message)
		v.showBlocked(be.Workspaces)
		return
	}
	setText(v.err, core.UserMessage(err))
	if err == nil {
		v.pw.Set("value", "")
		v.email.Set("value", "")
	}
	v.p.refresh()
}

func (v *dangerView) showBlocked(ws []core.BlockingWorkspace) {
	items := make([]js.Value, 0, len(ws))
	for _, w := range ws {
		a := el("a", attrs{"href": "#workspaces"}, txt(core.TextTransferOrDelete))
		items = append(items, el("li", nil, txt(core.BlockingText(w)+" — "), a))
	}
	replaceChildren(v.list, items...)
}
