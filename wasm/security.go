//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// securityView is Settings → Account → Security: password, two-factor
// authentication and the security activity (the sessions list is its own
// view). Everything here is online only.
type securityView struct {
	p                            *panel
	root, offline, activity      js.Value
	pwForm, twoFactor            js.Value
	activityBox                  js.Value
	cur, next, confirm, others   js.Value
	pwSave, pwErr, pwDone        js.Value
	tfStatus, tfWarn, tfBody     js.Value
	tfEnable, tfSetup, tfQR      js.Value
	tfSecret, tfCode, tfConfirm  js.Value
	tfCodes, tfCodeList, tfDone  js.Value
	tfDownload, tfManage, tfPw   js.Value
	tfManageCode, tfOff, tfRegen js.Value
	tfErr, tfPwBox, tfHint       js.Value
	codes                        []string
	step                         core.TwoFactorStep
	passkeys                     *passkeysView
}

func newSecurityView(p *panel) *securityView {
	v := &securityView{p: p, passkeys: newPasskeysView(p)}
	v.offline = el("p", attrs{"id": "security-offline", "class": "notice"}, txt(core.TextSecurityOffline))

	v.cur = el("input", attrs{"id": "pw-current", "type": "password", "autocomplete": "current-password"})
	v.next = el("input", attrs{"id": "pw-new", "type": "password", "autocomplete": "new-password"})
	v.confirm = el("input", attrs{"id": "pw-confirm", "type": "password", "autocomplete": "new-password"})
	v.others = el("input", attrs{"id": "pw-signout-others", "type": "checkbox"})
	v.pwSave = el("button", attrs{"id": "pw-save", "type": "submit", "class": "primary"}, txt("Change password"))
	v.pwErr = el("p", attrs{"id": "pw-error", "class": "error", "role": "alert"})
	v.pwDone = el("p", attrs{"id": "pw-done", "class": "notice", "role": "status"})
	v.pwForm = el("form", attrs{"id": "pw-form", "novalidate": ""},
		el("h3", nil, txt("Password")),
		el("p", attrs{"class": "hint"}, txt(core.TextPasswordHint)),
		el("label", nil, txt(core.TextCurrentPassword), v.cur),
		el("label", nil, txt(core.TextNewPasswordField), v.next),
		el("label", nil, txt(core.TextConfirmNewPassword), v.confirm),
		el("label", attrs{"class": "check"}, v.others, txt(core.TextSignOutOthers)),
		v.pwErr, v.pwDone, v.pwSave)
	on(v.pwForm, "submit", v.doChangePassword)

	v.tfStatus = el("p", attrs{"id": "tf-status"})
	v.tfWarn = el("p", attrs{"id": "tf-warn", "class": "notice"})
	v.tfEnable = el("button", attrs{"id": "tf-enable", "type": "button", "class": "primary"}, txt("Enable 2FA"))
	v.tfQR = el("img", attrs{"id": "tf-qr", "alt": "QR code to scan with an authenticator app", "width": "220", "height": "220"})
	v.tfSecret = el("code", attrs{"id": "tf-secret"})
	v.tfCode = el("input", attrs{"id": "tf-code", "type": "text", "inputmode": "numeric", "autocomplete": "one-time-code"})
	v.tfConfirm = el("button", attrs{"id": "tf-confirm", "type": "button", "class": "primary"}, txt("Confirm and turn on"))
	v.tfSetup = el("div", attrs{"id": "tf-setup"},
		el("p", nil, txt(core.TextTwoFactorScan)),
		v.tfQR, el("p", nil, v.tfSecret),
		el("label", nil, txt("6-digit code from the app"), v.tfCode), v.tfConfirm)
	v.tfCodeList = el("ol", attrs{"id": "tf-codes", "class": "codes"})
	v.tfDownload = el("button", attrs{"id": "tf-download", "type": "button"}, txt("Download backup codes"))
	v.tfDone = el("button", attrs{"id": "tf-done", "type": "button"}, txt("I have saved them"))
	v.tfCodes = el("div", attrs{"id": "tf-codes-box"},
		el("p", nil, txt(core.TextTwoFactorCodes)),
		v.tfCodeList, v.tfDownload, txt(" "), v.tfDone)
	v.tfPw = el("input", attrs{"id": "tf-password", "type": "password", "autocomplete": "current-password"})
	v.tfManageCode = el("input", attrs{"id": "tf-manage-code", "type": "text", "autocomplete": "one-time-code"})
	v.tfRegen = el("button", attrs{"id": "tf-regenerate", "type": "button"}, txt("Generate new backup codes"))
	v.tfOff = el("button", attrs{"id": "tf-disable", "type": "button", "class": "danger"}, txt("Disable 2FA"))
	v.tfPwBox = el("label", attrs{"id": "tf-password-box"}, txt(core.TextYourPassword), v.tfPw)
	v.tfHint = el("p", attrs{"id": "tf-hint", "class": "hint"}, txt(core.StepUpHint))
	v.tfManage = el("div", attrs{"id": "tf-manage"},
		el("p", nil, txt(core.TextTwoFactorManage)),
		el("label", nil, txt("6-digit code or a backup code"), v.tfManageCode),
		v.tfRegen, txt(" "), v.tfOff)
	v.tfErr = el("p", attrs{"id": "tf-error", "class": "error", "role": "alert"})
	v.tfBody = el("div", nil, v.tfStatus, v.tfWarn, v.tfHint, v.tfPwBox, v.tfEnable, v.tfSetup, v.tfCodes, v.tfManage, v.tfErr)
	on(v.tfEnable, "click", v.doSetup)
	on(v.tfConfirm, "click", v.doEnable)
	on(v.tfDownload, "click", v.doDownload)
	on(v.tfDone, "click", func() { v.codes, v.step = nil, core.TwoFactorIdle; v.p.refresh() })
	on(v.tfOff, "click", v.doDisable)
	on(v.tfRegen, "click", v.doRegenerate)

	v.activity = el("ol", attrs{"id": "activity", "class": "activity"})
	v.twoFactor = el("div", attrs{"id": "two-factor"}, el("h3", nil, txt("Two-factor authentication")), v.tfBody)
	v.root = el("div", nil, v.offline, v.pwForm, v.twoFactor,
		v.passkeys.root)
	v.activityBox = el("div", attrs{"id": "activity-box"}, el("h3", nil, txt("Security activity")),
		el("p", attrs{"class": "hint"}, txt(core.TextActivityHint)), v.activity)
	return v
}

func (v *securityView) render(s core.Snapshot) {
	m := s.Security(panelDates)
	show(v.offline, m.Offline != "")
	setEnabled(v.pwSave, m.ChangePassword.Enabled, m.ChangePassword.Reason)
	tf := s.TwoFactor(v.step, v.p.c.StepUpOpen())
	for _, b := range []js.Value{v.tfEnable, v.tfConfirm, v.tfOff, v.tfRegen} {
		setEnabled(b, tf.Actions.Enabled, tf.Actions.Reason)
	}
	setText(v.tfStatus, tf.Status)
	setText(v.tfWarn, tf.Warning)
	show(v.tfWarn, tf.Warning != "")
	show(v.tfCodes, tf.Panel == core.PanelCodes)
	show(v.tfSetup, tf.Panel == core.PanelSetup)
	show(v.tfManage, tf.Panel == core.PanelManage)
	show(v.tfEnable, tf.Panel == core.PanelEnable)
	show(v.tfHint, tf.Hint)
	show(v.tfPwBox, tf.AskPassword)
	v.passkeys.render(s)

	items := make([]js.Value, 0, len(m.Activity)+1)
	for _, a := range m.Activity {
		items = append(items, el("li", attrs{"data-kind": a.Kind}, timeElement(a.At), txt(" "+a.Detail)))
	}
	if m.NoActivity != "" {
		items = append(items, el("li", nil, txt(m.NoActivity)))
	}
	replaceChildren(v.activity, items...)
}

func (v *securityView) doChangePassword() {
	setText(v.pwDone, "")
	if msg := core.CheckNewPasswordConfirmation(value(v.next), value(v.confirm)); msg != "" {
		setText(v.pwErr, msg)
		return
	}
	setText(v.pwErr, "")
	ctx, cancel := requestContext()
	defer cancel()
	err := v.p.c.ChangePassword(ctx, value(v.cur), value(v.next), v.others.Get("checked").Bool())
	if err != nil {
		setText(v.pwErr, core.UserMessage(err))
		return
	}
	for _, in := range []js.Value{v.cur, v.next, v.confirm} {
		in.Set("value", "")
	}
	v.others.Set("checked", false)
	setText(v.pwDone, core.TextPasswordChanged)
}

func (v *securityView) doSetup() {
	setText(v.tfErr, "")
	ctx, cancel := requestContext()
	defer cancel()
	su, err := v.p.c.SetUpTwoFactor(ctx, value(v.tfPw))
	if err != nil {
		setText(v.tfErr, core.UserMessage(err))
		return
	}
	v.tfPw.Set("value", "")
	v.tfQR.Set("src", "data:image/png;base64,"+base64Std(su.QRPNG))
	setText(v.tfSecret, su.Secret)
	v.tfCode.Set("value", "")
	v.step = core.TwoFactorSettingUp
	v.p.refresh()
}

func (v *securityView) doEnable() {
	setText(v.tfErr, "")
	ctx, cancel := requestContext()
	defer cancel()
	codes, err := v.p.c.EnableTwoFactor(ctx, value(v.tfPw), value(v.tfCode))
	if err != nil {
		setText(v.tfErr, core.UserMessage(err))
		return
	}
	v.tfPw.Set("value", "")
	v.showCodes(codes)
}

func (v *securityView) showCodes(codes []string) {
	v.codes, v.step = codes, core.TwoFactorShowingCodes
	items := make([]js.Value, len(codes))
	for i, c := range codes {
		items[i] = el("li", nil, el("code", nil, txt(c)))
	}
	replaceChildren(v.tfCodeList, items...)
	v.p.refresh()
}

// doDownload saves the backup codes as a text file through the browser.
func (v *securityView) doDownload() {
	text := core.BackupCodesText(v.codes)
	blob := js.Global().Get("Blob").New(js.Global().Get("Array").New(text), map[string]any{"type": "text/plain"})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	a := el("a", attrs{"href": url.String(), "download": core.BackupCodesFileName})
	document.Get("body").Call("append", a)
	a.Call("click")
	a.Call("remove")
	js.Global().Get("URL").Call("revokeObjectURL", url)
}

func (v *securityView) doDisable() {
	setText(v.tfErr, "")
	ctx, cancel := requestContext()
	defer cancel()
	if err := v.p.c.DisableTwoFactor(ctx, value(v.tfPw), value(v.tfManageCode)); err != nil {
		setText(v.tfErr, core.UserMessage(err))
		return
	}
	v.tfPw.Set("value", "")
	v.tfManageCode.Set("value", "")
	v.p.refresh()
}

func (v *securityView) doRegenerate() {
	setText(v.tfErr, "")
	ctx, cancel := requestContext()
	defer cancel()
	codes, err := v.p.c.RegenerateBackupCodes(ctx, value(v.tfPw), value(v.tfManageCode))
	if err != nil {
		setText(v.tfErr, core.UserMessage(err))
		return
	}
	v.tfPw.Set("value", "")
	v.tfManageCode.Set("value", "")
	v.showCodes(codes)
}
