package core

import (
	"strings"

	"github.com/dialnexa/account/core/model"
)

// DashboardURL is where notification links point (the DialNexa dashboard).
const DashboardURL = "https://app.dialnexa.com"

// SetEmailNotification turns email delivery of a notification type on or
// off. It is queued (and works offline); security alerts cannot be turned
// off and return the rule's error.
func (c *Actions) SetEmailNotification(typ string, email bool) error {
	return c.mutate(model.MutSetEmailNotification, model.SetEmailNotification{Type: typ, Email: email})
}

// MarkNotificationRead marks one notification of the bell read (queued).
func (c *Actions) MarkNotificationRead(id uint64) error {
	return c.mutate(model.MutMarkRead, model.MarkRead{ID: id})
}

// MarkAllNotificationsRead marks every notification shown read (queued).
func (c *Actions) MarkAllNotificationsRead() error {
	v, _, _, _ := c.replica.View()
	if len(v.Inbox) == 0 {
		return nil
	}
	return c.mutate(model.MutMarkAllRead, model.MarkAllRead{UpTo: v.Inbox[0].ID})
}

// NotificationLink is the absolute address of a notification's link.
func NotificationLink(link string) string {
	if link == "" || strings.HasPrefix(link, "https://") {
		return link
	}
	return DashboardURL + link
}

// mutate checks a change against the rules and queues it; it shows at
// once and syncs when the server is reachable.
func (c *base) mutate(name string, args any) error {
	if c.replica.Meta().SessionID == "" {
		return errNotSignedIn
	}
	if _, err := c.replica.Mutate(name, args); err != nil {
		return err
	}
	c.cfg.OnChange()
	c.signal()
	return nil
}
