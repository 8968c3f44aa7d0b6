package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// exportCard is "Your data" on the Profile screen: prepared by the server
// in the background, then saved as a zip. Preparing again while one is
// ready asks first: it replaces it.
type exportCard struct {
	u        *UI
	c        DataActions
	card     *widget.Card
	password *widget.Entry
	prepare  *widget.Button
	download *widget.Button
	status   *widget.Label
	errText  *widget.Label
	// ready is the archive that can be downloaded ("" none).
	ready string
	// view is the card as last rendered.
	view core.ExportView
}

func newExportCard(u *UI) *exportCard {
	e := &exportCard{u: u, c: u.c}
	hint := widget.NewLabel(core.TextExportHint)
	hint.Wrapping = fyne.TextWrapWord
	e.password = widget.NewPasswordEntry()
	e.password.SetPlaceHolder(core.TextExportPassword)
	e.prepare = widget.NewButton(core.TextPrepareExport, e.askPrepare)
	e.download = widget.NewButton(core.TextDownloadExport, e.doDownload)
	e.download.Importance = widget.HighImportance
	e.status = widget.NewLabel("")
	e.status.Wrapping = fyne.TextWrapWord
	e.errText = errorLabel()
	e.card = widget.NewCard(core.TextYourData, "", container.NewVBox(hint, e.status, e.download, e.password, e.prepare, e.errText))
	return e
}

func (e *exportCard) render(s core.Snapshot) {
	v := s.Export(core.DesktopDates, e.c.StepUpOpen())
	e.view = v
	e.status.SetText(v.Status)
	e.status.Hidden = v.Status == ""
	e.download.Hidden = !v.Ready
	e.ready = v.ID
	e.password.Hidden = !v.AskPassword
	setControl(e.prepare, nil, v.Prepare)
	setControl(e.download, nil, v.Download)
}

// askPrepare prepares the data, asking first when a ready archive would
// be replaced.
func (e *exportCard) askPrepare() {
	v := e.view
	if v.Replace == "" {
		e.doPrepare()
		return
	}
	d := dialog.NewConfirm(core.TextPrepareExport, v.Replace, func(yes bool) {
		if yes {
			e.doPrepare()
		}
	}, e.u.win)
	d.SetConfirmText(v.ReplaceYes)
	d.SetDismissText(v.ReplaceNo)
	d.Show()
}

func (e *exportCard) doPrepare() {
	e.errText.SetText("")
	pw := e.password.Text
	e.u.async(func() {
		ctx, cancel := e.u.ctx()
		defer cancel()
		err := e.c.RequestExport(ctx, pw)
		fyne.Do(func() {
			e.errText.SetText(core.UserMessage(err))
			if err == nil {
				e.password.SetText("")
			}
			e.u.render()
		})
	})
}

func (e *exportCard) doDownload() {
	e.errText.SetText("")
	id := e.ready
	if id == "" {
		return
	}
	e.u.async(func() {
		ctx, cancel := e.u.ctx()
		defer cancel()
		data, err := e.c.DownloadExport(ctx, id)
		fyne.Do(func() {
			if err != nil {
				e.errText.SetText(core.UserMessage(err))
				return
			}
			e.u.SaveFile(core.ExportFileName, data)
		})
	})
}
