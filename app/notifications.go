package app

import (
	"fmt"
	"net/url"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/assets"
	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/account"
)

// notificationsScreen is Settings → Account → Notifications: email
// delivery per type (in-app is always on; security alerts are locked on).
// Changes queue offline and sync later.
type notificationsScreen struct {
	u       *UI
	content fyne.CanvasObject
	checks  map[string]*widget.Check
	pending *widget.Label
	errText *widget.Label
	syncing bool
}

func newNotificationsScreen(u *UI) *notificationsScreen {
	n := &notificationsScreen{u: u, checks: map[string]*widget.Check{}}
	n.pending = warnLabel()
	n.pending.SetText(core.TextWaitingToSync)
	n.errText = errorLabel()
	rows := []fyne.CanvasObject{}
	for _, t := range account.NotificationTypes {
		label := "Email"
		if t.Locked {
			label = "Email (always on)"
		}
		id := t.ID
		c := widget.NewCheck(label, func(on bool) {
			if n.syncing {
				return
			}
			n.errText.SetText(core.UserMessage(n.u.c.SetEmailNotification(id, on)))
			n.u.render()
		})
		if t.Locked {
			c.Disable()
		}
		n.checks[id] = c
		name := widget.NewLabelWithStyle(t.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		trigger := widget.NewLabel(t.Trigger)
		rows = append(rows, container.NewBorder(nil, nil, nil, c, container.NewVBox(name, trigger)), widget.NewSeparator())
	}
	hint := widget.NewLabel("Every notification also appears in the bell. Email delivery can be turned off per type; security alerts always arrive by email and in-app.")
	hint.Wrapping = fyne.TextWrapWord
	n.content = container.NewVScroll(widget.NewCard("Notifications", "", container.NewVBox(append([]fyne.CanvasObject{hint, n.pending, n.errText}, rows...)...)))
	return n
}

func (n *notificationsScreen) render(s core.Snapshot) {
	n.syncing = true
	defer func() { n.syncing = false }()
	for id, c := range n.checks {
		c.SetChecked(account.EmailEnabled(s.View.EmailPrefs, id))
	}
	n.pending.Hidden = !s.PendingPrefs
}

// bell is the header's notification button and its list.
type bell struct {
	u       *UI
	button  *widget.Button
	popup   *widget.PopUp
	list    *fyne.Container
	markAll *widget.Button
	// err says why the last action on the list failed.
	err   *widget.Label
	shown bool
}

func newBell(u *UI) *bell {
	b := &bell{u: u}
	icon := theme.NewThemedResource(fyne.NewStaticResource("bell.svg", assets.Bell))
	b.button = widget.NewButtonWithIcon("", icon, b.toggle)
	b.list = container.NewVBox()
	b.err = widget.NewLabel("")
	b.err.Importance = widget.DangerImportance
	b.err.Wrapping = fyne.TextWrapWord
	b.err.Hide()
	b.markAll = widget.NewButton("Mark all read", func() { b.did(b.u.c.MarkAllNotificationsRead()) })
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

func (b *bell) toggle() {
	if b.shown {
		b.popup.Hide()
	} else {
		b.popup.Show()
	}
	b.shown = !b.shown
}

func (b *bell) render(s core.Snapshot) {
	if s.View.Unread > 0 {
		b.button.SetText(strconv.Itoa(s.View.Unread) + " unread")
		// Noticeable, not louder than the screen's own actions.
		b.button.Importance = widget.MediumImportance
	} else {
		b.button.SetText("")
		b.button.Importance = widget.LowImportance
	}
	b.button.Refresh()
	rows := make([]fyne.CanvasObject, 0, len(s.View.Inbox))
	for _, n := range s.View.Inbox {
		rows = append(rows, b.row(n))
	}
	if len(rows) == 0 {
		rows = append(rows, widget.NewLabel("No notifications yet."))
	}
	b.list.Objects = rows
	b.list.Refresh()
	if s.View.Unread == 0 {
		b.markAll.Disable()
	} else {
		b.markAll.Enable()
	}
}

func (b *bell) row(n account.Notification) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(n.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: !n.Read})
	body := widget.NewLabel(fmt.Sprintf("%s — %s", core.FormatTime(n.At), n.Body))
	body.Wrapping = fyne.TextWrapWord
	var actions []fyne.CanvasObject
	if link := core.NotificationLink(n.Link); link != "" {
		id := n.ID
		actions = append(actions, widget.NewButton("Open", func() {
			u, err := url.Parse(link)
			if err == nil {
				err = b.u.OpenURL(u)
			}
			if err != nil {
				b.did(fmt.Errorf("the link could not be opened (%w): %s", err, link))
				return
			}
			b.did(b.u.c.MarkNotificationRead(id))
		}))
	}
	if !n.Read {
		id := n.ID
		actions = append(actions, widget.NewButton("Mark read", func() { b.did(b.u.c.MarkNotificationRead(id)) }))
	}
	return container.NewBorder(nil, widget.NewSeparator(), nil, container.NewHBox(actions...), container.NewVBox(title, body))
}
