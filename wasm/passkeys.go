//go:build js && wasm

package main

import (
	"slices"
	"strconv"
	"syscall/js"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

// passkeysView is the Passkeys card of the Security screen: the account's
// passkeys (renamed on demand, removed after a question of its own) and
// adding one with this browser. What an action did is said beside it, in
// the success colour; what went wrong, in the error colour.
type passkeysView struct {
	p                       *panel
	root, list, name, pw    js.Value
	pwBox, add, err, added  js.Value
	listStatus              js.Value // after a removal, above the list
	confirm, confirmText    js.Value
	confirmPw, confirmPwBox js.Value
	confirmYes, confirmNo   js.Value
	confirmErr              js.Value
	removing                string // the passkey whose removal is being confirmed
	renaming                string // the passkey whose name is being edited
	renamed                 string // the passkey just renamed (its row says so)
	rendered                bool   // the list shows renderedFor
	renderedFor             []core.PasskeyRow
	renderedRenaming        string
	rows                    handlers // the list's buttons
}

func newPasskeysView(p *panel) *passkeysView {
	v := &passkeysView{p: p}
	v.list = el("ul", attrs{"id": "pk-list", "class": "passkeys"})
	v.listStatus = el("p", attrs{"id": "pk-list-status", "class": "success", "role": "status"})
	v.name = el("input", attrs{"id": "pk-name", "type": "text", "maxlength": "64", "placeholder": "e.g. Work laptop"})
	v.pw = el("input", attrs{"id": "pk-password", "type": "password", "autocomplete": "current-password"})
	v.pwBox = el("label", attrs{"id": "pk-password-box"}, txt(core.TextYourPassword), v.pw)
	v.add = el("button", attrs{"id": "pk-add", "type": "button", "class": "primary"}, txt("Add a passkey"))
	v.added = el("p", attrs{"id": "pk-done", "class": "success", "role": "status"})
	v.err = el("p", attrs{"id": "pk-error", "class": "error", "role": "alert"})
	v.confirmText = el("p", attrs{"id": "pk-confirm-text"})
	v.confirmPw = el("input", attrs{"id": "pk-confirm-password", "type": "password", "autocomplete": "current-password"})
	v.confirmPwBox = el("label", attrs{"id": "pk-confirm-password-box"}, txt(core.TextYourPassword), v.confirmPw)
	v.confirmYes = el("button", attrs{"id": "pk-confirm-remove", "type": "button", "class": "danger"})
	v.confirmNo = el("button", attrs{"id": "pk-confirm-cancel", "type": "button"})
	v.confirmErr = el("p", attrs{"id": "pk-confirm-error", "class": "error", "role": "alert"})
	v.confirm = el("div", attrs{"id": "pk-confirm", "class": "confirm", "role": "group", "aria-labelledby": "pk-confirm-text"},
		v.confirmText, v.confirmPwBox, v.confirmErr, el("div", attrs{"class": "buttons"}, v.confirmYes, v.confirmNo))
	v.root = el("div", attrs{"id": "passkeys"},
		el("h3", nil, txt("Passkeys")),
		el("p", attrs{"class": "hint"}, txt(core.TextPasskeysHint)),
		v.listStatus, v.list, v.confirm,
		el("label", nil, txt(core.TextPasskeyName), v.name),
		v.pwBox, v.add, v.added, v.err)
	on(v.add, "click", v.doAdd)
	on(v.confirmYes, "click", v.doRemove)
	on(v.confirmNo, "click", func() { v.removing = ""; setText(v.confirmErr, ""); v.p.refresh() })
	return v
}

func (v *passkeysView) render(s core.Snapshot) {
	m := s.Passkeys(panelDates, v.removing, v.p.c.StepUpOpen())
	setEnabled(v.add, m.Add.Enabled, m.Add.Reason)
	show(v.pwBox, m.AskPassword)
	show(v.confirm, m.Confirm != nil)
	if q := m.Confirm; q != nil {
		setText(v.confirmText, q.Text)
		setText(v.confirmYes, q.Yes)
		setText(v.confirmNo, q.No)
		show(v.confirmPwBox, q.AskPassword)
		setEnabled(v.confirmYes, q.Remove.Enabled, q.Remove.Reason)
	} else {
		v.removing = ""
	}
	if v.rendered && slices.Equal(v.renderedFor, m.Rows) && v.renderedRenaming == v.renaming {
		return // keep what the user is typing in a name
	}
	v.rendered, v.renderedFor, v.renderedRenaming = true, m.Rows, v.renaming
	v.rows.reset()
	items := make([]js.Value, 0, len(m.Rows)+1)
	for i, pk := range m.Rows {
		items = append(items, v.row(i, pk))
	}
	if m.Empty != "" {
		items = append(items, el("li", attrs{"id": "pk-none"}, txt(m.Empty)))
	}
	replaceChildren(v.list, items...)
}

// row is one passkey: its name and summary with Rename and Remove, or,
// while it is renamed, a field with Save name and Cancel.
func (v *passkeysView) row(i int, pk core.PasskeyRow) js.Value {
	id, n := pk.ID, strconv.Itoa(i)
	cls := "passkey"
	if pk.Suspect {
		cls += " suspect"
	}
	li := el("li", attrs{"class": cls, "data-passkey": pk.Name})
	if v.renaming == id {
		input := el("input", attrs{"id": "pk-rename-" + n, "type": "text", "maxlength": "64", "aria-label": "New name of passkey " + pk.Name})
		input.Set("value", pk.Name)
		save := el("button", attrs{"id": "pk-rename-save-" + n, "type": "button", "class": "primary"}, txt(core.TextSaveName))
		cancel := el("button", attrs{"id": "pk-rename-cancel-" + n, "type": "button"}, txt(core.TextCancel))
		setEnabled(save, pk.Rename.Enabled, pk.Rename.Reason)
		v.rows.on(save, "click", func() { v.doRename(id, value(input)) })
		v.rows.on(cancel, "click", func() { v.renaming = ""; v.p.refresh() })
		li.Call("append", el("div", attrs{"class": "pk-actions"}, input, save, cancel))
		return li
	}
	rename := el("button", attrs{"id": "pk-rename-open-" + n, "type": "button", "aria-label": core.TextRename + " " + pk.Name}, txt(core.TextRename))
	remove := el("button", attrs{"id": "pk-remove-" + n, "type": "button", "class": "danger", "aria-label": "Remove " + pk.Name}, txt("Remove"))
	setEnabled(rename, pk.Rename.Enabled, pk.Rename.Reason)
	setEnabled(remove, pk.Remove.Enabled, pk.Remove.Reason)
	v.rows.on(rename, "click", func() { v.renaming, v.renamed = id, ""; setText(v.err, ""); v.p.refresh() })
	v.rows.on(remove, "click", func() { v.removing = id; setText(v.err, ""); setText(v.listStatus, ""); v.p.refresh() })
	li.Call("append", el("strong", attrs{"class": "pk-name"}, txt(pk.Name)),
		el("span", attrs{"class": "pk-summary"}, txt(pk.Summary)),
		el("div", attrs{"class": "pk-actions"}, rename, remove))
	if v.renamed == id {
		li.Call("append", el("p", attrs{"class": "success pk-row-status", "role": "status"}, txt(core.TextPasskeyRenamed)))
	}
	return li
}

func (v *passkeysView) doAdd() {
	setText(v.err, "")
	setText(v.added, "")
	name, err := model.NormalizePasskeyName(value(v.name))
	if err != nil {
		setText(v.err, err.Error())
		return
	}
	ctx, cancel := requestContext()
	defer cancel()
	c, err := v.p.c.PasskeyOptions(ctx, value(v.pw))
	if err != nil {
		setText(v.err, core.UserMessage(err))
		return
	}
	v.pw.Set("value", "")
	cred, err := createPasskey(c)
	if err != nil {
		setText(v.err, err.Error())
		return
	}
	ctx2, cancel2 := requestContext()
	defer cancel2()
	if err := v.p.c.AddPasskey(ctx2, name, c.ID, cred); err != nil {
		setText(v.err, core.UserMessage(err))
		return
	}
	v.name.Set("value", "")
	setText(v.added, core.PasskeyAdded(name))
}

func (v *passkeysView) doRename(id, name string) {
	setText(v.err, "")
	ctx, cancel := requestContext()
	defer cancel()
	if err := v.p.c.RenamePasskey(ctx, id, name); err != nil {
		setText(v.err, core.UserMessage(err))
		return
	}
	v.renaming, v.renamed = "", id
	v.rendered = false // the row says so, even when the name did not change
	v.p.refresh()
}

func (v *passkeysView) doRemove() {
	setText(v.confirmErr, "")
	ctx, cancel := requestContext()
	defer cancel()
	if err := v.p.c.RemovePasskey(ctx, v.removing, value(v.confirmPw)); err != nil {
		setText(v.confirmErr, core.UserMessage(err))
		return
	}
	v.confirmPw.Set("value", "")
	v.removing = ""
	setText(v.listStatus, core.TextPasskeyRemoved)
	v.p.refresh()
}
