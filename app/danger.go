package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// dangerScreen is Settings → Account → Danger Zone: delete the account.
type dangerScreen struct {
	u        *UI
	c        DataActions
	content  fyne.CanvasObject
	summary  *widget.Label
	load     *widget.Button
	email    *widget.Entry
	password *widget.Entry
	code     *widget.Entry
	del      *widget.Button
	errText  *widget.Label
	blocked  *fyne.Container
}

func newDangerScreen(u *UI) *dangerScreen {
	d := &dangerScreen{u: u, c: u.c, blocked: container.NewVBox()}
	d.summary = widget.NewLabel(core.TextDeletionPermanent)
	d.summary.Wrapping = fyne.TextWrapWord
	d.load = widget.NewButton(core.TextShowDeletion, d.doPreview)
	d.email = widget.NewEntry()
	d.email.SetPlaceHolder(core.TextTypeEmail)
	d.password = widget.NewPasswordEntry()
	d.password.SetPlaceHolder(core.TextYourPassword)
	d.code = widget.NewEntry()
	d.code.SetPlaceHolder(core.TextCodeOrBackup)
	d.del = widget.NewButton(core.TextDeleteAccount, d.doDelete)
	d.del.Importance = widget.DangerImportance
	d.errText = errorLabel()
	d.errText.Hide()
	first := widget.NewLabel(core.TextExportFirst + core.TextExportGoThere + ".")
	first.Wrapping = fyne.TextWrapWord
	goThere := widget.NewButton("Open "+core.TextYourData, func() { u.showTab("profile") })
	d.content = container.NewVScroll(container.NewVBox(widget.NewCard("Danger Zone", "Delete your DialNexa account",
		container.NewVBox(container.NewBorder(nil, nil, nil, goThere, first), d.summary, d.load, d.email, d.password, d.code, d.errText, d.blocked, d.del))))
	return d
}

func (d *dangerScreen) render(s core.Snapshot) {
	v := s.Danger()
	d.code.Hidden = !v.AskCode
	setControl(d.del, nil, v.Delete)
	setControl(d.load, nil, v.Preview)
}

func (d *dangerScreen) doPreview() {
	d.u.async(func() {
		ctx, cancel := d.u.ctx()
		defer cancel()
		p, err := d.c.DeletionPreview(ctx)
		fyne.Do(func() {
			if err != nil {
				d.setError(core.UserMessage(err))
				return
			}
			d.summary.SetText(p.Summary())
			d.showBlocked(p.BlockingWorkspaces)
		})
	})
}

func (d *dangerScreen) doDelete() {
	email, pw, code := d.email.Text, d.password.Text, d.code.Text
	d.setError("")
	d.u.async(func() {
		ctx, cancel := d.u.ctx()
		defer cancel()
		err := d.c.DeleteAccount(ctx, email, pw, code)
		fyne.Do(func() {
			if be, ok := isBlocked(err); ok {
				d.setError(be.Message)
				d.showBlocked(be.Workspaces)
			} else {
				d.setError(core.UserMessage(err))
			}
			d.u.render()
		})
	})
}

// showBlocked lists the workspaces that block deletion, with a way to deal
// with each.
func (d *dangerScreen) showBlocked(ws []core.BlockingWorkspace) {
	rows := []fyne.CanvasObject{}
	if len(ws) > 0 {
		rows = append(rows, widget.NewLabel(core.TextBlockedIntro))
	}
	for _, w := range ws {
		id := w.ID
		rows = append(rows, container.NewBorder(nil, nil, nil,
			container.NewHBox(
				widget.NewButton("Transfer…", func() { d.u.showTab("workspaces") }),
				widget.NewButton("Delete "+w.Name, func() {
					d.u.async(func() {
						ctx, cancel := d.u.ctx()
						defer cancel()
						err := d.c.DeleteWorkspace(ctx, id)
						fyne.Do(func() { d.setError(core.UserMessage(err)); d.doPreview() })
					})
				})),
			widget.NewLabel(core.BlockingText(w))))
	}
	d.blocked.Objects = rows
	d.blocked.Refresh()
}

// setError says why the last action failed ("" clears it: an empty line
// takes no room).
func (d *dangerScreen) setError(msg string) {
	d.errText.SetText(msg)
	d.errText.Hidden = msg == ""
}
