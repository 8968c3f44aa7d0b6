package app

import (
	"context"
	"fmt"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/assets"
	"github.com/dialnexa/account/core"
)

// notificationsScreen is Settings → Account → Notifications: email
// delivery per type (in-app is always on; security alerts are locked on).
// Changes queue offline and sync later.
type notificationsScreen struct {
	u       *UI
	c       NotificationActions
	content fyne.CanvasObject
	checks  map[string]*widget.Check
	pending *widget.Label
	errText *widget.Label
	syncing bool
}

func newNotificationsScreen(u *UI) *notificationsScreen {
	n := &notificationsScreen{u: u, c: u.c, checks: map[string]*widget.Check{}}
	n.pending = warnLabel()
	n.pending.SetText(core.TextWaitingToSync)
	n.errText = errorLabel()
	rows := []fyne.CanvasObject{}
	for _, t := range (core.Snapshot{}).Notifications().Types {
		id := t.ID
		c := widget.NewCheck(t.Label, func(on bool) {
			if n.syncing {
				return
			}
			n.errText.SetText(core.UserMessage(n.c.SetEmailNotification(id, on)))
			n.u.render()
		})
		n.checks[id] = c
		name := widget.NewLabelWithStyle(t.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		trigger := widget.NewLabel(t.Trigger)
		rows = append(rows, container.NewBorder(nil, nil, nil, c, container.NewVBox(name, trigger)), widget.NewSeparator())
	}
	hint := widget.NewLabel(core.TextNotificationsHint)
	hint.Wrapping = fyne.TextWrapWord
	n.content = container.NewVScroll(widget.NewCard("Notifications", "", container.NewVBox(append([]fyne.CanvasObject{hint, n.pending, n.errText}, rows...)...)))
	return n
}

func (n *notificationsScreen) render(s core.Snapshot) {
	n.syncing = true
	defer func() { n.syncing = false }()
	v := s.Notifications()
	for _, t := range v.Types {
		c := n.checks[t.ID]
		c.SetChecked(t.Email)
		if t.Change.Enabled {
			c.Enable()
		} else {
			c.Disable()
		}
	}
	n.pending.Hidden = !v.Pending
}

// bell is the header's notification button and its list.
type bell struct {
	u       *UI
	c       NotificationActions
	button  *widget.Button
	popup   *widget.PopUp
	list    *fyne.Container
	markAll *widget.Button
	// err says why the last action on the list failed.
	err   *widget.Label
	shown bool
}

func newBell(u *UI) *bell {
	b := &bell{u: u, c: u.c}
	icon := theme.NewThemedResource(fyne.NewStaticResource("bell.svg", assets.Bell))
	b.button = widget.NewButtonWithIcon("", icon, b.toggle)
	b.list = container.NewVBox()
	b.err = widget.NewLabel("")
	b.err.Importance = widget.DangerImportance
	b.err.Wrapping = fyne.TextWrapWord
	b.err.Hide()
	b.markAll = widget.NewButton(core.TextMarkAllRead, func() { b.did(b.c.MarkAllNotificationsRead()) })
	closeBtn := widget.NewButton("Close", b.toggle)
	head := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabelWithStyle("Notifications", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), container.NewHBox(b.markAll, closeBtn)), b.err)
	scroll := container.NewVScroll(b.list)
	scroll.SetMinSize(fyne.NewSize(480, 360))
	b.popup = widget.NewModalPopUp(container.NewBorder(head, nil, nil, nil, scroll), u.win.Canvas())
	return b
}

// did shows what an action on the list did: nothing when it worked (the
// list shows it), the reason when it failed.
func (b *bell) did(err error) {
	if err != nil {
		b.err.SetText(core.UserMessage(err))
		b.err.Show()
	} else {
		b.err.SetText("")
		b.err.Hide()
	}
	b.u.render()
}

// answer runs an answer to an invitation off the UI's goroutine and shows
// what it did.
func (b *bell) answer(action func(ctx context.Context) (string, error)) {
	b.u.async(func() {
		ctx, cancel := b.u.ctx()
		defer cancel()
		_, err := action(ctx)
		fyne.Do(func() { b.did(err) })
	})
}

func (b *bell) toggle() {
	if b.shown {
		b.popup.Hide()
	} else {
		b.popup.Show()
	}
	b.shown = !b.shown
}

func (b *bell) render(s core.Snapshot) {
	v := s.Bell(core.DesktopDates)
	b.button.SetText(v.Count)
	if v.Unread > 0 {
		// Noticeable, not louder than the screen's own actions.
		b.button.Importance = widget.MediumImportance
	} else {
		b.button.Importance = widget.LowImportance
	}
	b.button.Refresh()
	rows := make([]fyne.CanvasObject, 0, len(v.Items)+len(v.Received)+1)
	if len(v.Received) > 0 {
		rows = append(rows, widget.NewLabelWithStyle(core.TextReceived, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		rows = append(rows, receivedRows(v.Received, b.c, b.answer)...)
		rows = append(rows, widget.NewSeparator())
	}
	for _, n := range v.Items {
		rows = append(rows, b.row(n))
	}
	if v.Empty != "" {
		rows = append(rows, widget.NewLabel(v.Empty))
	}
	b.list.Objects = rows
	b.list.Refresh()
	setControl(b.markAll, nil, v.MarkAll)
}

func (b *bell) row(n core.InboxItem) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(n.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: !n.Read})
	body := widget.NewLabel(n.When + " — " + n.Body)
	body.Wrapping = fyne.TextWrapWord
	var actions []fyne.CanvasObject
	id := n.ID
	if link := n.Link; link != "" {
		actions = append(actions, widget.NewButton("Open", func() {
			u, err := url.Parse(link)
			if err == nil {
				err = b.u.OpenURL(u)
			}
			if err != nil {
				b.did(fmt.Errorf("the link could not be opened (%w): %s", err, link))
				return
			}
			b.did(b.c.MarkNotificationRead(id))
		}))
	}
	if !n.Read {
		actions = append(actions, widget.NewButton("Mark read", func() { b.did(b.c.MarkNotificationRead(id)) }))
	}
	return container.NewBorder(nil, widget.NewSeparator(), nil, container.NewHBox(actions...), container.NewVBox(title, body))
}
