package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// passkeysCard lists the account's passkeys on the Security screen: each
// can be renamed and removed here; they are added in a browser (where the
// authenticator is).
type passkeysCard struct {
	u        *UI
	c        SecurityActions
	card     *widget.Card
	list     *fyne.Container
	errLabel *widget.Label
	done     *widget.Label
	shown    []core.PasskeyRow
	// by passkey id, for tests
	names  map[string]*widget.Entry
	rename map[string]*widget.Button
	remove map[string]*widget.Button
	// renaming is the passkey whose name is being edited, renamed the one
	// just renamed.
	renaming, renamed string
	shownRenaming     string
	// confirmPassword is the open removal dialog's password field.
	confirmPassword *widget.Entry
	confirmText     string
}

func newPasskeysCard(u *UI) *passkeysCard {
	p := &passkeysCard{u: u, c: u.c, list: container.NewVBox()}
	p.errLabel = errorLabel()
	p.done = widget.NewLabel("")
	p.done.Importance = widget.SuccessImportance
	hint := widget.NewLabel(core.TextPasskeysHint + " " + core.TextAddPasskeyInBrowser)
	hint.Wrapping = fyne.TextWrapWord
	p.card = widget.NewCard("Passkeys", "", container.NewVBox(hint, p.list, p.errLabel, p.done))
	return p
}

func (p *passkeysCard) view(s core.Snapshot) core.PasskeysView {
	return s.Passkeys(core.DesktopDates, "", p.c.StepUpOpen()) // the removal question is a dialog of its own
}

func (p *passkeysCard) render(s core.Snapshot) {
	v := p.view(s)
	if p.names != nil && slices.Equal(p.shown, v.Rows) && p.shownRenaming == p.renaming {
		return // keep a name being typed
	}
	p.shown, p.shownRenaming = v.Rows, p.renaming
	p.names, p.rename, p.remove = map[string]*widget.Entry{}, map[string]*widget.Button{}, map[string]*widget.Button{}
	rows := make([]fyne.CanvasObject, 0, len(v.Rows)+1)
	for _, r := range v.Rows {
		rows = append(rows, p.row(r))
	}
	if v.Empty != "" {
		rows = append(rows, widget.NewLabel(v.Empty))
	}
	p.list.Objects = rows
	p.list.Refresh()
}

// row is one passkey: its name and summary with Rename and Remove, or,
// while it is renamed, a field with Save name and Cancel.
func (p *passkeysCard) row(r core.PasskeyRow) fyne.CanvasObject {
	id := r.ID
	head := widget.NewLabelWithStyle(r.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	detail := widget.NewLabel(r.Summary)
	detail.Wrapping = fyne.TextWrapWord
	if r.Suspect {
		detail.Importance = widget.DangerImportance
	}
	if p.renaming == id {
		name := widget.NewEntry()
		name.SetText(r.Name)
		save := widget.NewButton(core.TextSaveName, func() { p.doRename(id, name.Text) })
		save.Importance = widget.HighImportance
		name.OnSubmitted = func(string) { p.doRename(id, name.Text) }
		cancel := widget.NewButton(core.TextCancel, func() { p.renaming = ""; p.u.render() })
		setControl(save, nil, r.Rename)
		p.names[id], p.rename[id] = name, save
		return container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(save, cancel), name), detail)
	}
	rename := widget.NewButton(core.TextRename, func() { p.renaming, p.renamed = id, ""; p.u.render() })
	remove := widget.NewButton("Remove", func() { p.confirmRemove(id) })
	remove.Importance = widget.DangerImportance
	setControl(rename, nil, r.Rename)
	setControl(remove, nil, r.Remove)
	p.rename[id], p.remove[id] = rename, remove
	objs := []fyne.CanvasObject{container.NewBorder(nil, nil, nil, container.NewHBox(rename, remove), head), detail}
	if p.renamed == id {
		done := widget.NewLabel(core.TextPasskeyRenamed)
		done.Importance = widget.SuccessImportance
		objs = append(objs, done)
	}
	return container.NewVBox(objs...)
}

func (p *passkeysCard) doRename(id, name string) {
	p.errLabel.SetText("")
	p.done.SetText("")
	p.u.async(func() {
		ctx, cancel := p.u.ctx()
		defer cancel()
		err := p.c.RenamePasskey(ctx, id, name)
		fyne.Do(func() {
			p.errLabel.SetText(core.UserMessage(err))
			if err == nil {
				// Said in the passkey's row, beside the action.
				p.renaming, p.renamed, p.names = "", id, nil
			}
			p.u.render()
		})
	})
}

// confirmRemove asks before removing: what it means (the only second
// factor?) and, outside the step-up window, the password.
func (p *passkeysCard) confirmRemove(id string) {
	p.errLabel.SetText("")
	p.done.SetText("")
	v := p.u.snapshot.Passkeys(core.DesktopDates, id, p.c.StepUpOpen())
	q := v.Confirm
	if q == nil {
		return // removed meanwhile
	}
	p.confirmText = q.Text
	text := widget.NewLabel(q.Text)
	text.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{text}
	p.confirmPassword = widget.NewPasswordEntry()
	if v.AskPassword {
		p.confirmPassword.SetPlaceHolder(core.TextYourPassword)
		items = append(items, p.confirmPassword)
	}
	d := dialog.NewCustomConfirm(q.Title, q.Yes, q.No, container.NewVBox(items...), func(ok bool) {
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
		err := p.c.RemovePasskey(ctx, id, password)
		fyne.Do(func() {
			p.errLabel.SetText(core.UserMessage(err))
			if err == nil {
				p.done.SetText(core.TextPasskeyRemoved)
			}
			p.u.render()
		})
	})
}
