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
	c        DataActions
	card     *widget.Card
	password *widget.Entry
	prepare  *widget.Button
	download *widget.Button
	status   *widget.Label
	errText  *widget.Label
	// ready is the archive that can be downloaded ("" none).
	ready string
}

func newExportCard(u *UI) *exportCard {
	e := &exportCard{u: u, c: u.c}
	hint := widget.NewLabel(core.TextExportHint)
	hint.Wrapping = fyne.TextWrapWord
	e.password = widget.NewPasswordEntry()
	e.password.SetPlaceHolder(core.TextExportPassword)
	e.prepare = widget.NewButton(core.TextPrepareExport, e.doPrepare)
	e.download = widget.NewButton(core.TextDownloadExport, e.doDownload)
	e.download.Importance = widget.HighImportance
	e.status = widget.NewLabel("")
	e.status.Wrapping = fyne.TextWrapWord
	e.errText = errorLabel()
	e.card = widget.NewCard("Download my data", "", container.NewVBox(hint, e.password, e.prepare, e.status, e.download, e.errText))
	return e
}

func (e *exportCard) render(s core.Snapshot) {
	v := s.Export(core.DesktopDates, e.c.StepUpOpen())
	e.status.SetText(v.Status)
	e.status.Hidden = v.Status == ""
	e.download.Hidden = !v.Ready
	e.ready = v.ID
	e.password.Hidden = !v.AskPassword
	setControl(e.prepare, nil, v.Prepare)
	setControl(e.download, nil, v.Download)
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
