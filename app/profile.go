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
}

func newProfileScreen(u *UI) *profileScreen {
	p := &profileScreen{u: u}
	p.email = widget.NewLabel("")
	p.current = widget.NewLabel("")
	p.current.Truncation = fyne.TextTruncateEllipsis
	p.pending = widget.NewLabel("Waiting to sync")
	p.pending.Importance = widget.WarningImportance
	p.pending.Hide()
	p.name = widget.NewEntry()
	p.name.SetPlaceHolder("2–50 characters")
	p.name.OnChanged = func(string) { p.edited = true; p.errLabel.SetText("") }
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
	p.content = container.NewVBox(widget.NewCard("Profile", "", container.NewVBox(form, p.errLabel, hint)))
	return p
}

func (p *profileScreen) reset() {
	p.name.SetText("")
	p.edited = false
	p.errLabel.SetText("")
}

func (p *profileScreen) render(s core.Snapshot) {
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
}

func (p *profileScreen) doSave() {
	if err := p.u.c.SetDisplayName(p.name.Text); err != nil {
		p.errLabel.SetText(core.UserMessage(err))
		return
	}
	p.errLabel.SetText("")
	p.edited = false
	p.u.render()
}
