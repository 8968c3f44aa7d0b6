package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/account"
)

// auditView is a workspace's audit log in a dialog, newest first, a page
// at a time.
type auditView struct {
	w      *workspacesScreen
	ws     account.Workspace
	list   *fyne.Container
	more   *widget.Button
	status *widget.Label
	next   uint64
}

func (w *workspacesScreen) showAudit(ws account.Workspace) {
	v := &auditView{w: w, ws: ws, list: container.NewVBox()}
	v.status = widget.NewLabel("Loading…")
	v.status.Wrapping = fyne.TextWrapWord
	v.more = widget.NewButton("Load older entries", func() { v.load(v.next) })
	v.more.Hide()
	body := container.NewBorder(v.status, v.more, nil, nil, container.NewVScroll(v.list))
	d := dialog.NewCustom("Audit log: "+ws.Name, "Close", body, w.u.win)
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
	v.load(0)
}

func (v *auditView) load(before uint64) {
	id := v.ws.ID
	v.w.u.async(func() {
		ctx, cancel := v.w.u.ctx()
		defer cancel()
		page, err := v.w.u.c.AuditLog(ctx, id, before)
		fyne.Do(func() { v.show(before, page, err) })
	})
}

func (v *auditView) show(before uint64, page core.AuditPage, err error) {
	if err != nil {
		v.status.SetText(core.UserMessage(err))
		return
	}
	if before == 0 {
		v.list.Objects = nil
	}
	for _, e := range page.Entries {
		l := widget.NewLabel(core.FormatTime(e.At) + "  " + e.Summary)
		l.Wrapping = fyne.TextWrapWord
		v.list.Add(l)
	}
	if len(v.list.Objects) == 0 {
		v.list.Add(widget.NewLabel("Nothing recorded yet."))
	}
	v.status.SetText(core.AuditRetentionText(page.RetentionDays))
	v.next = page.Next
	v.more.Hidden = page.Next == 0
	v.more.Refresh()
	v.list.Refresh()
}
