package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// auditView is a workspace's audit log in a dialog, newest first, a page
// at a time.
type auditView struct {
	w      *workspacesScreen
	log    *core.AuditLogPages
	list   *fyne.Container
	more   *widget.Button
	status *widget.Label
}

func (w *workspacesScreen) showAudit(id, name string) {
	v := &auditView{w: w, log: core.OpenAuditLog(id, name), list: container.NewVBox()}
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.more = widget.NewButton(core.TextOlderEntries, v.load)
	body := container.NewBorder(v.status, v.more, nil, nil, container.NewVScroll(v.list))
	d := dialog.NewCustom(v.log.View(core.DesktopDates).Title, "Close", body, w.u.win)
	d.Resize(fyne.NewSize(640, 480))
	v.show()
	d.Show()
	v.load()
}

func (v *auditView) load() {
	id, before := v.log.Workspace, v.log.Before()
	v.w.u.async(func() {
		ctx, cancel := v.w.u.ctx()
		defer cancel()
		page, err := v.w.c.AuditLog(ctx, id, before)
		fyne.Do(func() { v.log.Add(page, err); v.show() })
	})
}

func (v *auditView) show() {
	m := v.log.View(core.DesktopDates)
	v.list.Objects = nil
	for _, e := range m.Entries {
		l := widget.NewLabel(e.When + "  " + e.Text)
		l.Wrapping = fyne.TextWrapWord
		v.list.Add(l)
	}
	if m.Empty != "" {
		v.list.Add(widget.NewLabel(m.Empty))
	}
	v.status.SetText(m.Status)
	v.more.Hidden = !m.More
	v.more.Refresh()
	v.list.Refresh()
}
