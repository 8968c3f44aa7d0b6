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
// passkeys (rename, remove) and adding one with this browser.
type passkeysView struct {
	p                     *panel
	root, list, name, pw  js.Value
	pwBox, add, err, done js.Value
	confirm, confirmText  js.Value
	confirmYes, confirmNo js.Value
	removing              string // the passkey whose removal is being confirmed
	rendered              bool   // the list shows renderedFor
	renderedFor           []core.PasskeyRow
	rows                  handlers // the list's buttons
}

func newPasskeysView(p *panel) *passkeysView {
	v := &passkeysView{p: p}
	v.list = el("ul", attrs{"id": "pk-list", "class": "passkeys"})
	v.name = el("input", attrs{"id": "pk-name", "type": "text", "maxlength": "64", "placeholder": "e.g. Work laptop"})
	v.pw = el("input", attrs{"id": "pk-password", "type": "password", "autocomplete": "current-password"})
	v.pwBox = el("label", attrs{"id": "pk-password-box"}, txt(core.TextYourPassword), v.pw)
	v.add = el("button", attrs{"id": "pk-add", "type": "button", "class": "primary"}, txt("Add a passkey"))
	v.err = el("p", attrs{"id": "pk-error", "class": "error", "role": "alert"})
	v.done = el("p", attrs{"id": "pk-done", "class": "notice", "role": "status"})
	v.confirmText = el("p", attrs{"id": "pk-confirm-text"})
	v.confirmYes = el("button", attrs{"id": "pk-confirm-remove", "type": "button", "class": "danger"}, txt("Remove passkey"))
	v.confirmNo = el("button", attrs{"id": "pk-confirm-cancel", "type": "button"}, txt("Keep it"))
	v.confirm = el("div", attrs{"id": "pk-confirm", "class": "confirm"}, v.confirmText, v.confirmYes, txt(" "), v.confirmNo)
	v.root = el("div", attrs{"id": "passkeys"},
		el("h3", nil, txt("Passkeys")),
		el("p", attrs{"class": "hint"}, txt(core.TextPasskeysHint)),
		v.list, v.confirm,
		el("label", nil, txt(core.TextPasskeyName), v.name),
		v.pwBox, v.add, v.err, v.done)
	on(v.add, "click", v.doAdd)
	on(v.confirmYes, "click", v.doRemove)
	on(v.confirmNo, "click", func() { v.removing = ""; v.p.refresh() })
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
		setEnabled(v.confirmYes, q.Remove.Enabled, q.Remove.Reason)
	} else {
		v.removing = ""
	}
	if v.rendered && slices.Equal(v.renderedFor, m.Rows) {
		return // keep what the user is typing in a name
	}
	v.rendered, v.renderedFor = true, m.Rows
	v.rows.reset()
	items := make([]js.Value, 0, len(m.Rows)+1)
	for i, pk := range m.Rows {
		id := pk.ID
		input := el("input", attrs{"id": "pk-rename-" + strconv.Itoa(i), "type": "text", "maxlength": "64", "aria-label": "Name of passkey " + pk.Name})
		input.Set("value", pk.Name)
		rename := el("button", attrs{"id": "pk-rename-save-" + strconv.Itoa(i), "type": "button"}, txt("Rename"))
		remove := el("button", attrs{"id": "pk-remove-" + strconv.Itoa(i), "type": "button", "class": "danger"}, txt("Remove"))
		setEnabled(rename, pk.Rename.Enabled, pk.Rename.Reason)
		setEnabled(remove, pk.Remove.Enabled, pk.Remove.Reason)
		v.rows.on(rename, "click", func() { v.doRename(id, value(input)) })
		v.rows.on(remove, "click", func() { v.removing = id; setText(v.err, ""); v.p.refresh() })
		cls := "passkey"
		if pk.Suspect {
			cls += " suspect"
		}
		items = append(items, el("li", attrs{"class": cls, "data-passkey": pk.Name},
			el("strong", attrs{"class": "pk-name"}, txt(pk.Name)),
			el("span", attrs{"class": "pk-summary"}, txt(pk.Summary)),
			el("div", attrs{"class": "pk-actions"}, input, rename, txt(" "), remove)))
	}
	if m.Empty != "" {
		items = append(items, el("li", attrs{"id": "pk-none"}, txt(m.Empty)))
	}
	replaceChildren(v.list, items...)
}

func (v *passkeysView) doAdd() {
	setText(v.err, "")
	setText(v.done, "")
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
	setText(v.done, core.PasskeyAdded(name))
}

func (v *passkeysView) doRename(id, name string) {
	setText(v.err, "")
	setText(v.done, "")
	ctx, cancel := requestContext()
	defer cancel()
	if err := v.p.c.RenamePasskey(ctx, id, name); err != nil {
		setText(v.err, core.UserMessage(err))
		return
	}
	setText(v.done, core.TextPasskeyRenamed)
}

func (v *passkeysView) doRemove() {
	setText(v.err, "")
	setText(v.done, "")
	ctx, cancel := requestContext()
	defer cancel()
	if err := v.p.c.RemovePasskey(ctx, v.removing, value(v.pw)); err != nil {
		setText(v.err, core.UserMessage(err))
		return
	}
	v.pw.Set("value", "")
	v.removing = ""
	setText(v.done, core.TextPasskeyRemoved)
	v.p.refresh()
}
