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
	content  fyne.CanvasObject
	email    *widget.Label
	current  *widget.Label
	pending  *widget.Label
	name     *widget.Entry
	save     *widget.Button
	errLabel *widget.Label
	edited   bool

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
	onlineNotice *widget.Label
}

func newProfileScreen(u *UI) *profileScreen {
	p := &profileScreen{u: u}
	p.email = widget.NewLabel("")
	p.current = widget.NewLabel("")
	p.current.Truncation = fyne.TextTruncateEllipsis
	p.pending = widget.NewLabel(core.TextWaitingToSync)
	p.pending.Importance = widget.WarningImportance
	p.pending.Hide()
	p.name = widget.NewEntry()
	p.name.SetPlaceHolder("2–50 characters")
	p.name.OnChanged = func(string) { p.edited = true; p.errLabel.SetText(""); p.errLabel.Hide() }
	p.name.OnSubmitted = func(string) { p.doSave() }
	p.save = widget.NewButton("Save", p.doSave)
	p.save.Importance = widget.HighImportance
	p.errLabel = widget.NewLabel("")
	p.errLabel.Wrapping = fyne.TextWrapWord
	p.errLabel.Importance = widget.DangerImportance
	form := widget.NewForm(
		widget.NewFormItem("Email", p.email),
		widget.NewFormItem("Display name", container.NewBorder(nil, nil, nil, p.pending, p.current)),
		widget.NewFormItem("New display name", container.NewBorder(nil, nil, nil, p.save, p.name)),
	)
	hint := widget.NewLabel("Your display name is shown in the dashboard, in audit logs and in team member lists. It does not affect callers.")
	hint.Wrapping = fyne.TextWrapWord

	p.avatar = newAvatarView()
	p.picErr = errorLabel()
	p.changePic = widget.NewButton("Change picture…", p.doChangePicture)
	p.removePic = widget.NewButton("Remove picture", p.doRemovePicture)
	picHint := widget.NewLabel("JPG, PNG or WebP, up to 2 MB. It is cropped to a circle.")
	p.picReason = widget.NewLabel("")
	p.picReason.Importance = widget.LowImportance
	pic := container.NewBorder(nil, nil, p.avatar.content, nil, container.NewVBox(picHint, container.NewHBox(p.changePic, p.removePic), p.picReason, p.picErr))

	p.newEmail = widget.NewEntry()
	p.newEmail.SetPlaceHolder("New email address")
	p.emailPw = widget.NewPasswordEntry()
	p.emailPw.SetPlaceHolder("Current password")
	p.changeEmail = widget.NewButton("Change Email", p.doChangeEmail)
	p.emailErr = errorLabel()
	p.emailInfo = widget.NewLabel("")
	p.emailInfo.Wrapping = fyne.TextWrapWord
	p.onlineNotice = warnLabel()
	p.onlineNotice.SetText("You are offline: changing the picture or the email address needs a connection.")
	emailHint := widget.NewLabel("Used for sign-in, billing notifications and platform alerts. We send a link to the new address; it changes when you open the link (within 24 hours), and from then on only the new address signs in.")
	emailHint.Wrapping = fyne.TextWrapWord

	p.content = container.NewVScroll(container.NewVBox(
		widget.NewCard("Profile", "", container.NewVBox(form, p.errLabel, hint)),
		p.onlineNotice,
		widget.NewCard("Profile picture", "", pic),
		widget.NewCard("Email address", "", container.NewVBox(emailHint, p.newEmail, p.emailPw, p.changeEmail, p.emailErr, p.emailInfo)),
	))
	return p
}

func (p *profileScreen) doChangePicture() {
	p.picErr.SetText("")
	p.u.OpenFile(func(data []byte, err error) {
		if err != nil {
			fyne.Do(func() { p.picErr.SetText("Could not read the file: " + err.Error()) })
			return
		}
		p.u.async(func() {
			ctx, cancel := p.u.ctx()
			defer cancel()
			err := p.u.c.UploadAvatar(ctx, data)
			fyne.Do(func() { p.picErr.SetText(core.UserMessage(err)); p.u.render() })
		})
	})
}

func (p *profileScreen) doRemovePicture() {
	p.picErr.SetText("")
	p.u.async(func() {
		ctx, cancel := p.u.ctx()
		defer cancel()
		err := p.u.c.RemoveAvatar(ctx)
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
		msg, err := p.u.c.ChangeEmail(ctx, email, pw)
		fyne.Do(func() {
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
	p.edited = false
	p.errLabel.SetText("")
}

func (p *profileScreen) render(s core.Snapshot) {
	// An empty error line takes no room.
	p.errLabel.Hidden = p.errLabel.Text == ""
	p.email.SetText(s.Email)
	if s.HasView {
		p.email.SetText(s.View.Profile.Email)
	}
	p.current.SetText(s.View.Profile.DisplayName)
	if !s.HasView {
		p.current.SetText("Loading…")
	}
	if s.PendingName {
		p.pending.Show()
	} else {
		p.pending.Hide()
	}
	if !p.edited {
		p.name.SetText(s.View.Profile.DisplayName)
		p.edited = false
	}
	p.avatar.show(s.AvatarPNG, s.Initials())
	online := s.Online()
	p.onlineNotice.Hidden = online
	for _, b := range []*widget.Button{p.changePic, p.changeEmail} {
		if online {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if rm := s.RemovePicture(); rm.Enabled {
		p.removePic.Enable()
		p.picReason.Hidden = true
	} else {
		p.removePic.Disable()
		p.picReason.SetText(rm.Reason)
		p.picReason.Show()
	}
}

func (p *profileScreen) doSave() {
	if err := p.u.c.SetDisplayName(p.name.Text); err != nil {
		p.errLabel.SetText(core.UserMessage(err))
		p.errLabel.Show()
		return
	}
	p.errLabel.SetText("")
	p.edited = false
	p.u.render()
}
