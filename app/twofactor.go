package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// twoFactorCard is Two-Factor Authentication: enable (scan, confirm a
// code, save the backup codes), disable and regenerate backup codes (both
// with a code). Each asks for the password unless it was entered in the
// last few minutes (core.Client.StepUpOpen).
type twoFactorCard struct {
	u      *UI
	c      SecurityActions
	card   *widget.Card
	status *widget.Label
	warn   *widget.Label
	body   *fyne.Container

	enable *widget.Button
	// setup step
	qr        *canvas.Image
	secret    *widget.Entry
	setupCode *widget.Entry
	confirm   *widget.Button
	// backup codes shown once
	codes    *widget.Label
	saveBtn  *widget.Button
	doneBtn  *widget.Button
	shownSet []string
	// the password, when the step-up window is shut
	password *widget.Entry
	hint     *widget.Label
	// disable / regenerate
	code       *widget.Entry
	disable    *widget.Button
	regenerate *widget.Button

	errLabel *widget.Label
	step     core.TwoFactorStep
}

func newTwoFactorCard(u *UI) *twoFactorCard {
	t := &twoFactorCard{u: u, c: u.c}
	t.status = widget.NewLabel("")
	t.warn = warnLabel()
	t.errLabel = errorLabel()
	t.enable = widget.NewButton("Enable 2FA", t.doSetup)
	t.enable.Importance = widget.HighImportance
	t.qr = canvas.NewImageFromResource(nil)
	t.qr.FillMode = canvas.ImageFillContain
	t.qr.SetMinSize(fyne.NewSize(220, 220))
	t.secret = widget.NewEntry()
	t.secret.Disable()
	t.setupCode = widget.NewEntry()
	t.setupCode.SetPlaceHolder("6-digit code from the app")
	t.confirm = widget.NewButton("Confirm and turn on", t.doEnable)
	t.confirm.Importance = widget.HighImportance
	t.codes = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	t.saveBtn = widget.NewButton("Save backup codes to a file…", func() {
		t.u.SaveFile(core.BackupCodesFileName, []byte(core.BackupCodesText(t.shownSet)))
	})
	t.doneBtn = widget.NewButton("I have saved them", func() { t.shownSet = nil; t.step = core.TwoFactorIdle; t.u.render() })
	t.password = widget.NewPasswordEntry()
	t.password.SetPlaceHolder(core.TextYourPassword)
	t.hint = widget.NewLabel(core.StepUpHint)
	t.hint.Wrapping = fyne.TextWrapWord
	t.code = widget.NewEntry()
	t.code.SetPlaceHolder("6-digit code or a backup code")
	t.disable = widget.NewButton("Disable 2FA", t.doDisable)
	t.disable.Importance = widget.DangerImportance
	t.regenerate = widget.NewButton("Generate new backup codes", t.doRegenerate)
	t.body = container.NewVBox()
	t.card = widget.NewCard("Two-factor authentication", "A second step at sign-in, strongly recommended for every account.", t.body)
	return t
}

func (t *twoFactorCard) render(s core.Snapshot) {
	v := s.TwoFactor(t.step, t.c.StepUpOpen())
	t.status.SetText(v.Status)
	t.warn.SetText(v.Warning)
	t.warn.Hidden = v.Warning == ""
	objs := []fyne.CanvasObject{t.status, t.warn}
	var pw []fyne.CanvasObject
	if v.AskPassword {
		pw = []fyne.CanvasObject{t.password}
	}
	switch v.Panel {
	case core.PanelCodes:
		objs = append(objs, widget.NewLabel(core.TextTwoFactorCodes), t.codes, container.NewHBox(t.saveBtn, t.doneBtn))
	case core.PanelSetup:
		objs = append(objs, widget.NewLabel(core.TextTwoFactorScan), container.NewHBox(t.qr), t.secret)
		objs = append(append(objs, pw...), t.setupCode, t.confirm)
	case core.PanelManage:
		objs = append(objs, widget.NewLabel(core.TextTwoFactorManage), t.hint)
		objs = append(append(objs, pw...), t.code, container.NewHBox(t.regenerate, t.disable))
	default:
		objs = append(append(append(objs, t.hint), pw...), t.enable)
	}
	objs = append(objs, t.errLabel)
	t.body.Objects = objs
	for _, b := range []*widget.Button{t.enable, t.confirm, t.disable, t.regenerate} {
		setControl(b, nil, v.Actions)
	}
	t.body.Refresh()
}

func (t *twoFactorCard) run(action func() error) {
	t.errLabel.SetText("")
	t.u.async(func() {
		err := action()
		fyne.Do(func() {
			t.errLabel.SetText(core.UserMessage(err))
			t.u.render()
		})
	})
}

func (t *twoFactorCard) doSetup() {
	pw := t.password.Text
	t.run(func() error {
		ctx, cancel := t.u.ctx()
		defer cancel()
		su, err := t.c.SetUpTwoFactor(ctx, pw)
		if err != nil {
			return err
		}
		fyne.Do(func() {
			t.password.SetText("")
			t.qr.Resource = fyne.NewStaticResource("dialnexa-2fa.png", su.QRPNG)
			t.qr.Refresh()
			t.secret.SetText(su.Secret)
			t.setupCode.SetText("")
			t.step = core.TwoFactorSettingUp
		})
		return nil
	})
}

func (t *twoFactorCard) doEnable() {
	pw, code := t.password.Text, t.setupCode.Text
	t.run(func() error {
		ctx, cancel := t.u.ctx()
		defer cancel()
		codes, err := t.c.EnableTwoFactor(ctx, pw, code)
		if err != nil {
			return err
		}
		fyne.Do(func() { t.password.SetText(""); t.showCodes(codes) })
		return nil
	})
}

func (t *twoFactorCard) showCodes(codes []string) {
	t.shownSet = codes
	t.codes.SetText(strings.Join(codes, "\n"))
	t.step = core.TwoFactorShowingCodes
}

func (t *twoFactorCard) doDisable() {
	pw, code := t.password.Text, t.code.Text
	t.run(func() error {
		ctx, cancel := t.u.ctx()
		defer cancel()
		if err := t.c.DisableTwoFactor(ctx, pw, code); err != nil {
			return err
		}
		fyne.Do(func() { t.password.SetText(""); t.code.SetText(""); t.step = core.TwoFactorIdle })
		return nil
	})
}

func (t *twoFactorCard) doRegenerate() {
	pw, code := t.password.Text, t.code.Text
	t.run(func() error {
		ctx, cancel := t.u.ctx()
		defer cancel()
		codes, err := t.c.RegenerateBackupCodes(ctx, pw, code)
		if err != nil {
			return err
		}
		fyne.Do(func() { t.password.SetText(""); t.code.SetText(""); t.showCodes(codes) })
		return nil
	})
}

// saveWithDialog is the default SaveFile: the system's save dialog.
func (u *UI) saveWithDialog(name string, data []byte) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := w.Write(data); err != nil {
			dialog.ShowError(err, u.win)
		}
	}, u.win)
	d.SetFileName(name)
	d.Show()
}
