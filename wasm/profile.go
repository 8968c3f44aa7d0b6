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
	save, err, saved                     js.Value
	edited                               bool
	// justSaved: the user saved a name here; saved says where it is.
	justSaved bool

	pic, picImg, initials, file, removePic, picErr js.Value
	picStatus, drop                                js.Value
	newEmail, emailPw, emailSave, emailErr         js.Value
	emailInfo, offline                             js.Value
	picURL                                         string
	picHash                                        string
	zone, zoneSave, zoneErr, zoneNote              js.Value
	zoneEdited                                     bool
}

func newProfileView(p *panel) *profileView {
	v := &profileView{p: p}
	v.email = el("dd", attrs{"id": "profile-email"})
	v.current = el("span", attrs{"id": "profile-name"})
	v.pending = el("span", attrs{"id": "pending-badge", "class": "badge pending"}, txt(core.TextWaitingToSync))
	v.input = el("input", attrs{"id": "name-input", "type": "text", "aria-describedby": "name-error"})
	v.save = el("button", attrs{"id": "name-save", "type": "submit", "class": "primary"}, txt("Save"))
	v.err = el("p", attrs{"id": "name-error", "class": "error", "role": "alert"})
	v.saved = el("p", attrs{"id": "name-saved", "class": "saved"})
	form := el("form", attrs{"id": "name-form", "novalidate": ""},
		el("label", nil, txt(core.TextNameField), v.input), v.save, v.err, v.saved)
	v.zone = el("input", attrs{"id": "tz-input", "type": "text", "list": "tz-list", "autocomplete": "off", "placeholder": "Europe/Berlin"})
	zones := el("datalist", attrs{"id": "tz-list"})
	if f := js.Global().Get("Intl").Get("supportedValuesOf"); f.Type() == js.TypeFunction {
		list := js.Global().Get("Intl").Call("supportedValuesOf", "timeZone")
		for i := range list.Length() {
			zones.Call("append", el("option", attrs{"value": list.Index(i).String()}))
		}
	}
	v.zoneSave = el("button", attrs{"id": "tz-save", "type": "submit"}, txt(core.TextSaveTimeZone))
	v.zoneErr = el("p", attrs{"id": "tz-error", "class": "error", "role": "alert"})
	v.zoneNote = el("p", attrs{"id": "tz-note", "class": "hint"})
	zoneForm := el("form", attrs{"id": "tz-form", "class": "inline", "novalidate": ""},
		el("label", nil, txt(core.TextTimeZone), v.zone), zones, v.zoneSave)
	on(v.zone, "input", func() { v.zoneEdited = true; setText(v.zoneErr, "") })
	on(zoneForm, "submit", v.doSaveZone)
	v.root = el("section", attrs{"id": "profile", "aria-labelledby": "profile-h"},
		el("h2", attrs{"id": "profile-h"}, txt("Profile")),
		el("dl", nil, el("dt", nil, txt("Email")), v.email,
			el("dt", nil, txt("Display name")), el("dd", nil, v.current, txt(" "), v.pending)),
		form,
		el("p", attrs{"class": "hint"}, txt(core.TextNameHint)),
		zoneForm, el("p", attrs{"class": "hint"}, txt(core.TextTimeZoneHint)), v.zoneErr, v.zoneNote)
	on(v.input, "input", func() { v.edited, v.justSaved = true, false; setText(v.err, ""); setText(v.saved, "") })
	on(form, "submit", v.doSave)

	v.picImg = el("img", attrs{"id": "avatar-img", "class": "avatar", "alt": "Profile picture", "width": "96", "height": "96", "hidden": ""})
	v.initials = el("span", attrs{"id": "avatar-initials", "class": "avatar initials", "aria-label": "No profile picture"})
	v.file = el("input", attrs{"id": "avatar-file", "type": "file", "accept": "image/png,image/jpeg,image/webp", "class": "visually-hidden"})
	v.removePic = el("button", attrs{"id": "avatar-remove", "type": "button"}, txt("Remove picture"))
	v.picErr = el("p", attrs{"id": "avatar-error", "class": "error", "role": "alert"})
	v.picStatus = el("p", attrs{"id": "avatar-status", "class": "saved"})
	v.offline = el("p", attrs{"id": "profile-offline", "class": "notice"})
	v.drop = el("div", attrs{"id": "avatar-drop", "class": "avatar-row drop"}, v.picImg, v.initials,
		el("div", nil,
			el("p", attrs{"class": "hint"}, txt(core.TextPictureHint+" "+core.TextPictureDrop)),
			el("div", attrs{"class": "buttons"},
				v.file, el("label", attrs{"for": "avatar-file", "class": "button primary", "id": "avatar-choose"}, txt("Choose a picture…")), v.removePic),
			v.picStatus, v.picErr))
	v.pic = v.drop
	on(v.file, "change", func() {
		if files := v.file.Get("files"); files.Length() > 0 {
			v.upload(files.Index(0))
		}
	})
	onDrop(v.drop, func(f js.Value) {
		if !v.file.Get("disabled").Bool() {
			v.upload(f)
		}
	})
	on(v.removePic, "click", v.doRemove)

	v.newEmail = el("input", attrs{"id": "new-email", "type": "email", "autocomplete": "email"})
	v.emailPw = el("input", attrs{"id": "email-password", "type": "password", "autocomplete": "current-password"})
	v.emailSave = el("button", attrs{"id": "email-save", "type": "submit", "class": "primary"}, txt("Change Email"))
	v.emailErr = el("p", attrs{"id": "email-error", "class": "error", "role": "alert"})
	v.emailInfo = el("p", attrs{"id": "email-info", "class": "notice", "role": "status"})
	emailForm := el("form", attrs{"id": "email-form", "novalidate": ""},
		el("h3", nil, txt("Email address")),
		el("p", attrs{"class": "hint"}, txt(core.TextEmailHint)),
		el("label", nil, txt(core.TextNewEmail), v.newEmail),
		el("label", nil, txt(core.TextCurrentPassword), v.emailPw),
		v.emailErr, v.emailInfo, v.emailSave)
	on(emailForm, "submit", v.doChangeEmail)
	v.root.Call("append", v.offline, el("h3", nil, txt("Profile picture")), v.pic, emailForm)
	return v
}

// upload sends a chosen or dropped picture, saying so while it runs.
func (v *profileView) upload(f js.Value) {
	setText(v.picErr, "")
	setText(v.picStatus, "")
	v.file.Set("value", "")
	if size := f.Get("size").Int(); size > core.AvatarMaxBytes {
		setText(v.picErr, "The picture is over 2 MB. Choose a smaller file.")
		return
	}
	data, err := readFile(f)
	if err != nil {
		setText(v.picErr, "Could not read the file: "+err.Error())
		return
	}
	setText(v.picStatus, core.TextUploading)
	v.drop.Call("setAttribute", "aria-busy", "true")
	setDisabled(v.file, true)
	ctx, cancel := requestContext()
	defer cancel()
	err = v.p.c.UploadAvatar(ctx, data)
	v.drop.Call("removeAttribute", "aria-busy")
	setDisabled(v.file, false)
	if err != nil {
		setText(v.picStatus, "")
		setText(v.picErr, core.UserMessage(err))
		return
	}
	setText(v.picStatus, core.TextPictureUpdated)
	v.p.refresh()
}

func (v *profileView) doRemove() {
	ctx, cancel := requestContext()
	defer cancel()
	setText(v.picErr, core.UserMessage(v.p.c.RemoveAvatar(ctx)))
}

func (v *profileView) doChangeEmail() {
	setText(v.emailErr, "")
	setText(v.emailInfo, "")
	ctx, cancel := requestContext()
	defer cancel()
	msg, err := v.p.c.ChangeEmail(ctx, value(v.newEmail), value(v.emailPw))
	if err != nil {
		setText(v.emailErr, core.UserMessage(err))
		return
	}
	v.emailPw.Set("value", "")
	setText(v.emailInfo, msg)
}

func (v *profileView) reset() {
	v.edited, v.justSaved = false, false
	setText(v.err, "")
	setText(v.saved, "")
	setText(v.picStatus, "")
}

func (v *profileView) render(s core.Snapshot) {
	m := s.Profile(v.justSaved)
	setText(v.email, m.Email)
	setText(v.current, m.Name)
	show(v.pending, m.NamePending)
	setText(v.saved, m.Saved)
	if !v.edited {
		v.input.Set("value", m.NameValue)
	}
	setText(v.offline, m.Offline)
	show(v.offline, m.Offline != "")
	pic := m.ChangePicture
	setEnabled(v.file, pic.Enabled, pic.Reason)
	v.drop.Get("classList").Call("toggle", "disabled", !pic.Enabled)
	if pic.Enabled {
		v.drop.Call("querySelector", "#avatar-choose").Call("removeAttribute", "title")
	} else {
		v.drop.Call("querySelector", "#avatar-choose").Call("setAttribute", "title", pic.Reason)
	}
	setEnabled(v.emailSave, m.ChangeEmail.Enabled, m.ChangeEmail.Reason)
	if !v.zoneEdited {
		v.zone.Set("value", m.TimeZone)
	}
	setEnabled(v.zoneSave, m.SetTimeZone.Enabled, m.SetTimeZone.Reason)
	setText(v.zoneNote, m.ZoneNote)
	setEnabled(v.removePic, m.RemovePicture.Enabled, m.RemovePicture.Reason)
	setText(v.initials, m.Initials)
	if m.Picture == nil {
		show(v.picImg, false)
		show(v.initials, true)
		return
	}
	if m.PictureID != v.picHash {
		if v.picURL != "" {
			js.Global().Get("URL").Call("revokeObjectURL", v.picURL)
		}
		v.picURL = blobURL(m.Picture, "image/png")
		v.picHash = m.PictureID
		v.picImg.Set("src", v.picURL)
	}
	show(v.picImg, true)
	show(v.initials, false)
}

func (v *profileView) doSave() {
	if err := v.p.c.SetDisplayName(value(v.input)); err != nil {
		setText(v.err, core.UserMessage(err))
		return
	}
	setText(v.err, "")
	v.edited, v.justSaved = false, true
	v.p.refresh()
}

func (v *profileView) doSaveZone() {
	setText(v.zoneErr, "")
	ctx, cancel := requestContext()
	defer cancel()
	if err := v.p.c.SetTimeZone(ctx, value(v.zone)); err != nil {
		setText(v.zoneErr, core.UserMessage(err))
		return
	}
	v.zoneEdited = false
	v.p.refresh()
}
