package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// exportCard is "Download my data" on the Danger Zone: prepared by the
// server in the background, then saved as a zip.
type exportCard struct {
	u        *UI
	card     *widget.Card
	password *widget.Entry
	prepare  *widget.Button
	download *widget.Button
	status   *widget.Label
	errText  *widget.Label
}

func newExportCard(u *UI) *exportCard {
	e := &exportCard{u: u}
	hint := widget.NewLabel(core.TextExportHint)
	hint.Wrapping = fyne.TextWrapWord
	e.password = widget.NewPasswordEntry()
	e.password.SetPlaceHolder(core.TextExportPassword)
	e.prepare = widget.NewButton("Prepare my data", e.doPrepare)
	e.download = widget.NewButton("Download my data", e.doDownload)
	e.download.Importance = widget.HighImportance
	e.status = widget.NewLabel("")
	e.status.Wrapping = fyne.TextWrapWord
	e.errText = errorLabel()
	e.card = widget.NewCard("Download my data", "", container.NewVBox(hint, e.password, e.prepare, e.status, e.download, e.errText))
	return e
}

func (e *exportCard) render(s core.Snapshot) {
	status, ready := core.ExportStatus(s.View.Export, core.FormatTime)
	e.status.SetText(status)
	e.status.Hidden = status == ""
	e.download.Hidden = !ready
	e.password.Hidden = e.u.c.StepUpOpen()
	setEnabled(e.prepare, s.ServerAction().Enabled)
	setEnabled(e.download, s.ServerAction().Enabled)
}

func (e *exportCard) doPrepare() {
	e.errText.SetText("")
	pw := e.password.Text
	e.u.async(func() {
		ctx, cancel := e.u.ctx()
		defer cancel()
		err := e.u.c.RequestExport(ctx, pw)
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
	x := e.u.c.Snapshot().View.Export
	if x == nil {
		return
	}
	e.u.async(func() {
		ctx, cancel := e.u.ctx()
		defer cancel()
		data, err := e.u.c.DownloadExport(ctx, x.ID)
		fyne.Do(func() {
			if err != nil {
				e.errText.SetText(core.UserMessage(err))
				return
			}
			e.u.SaveFile(core.ExportFileName, data)
		})
	})
}
