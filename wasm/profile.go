//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// profileView is Settings → Account → Profile.
type profileView struct {
	p                                    *panel
	root, email, current, pending, input js.Value
	save, err                            js.Value
	edited                               bool
}

func newProfileView(p *panel) *profileView {
	v := &profileView{p: p}
	v.email = el("dd", attrs{"id": "profile-email"})
	v.current = el("span", attrs{"id": "profile-name"})
	v.pending = el("span", attrs{"id": "pending-badge", "class": "badge pending"}, txt("Waiting to sync"))
	v.input = el("input", attrs{"id": "name-input", "type": "text", "aria-describedby": "name-error"})
	v.save = el("button", attrs{"id": "name-save", "type": "submit", "class": "primary"}, txt("Save"))
	v.err = el("p", attrs{"id": "name-error", "class": "error", "role": "alert"})
	form := el("form", attrs{"id": "name-form", "novalidate": ""},
		el("label", nil, txt("New display name (2–50 characters)"), v.input), v.save, v.err)
	v.root = el("section", attrs{"id": "profile", "aria-labelledby": "profile-h"},
		el("h2", attrs{"id": "profile-h"}, txt("Profile")),
		el("dl", nil, el("dt", nil, txt("Email")), v.email,
			el("dt", nil, txt("Display name")), el("dd", nil, v.current, txt(" "), v.pending)),
		form,
		el("p", attrs{"class": "hint"}, txt("Your display name is shown in the dashboard, in audit logs and in team member lists. It does not affect callers.")))
	on(v.input, "input", func() { v.edited = true; setText(v.err, "") })
	on(form, "submit", v.doSave)
	return v
}

func (v *profileView) reset() {
	v.edited = false
	setText(v.err, "")
}

func (v *profileView) render(s core.Snapshot) {
	email := s.Email
	if s.HasView {
		email = s.View.Profile.Email
	}
	setText(v.email, email)
	name := s.View.Profile.DisplayName
	if !s.HasView {
		name = "Loading…"
	}
	setText(v.current, name)
	show(v.pending, s.PendingName)
	if !v.edited {
		v.input.Set("value", s.View.Profile.DisplayName)
	}
}

func (v *profileView) doSave() {
	if err := v.p.c.SetDisplayName(value(v.input)); err != nil {
		setText(v.err, core.UserMessage(err))
		return
	}
	setText(v.err, "")
	v.edited = false
	v.p.refresh()
}
