package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/account"
)

// passkeysCard lists the account's passkeys on the Security screen: each
// can be renamed and removed here; they are added in a browser (where the
// authenticator is).
type passkeysCard struct {
	u        *UI
	card     *widget.Card
	list     *fyne.Container
	errLabel *widget.Label
	done     *widget.Label
	shown    []account.Passkey
	// by passkey id, for tests
	names  map[string]*widget.Entry
	rename map[string]*widget.Button
	remove map[string]*widget.Button
	// confirmPassword is the open removal dialog's password field.
	confirmPassword *widget.Entry
	confirmText     string
}

func newPasskeysCard(u *UI) *passkeysCard {
	p := &passkeysCard{u: u, list: container.NewVBox()}
	p.errLabel = widget.NewLabel("")
	p.errLabel.Wrapping = fyne.TextWrapWord
	p.errLabel.Importance = widget.DangerImportance
	p.done = widget.NewLabel("")
	p.done.Importance = widget.SuccessImportance
	hint := widget.NewLabel(core.TextPasskeysHint + " " + core.TextAddPasskeyInBrowser)
	hint.Wrapping = fyne.TextWrapWord
	p.card = widget.NewCard("Passkeys", "", container.NewVBox(hint, p.list, p.errLabel, p.done))
	return p
}

func (p *passkeysCard) render(s core.Snapshot) {
	action := s.ServerAction()
	if p.names != nil && slices.Equal(p.shown, s.View.Passkeys) {
		for _, b := range p.rename {
			setEnabled(b, action.Enabled)
		}
		for _, b := range p.remove {
			setEnabled(b, action.Enabled)
		}
		return // keep a name being typed
	}
	p.shown = slices.Clone(s.View.Passkeys)
	p.names, p.rename, p.remove = map[string]*widget.Entry{}, map[string]*widget.Button{}, map[string]*widget.Button{}
	rows := make([]fyne.CanvasObject, 0, len(s.View.Passkeys)+1)
	for _, pk := range s.View.Passkeys {
		rows = append(rows, p.row(pk, action.Enabled))
	}
	if len(rows) == 0 {
		rows = append(rows, widget.NewLabel("No passkeys yet."))
	}
	p.list.Objects = rows
	p.list.Refresh()
}

func (p *passkeysCard) row(pk account.Passkey, enabled bool) fyne.CanvasObject {
	id := pk.ID
	head := widget.NewLabelWithStyle(pk.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	detail := widget.NewLabel(core.PasskeySummary(pk, core.FormatTime))
	detail.Wrapping = fyne.TextWrapWord
	if pk.Suspect {
		detail.Importance = widget.DangerImportance
	}
	name := widget.NewEntry()
	name.SetText(pk.Name)
	rename := widget.NewButton("Rename", func() { p.doRename(id, name.Text) })
	remove := widget.NewButton("Remove", func() { p.confirmRemove(id) })
	remove.Importance = widget.DangerImportance
	setEnabled(rename, enabled)
	setEnabled(remove, enabled)
	p.names[id], p.rename[id], p.remove[id] = name, rename, remove
	return container.NewVBox(head, detail, container.NewBorder(nil, nil, nil, container.NewHBox(rename, remove), name))
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (p *passkeysCard) doRename(id, name string) {
	p.errLabel.SetText("")
	p.done.SetText("")
	p.u.async(func() {
		ctx, cancel := p.u.ctx()
		defer cancel()
		err := p.u.c.RenamePasskey(ctx, id, name)
		fyne.Do(func() {
			p.errLabel.SetText(core.UserMessage(err))
			if err == nil {
				p.done.SetText("Passkey renamed.")
			}
		})
	})
}

// confirmRemove asks before removing: what it means (the only second
// factor?) and, outside the step-up window, the password.
func (p *passkeysCard) confirmRemove(id string) {
	p.errLabel.SetText("")
	p.done.SetText("")
	p.confirmText = core.RemovePasskeyWarning(p.u.c.Snapshot().View, id)
	text := widget.NewLabel(p.confirmText)
	text.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{text}
	p.confirmPassword = widget.NewPasswordEntry()
	if !p.u.c.StepUpOpen() {
		p.confirmPassword.SetPlaceHolder(core.TextYourPassword)
		items = append(items, p.confirmPassword)
	}
	d := dialog.NewCustomConfirm("Remove this passkey?", "Remove passkey", "Keep it", container.NewVBox(items...), func(ok bool) {
		if ok {
			p.doRemove(id, p.confirmPassword.Text)
		}
	}, p.u.win)
	d.Resize(fyne.NewSize(460, 0))
	d.Show()
}

func (p *passkeysCard) doRemove(id, password string) {
	p.u.async(func() {
		ctx, cancel := p.u.ctx()
		defer cancel()
		err := p.u.c.RemovePasskey(ctx, id, password)
		fyne.Do(func() {
			p.errLabel.SetText(core.UserMessage(err))
			if err == nil {
				p.done.SetText("Passkey removed.")
			}
			p.u.render()
		})
	})
}
