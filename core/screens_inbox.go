package core

import (
	"strconv"
	"time"

	"github.com/dialnexa/account/core/model"
)

// Words of the notification settings, the bell and the alert.
const (
	TextNotificationsHint = "Every notification also appears in the bell. Email delivery can be turned off per type; security alerts always arrive by email and in-app."
	TextNoNotifications   = "No notifications yet."
	TextMarkAllRead       = "Mark all read"
	TextAlertTitle        = "Security alert"
	TextAlertRevoke       = "No: revoke that session"
	TextAlertItWasMe      = "Yes, it was me"
)

// NotificationsView is Settings → Account → Notifications: email delivery
// per type (in-app is always on; security alerts are locked on). Changes
// queue offline.
type NotificationsView struct {
	// Pending: the settings wait to sync (TextWaitingToSync).
	Pending bool
	Types   []NotificationPref
}

// NotificationPref is one type's row.
type NotificationPref struct {
	ID, Name, Trigger string
	// Label is the email box's ("Email", "Email (always on)").
	Label string
	Email bool
	// Change is whether the box may be changed, and why not.
	Change Control
}

// Notifications is the notification settings screen.
func (s Snapshot) Notifications() NotificationsView {
	v := NotificationsView{Pending: s.PendingPrefs}
	for _, t := range model.NotificationTypes {
		p := NotificationPref{ID: t.ID, Name: t.Name, Trigger: t.Trigger, Label: "Email",
			Email: model.EmailEnabled(s.View.EmailPrefs, t.ID), Change: Control{Enabled: true}}
		if t.Locked {
			p.Label = "Email (always on)"
			p.Change = Control{Reason: "Security alerts are always sent by email and in-app."}
		}
		v.Types = append(v.Types, p)
	}
	return v
}

// BellView is the header's bell and its list.
type BellView struct {
	Unread int
	// Count is the unread count on the button ("" when none).
	Count string
	// Label names the button for screen readers: "Notifications, 2 unread".
	Label string
	Items []InboxItem
	// Received are the invitations to answer, above the notifications.
	Received []ReceivedRow
	// Empty is shown when the inbox is ("" otherwise).
	Empty   string
	MarkAll Control
}

// InboxItem is one notification.
type InboxItem struct {
	ID          uint64
	Type, Title string
	Body        string
	At          time.Time
	// When is At as the client writes it.
	When string
	Read bool
	// Link is where Open goes ("" none).
	Link string
}

// Bell is the bell and its list.
func (s Snapshot) Bell(d Dates) BellView {
	n := s.View.Unread
	v := BellView{Unread: n, Label: "Notifications, " + strconv.Itoa(n) + " unread", MarkAll: Control{Enabled: true}}
	if n > 0 {
		v.Count = strconv.Itoa(n) + " unread"
	} else {
		v.MarkAll = Control{Reason: "Every notification is read."}
	}
	for _, x := range s.View.Inbox {
		v.Items = append(v.Items, InboxItem{ID: x.ID, Type: x.Type, Title: x.Title, Body: x.Body, At: x.At, When: d.Ago(x.At),
			Read: x.Read, Link: NotificationLink(x.Link)})
	}
	v.Received = s.received(d)
	if len(v.Items) == 0 && len(v.Received) == 0 {
		v.Empty = TextNoNotifications
	}
	return v
}

// AlertView is the interruptive "Was this you?" of the oldest security
// alert no device has answered.
type AlertView struct {
	// Show: there is an alert to answer; the rest is about Alert.
	Show  bool
	Alert Alert
	Text  string
	// Revoke ends the session that signed in; the safe answer (it was me)
	// is always possible.
	Revoke Control
}

// SecurityAlert is the alert dialog.
func (s Snapshot) SecurityAlert() AlertView {
	if len(s.Alerts) == 0 {
		return AlertView{}
	}
	a := s.Alerts[0]
	return AlertView{Show: true, Alert: a, Text: a.Text(), Revoke: s.serverAction("Revoking needs a connection to the server.")}
}
