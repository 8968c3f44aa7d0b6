//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// exportView is "Your data" on the Profile screen: the archive of
// everything the account holds, prepared by the server, then downloaded.
// Preparing again while one is ready asks first: it replaces it.
type exportView struct {
	p                        *panel
	root, pw, pwBox, prepare js.Value
	status, download, err    js.Value
	confirm, confirmText     js.Value
	confirmYes, confirmNo    js.Value
	asking                   bool // the replace question is open
}

func newExportView(p *panel) *exportView {
	v := &exportView{p: p}
	v.pw = el("input", attrs{"id": "export-password", "type": "password", "autocomplete": "current-password"})
	v.pwBox = el("label", nil, txt(core.TextExportPassword), v.pw)
	v.prepare = el("button", attrs{"id": "export-request", "type": "button"}, txt(core.TextPrepareExport))
	v.status = el("p", attrs{"id": "export-status", "role": "status"})
	v.download = el("a", attrs{"id": "export-download", "class": "button primary", "download": core.ExportFileName}, txt(core.TextDownloadExport))
	v.err = el("p", attrs{"id": "export-error", "class": "error", "role": "alert"})
	v.confirmText = el("p", attrs{"id": "export-confirm-text"})
	v.confirmYes = el("button", attrs{"id": "export-confirm-yes", "type": "button", "class": "primary"})
	v.confirmNo = el("button", attrs{"id": "export-confirm-no", "type": "button"})
	v.confirm = el("div", attrs{"id": "export-confirm", "class": "confirm", "role": "group", "aria-labelledby": "export-confirm-text", "hidden": ""},
		v.confirmText, v.confirmYes, txt(" "), v.confirmNo)
	v.root = el("div", attrs{"id": "export", "aria-labelledby": "export-h"},
		el("h3", attrs{"id": "export-h"}, txt(core.TextYourData)),
		el("p", attrs{"class": "hint"}, txt(core.TextExportHint)),
		v.status, v.download, v.pwBox, v.prepare, v.confirm, v.err)
	on(v.prepare, "click", func() {
		if x := v.view(); x.Replace != "" {
			v.asking = true
			v.render(v.p.c.Snapshot())
			v.confirmYes.Call("focus")
			return
		}
		v.doPrepare()
	})
	on(v.confirmYes, "click", func() { v.asking = false; v.doPrepare() })
	on(v.confirmNo, "click", func() { v.asking = false; v.render(v.p.c.Snapshot()); v.prepare.Call("focus") })
	return v
}

func (v *exportView) view() core.ExportView {
	return v.p.c.Snapshot().Export(panelDates, v.p.c.StepUpOpen())
}

func (v *exportView) render(s core.Snapshot) {
	x := s.Export(panelDates, v.p.c.StepUpOpen())
	setText(v.status, x.Status)
	show(v.download, x.Ready)
	if x.Ready {
		v.download.Set("href", x.Path)
	}
	show(v.pwBox, x.AskPassword)
	setEnabled(v.prepare, x.Prepare.Enabled, x.Prepare.Reason)
	v.asking = v.asking && x.Replace != ""
	show(v.confirm, v.asking)
	setText(v.confirmText, x.Replace)
	setText(v.confirmYes, x.ReplaceYes)
	setText(v.confirmNo, x.ReplaceNo)
	setEnabled(v.confirmYes, x.Prepare.Enabled, x.Prepare.Reason)
}

func (v *exportView) doPrepare() {
	setText(v.err, "")
	ctx, cancel := requestContext()
	defer cancel()
	if err := v.p.c.RequestExport(ctx, value(v.pw)); err != nil {
		setText(v.err, core.UserMessage(err))
		v.p.refresh()
		return
	}
	v.pw.Set("value", "")
	v.p.refresh()
}
