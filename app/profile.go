package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// profileScreen is Settings → Account → Profile: the email and the display
// name. A name change is queued and shown at once, offline too.
type profileScreen struct {
	u        *UI
	c        ProfileActions
	content  fyne.CanvasObject
	email    *widget.Label
	current  *widget.Label
	pending  *widget.Label
	name     *widget.Entry
	save     *widget.Button
	errLabel *widget.Label
	saved    *widget.Label // where a saved name is: core.Snapshot.SavedText
	edited   bool
	// justSaved: the user saved a name here since last editing it.
	justSaved bool

	avatar       *avatarView
	changePic    *widget.Button
	removePic    *widget.Button
	picErr       *widget.Label
	picReason    *widget.Label // why Remove picture is off
	newEmail     *widget.Entry
	emailPw      *widget.Entry
	changeEmail  *widget.Button
	emailErr     *widget.Label
	emailInfo    *widget.Label
	emailReason  *widget.Label // why Change Email is off
	onlineNotice *widget.Label
	export       *exportCard
	zone         *widget.Entry
	zoneSave     *widget.Button
	zoneNote     *widget.Label
	zoneErr      *widget.Label
	zoneEdited   bool
}

func newProfileScreen(u *UI) *profileScreen {
	p := &profileScreen{u: u, c: u.c}
	p.email = widget.NewLabel("")
	p.current = widget.NewLabel("")
	p.current.Truncation = fyne.TextTruncateEllipsis
	p.pending = widget.NewLabel(core.TextWaitingToSync)
	p.pending.Importance = widget.WarningImportance
	p.pending.Hide()
	p.name = widget.NewEntry()
	p.name.SetPlaceHolder(core.TextNameField)
	p.name.OnChanged = func(string) { p.edited, p.justSaved = true, false; p.errLabel.SetText(""); p.errLabel.Hide() }
	p.name.OnSubmitted = func(string) { p.doSave() }
	p.save = widget.NewButton("Save", p.doSave)
	p.save.Importance = widget.HighImportance
	p.errLabel = widget.NewLabel("")
	p.errLabel.Wrapping = fyne.TextWrapWord
	p.errLabel.Importance = widget.DangerImportance
	p.saved = widget.NewLabel("")
	p.saved.Importance = widget.SuccessImportance
	p.saved.Hide()
	p.zone = widget.NewEntry()
	p.zone.SetPlaceHolder("Europe/Berlin")
	p.zone.OnChanged = func(string) { p.zoneEdited = true }
	p.zone.OnSubmitted = func(string) { p.doSaveZone() }
	p.zoneSave = widget.NewButton(core.TextSaveTimeZone, p.doSaveZone)
	p.zoneNote = widget.NewLabel("")
	p.zoneNote.Wrapping = fyne.TextWrapWord
	p.zoneErr = errorLabel()
	p.zoneErr.Hide()
	zoneHint := widget.NewLabel(core.TextTimeZoneHint)
	zoneHint.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Email", p.email),
		widget.NewFormItem("Display name", container.NewBorder(nil, nil, nil, p.pending, p.current)),
		widget.NewFormItem("New display name", container.NewBorder(nil, nil, nil, p.save, p.name)),
		widget.NewFormItem(core.TextTimeZone, container.NewBorder(nil, nil, nil, p.zoneSave, p.zone)),
	)
	hint := widget.NewLabel(core.TextNameHint)
	hint.Wrapping = fyne.TextWrapWord

	p.export = newExportCard(u)
	p.avatar = newAvatarView()
	p.picErr = errorLabel()
	p.changePic = widget.NewButton("Change picture…", p.doChangePicture)
	p.removePic = widget.NewButton("Remove picture", p.doRemovePicture)
	picHint := widget.NewLabel(core.TextPictureHint)
	p.picReason = widget.NewLabel("")
	p.picReason.Importance = widget.LowImportance
	pic := container.NewBorder(nil, nil, p.avatar.content, nil, container.NewVBox(picHint, container.NewHBox(p.changePic, p.removePic), p.picReason, p.picErr))

	p.newEmail = widget.NewEntry()
	p.newEmail.SetPlaceHolder(core.TextNewEmail)
	p.emailPw = widget.NewPasswordEntry()
	p.emailPw.SetPlaceHolder(core.TextCurrentPassword)
	p.changeEmail = widget.NewButton("Change Email", p.doChangeEmail)
	p.emailErr = errorLabel()
	p.emailInfo = widget.NewLabel("")
	p.emailInfo.Wrapping = fyne.TextWrapWord
	p.onlineNotice = warnLabel()
	p.emailReason = widget.NewLabel("")
	p.emailReason.Importance = widget.LowImportance
	emailHint := widget.NewLabel(core.TextEmailHint)
	emailHint.Wrapping = fyne.TextWrapWord

	p.content = container.NewVScroll(container.NewVBox(
		widget.NewCard("Profile", "", container.NewVBox(form, p.errLabel, p.saved, hint, zoneHint, p.zoneErr, p.zoneNote)),
		p.onlineNotice,
		widget.NewCard("Profile picture", "", pic),
		widget.NewCard("Email address", "", container.NewVBox(emailHint, p.newEmail, p.emailPw, p.changeEmail, p.emailReason, p.emailErr, p.emailInfo)),
		p.export.card,
	))
	return p
}

func (p *profileScreen) doChangePicture() {
	p.picErr.SetText("")
	p.u.OpenFile(func(data []byte, err error) {
		if err != nil {
			fyne.Do(func() { p.picErr.SetText("Could not read the file: " + err.Error()); p.u.render() })
			return
		}
		p.u.async(func() {
			ctx, cancel := p.u.ctx()
			defer cancel()
			err := p.c.UploadAvatar(ctx, data)
			fyne.Do(func() { p.picErr.SetText(core.UserMessage(err)); p.u.render() })
		})
	})
}

func (p *profileScreen) doRemovePicture() {
	p.picErr.SetText("")
	p.u.async(func() {
		ctx, cancel := p.u.ctx()
		defer cancel()
		err := p.c.RemoveAvatar(ctx)
		fyne.Do(func() { p.picErr.SetText(core.UserMessage(err)); p.u.render() })
	})
}

func (p *profileScreen) doChangeEmail() {
	email, pw := p.newEmail.Text, p.emailPw.Text
	p.emailErr.SetText("")
	p.emailInfo.SetText("")
	p.u.async(func() {
		ctx, cancel := p.u.ctx()
		defer cancel()
		msg, err := p.c.ChangeEmail(ctx, email, pw)
		fyne.Do(func() {
			defer p.u.render()
			if err != nil {
				p.emailErr.SetText(core.UserMessage(err))
				return
			}
			p.emailPw.SetText("")
			p.emailInfo.SetText(msg)
		})
	})
}

func (p *profileScreen) reset() {
	p.name.SetText("")
	p.edited, p.justSaved = false, false
	p.errLabel.SetText("")
}

func (p *profileScreen) render(s core.Snapshot) {
	p.export.render(s)
	v := s.Profile(p.justSaved)
	// An empty line takes no room.
	p.errLabel.Hidden = p.errLabel.Text == ""
	p.emailErr.Hidden = p.emailErr.Text == ""
	p.emailInfo.Hidden = p.emailInfo.Text == ""
	p.picErr.Hidden = p.picErr.Text == ""
	p.email.SetText(v.Email)
	p.current.SetText(v.Name)
	p.pending.Hidden = !v.NamePending
	p.saved.SetText(v.Saved)
	p.saved.Hidden = v.Saved == ""
	if !p.edited {
		p.name.SetText(v.NameValue)
		p.edited = false
	}
	p.avatar.show(v.Picture, v.Initials)
	p.onlineNotice.SetText(v.Offline)
	p.onlineNotice.Hidden = v.Offline == ""
	// Offline, the notice above says why Change is off.
	setControl(p.changePic, nil, v.ChangePicture)
	setControl(p.removePic, p.picReason, v.RemovePicture)
	setControl(p.changeEmail, p.emailReason, v.ChangeEmail)
	if !p.zoneEdited {
		p.zone.SetText(v.TimeZone)
		p.zoneEdited = false
	}
	setControl(p.zoneSave, nil, v.SetTimeZone)
	setLine(p.zoneNote, v.ZoneNote)
}

func (p *profileScreen) doSaveZone() {
	name := p.zone.Text
	setLine(p.zoneErr, "")
	p.u.async(func() {
		ctx, cancel := p.u.ctx()
		defer cancel()
		err := p.c.SetTimeZone(ctx, name)
		fyne.Do(func() {
			setLine(p.zoneErr, core.UserMessage(err))
			if err == nil {
				p.zoneEdited = false
			}
			p.u.render()
		})
	})
}

func (p *profileScreen) doSave() {
	if err := p.c.SetDisplayName(p.name.Text); err != nil {
		p.errLabel.SetText(core.UserMessage(err))
		p.errLabel.Show()
		return
	}
	p.errLabel.SetText("")
	p.edited, p.justSaved = false, true
	p.u.render()
}
