package account

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Names of the mutations a client may queue while offline. Each is idempotent
// and last-writer-wins per field, so replaying one is harmless.
const (
	MutSetDisplayName = "setDisplayName"
)

// SetDisplayName is the argument of MutSetDisplayName.
type SetDisplayName struct {
	DisplayName string `json:"displayName"`
}

// Apply applies the named mutation with its JSON arguments to v. The server
// calls it on the authoritative state and clients call it to rebase their
// pending queue on the confirmed view, so both reach the same result. It
// returns a *RuleError for input the rules refuse and leaves v unchanged on
// any error.
func Apply(v *View, name string, args json.RawMessage) error {
	switch name {
	case MutSetDisplayName:
		var a SetDisplayName
		if err := decodeStrict(args, &a); err != nil {
			return err
		}
		n, err := NormalizeDisplayName(a.DisplayName)
		if err != nil {
			return err
		}
		v.Profile.DisplayName = n
		return nil
	case MutSetEmailNotification:
		var a SetEmailNotification
		if err := decodeStrict(args, &a); err != nil {
			return err
		}
		t, ok := NotificationTypeByID(a.Type)
		if !ok {
			return invalid("notifications", "Unknown notification type %q.", a.Type)
		}
		if t.Locked && !a.Email {
			return invalid("notifications", "%s are always sent by email and in-app; this cannot be turned off.", t.Name)
		}
		prefs := make(map[string]bool, len(v.EmailPrefs)+1)
		for k, b := range v.EmailPrefs {
			prefs[k] = b
		}
		if a.Email == t.EmailDefault {
			delete(prefs, a.Type)
		} else {
			prefs[a.Type] = a.Email
		}
		v.EmailPrefs = prefs
		return nil
	case MutMarkRead:
		var a MarkRead
		if err := decodeStrict(args, &a); err != nil {
			return err
		}
		v.Inbox = append([]Notification(nil), v.Inbox...)
		for i := range v.Inbox {
			if v.Inbox[i].ID == a.ID && !v.Inbox[i].Read {
				v.Inbox[i].Read = true
				v.Unread = max(v.Unread-1, 0)
			}
		}
		return nil
	case MutMarkAllRead:
		var a MarkAllRead
		if err := decodeStrict(args, &a); err != nil {
			return err
		}
		v.Inbox = append([]Notification(nil), v.Inbox...)
		for i := range v.Inbox {
			if v.Inbox[i].ID <= a.UpTo && !v.Inbox[i].Read {
				v.Inbox[i].Read = true
				v.Unread = max(v.Unread-1, 0)
			}
		}
		if len(v.Inbox) == 0 || a.UpTo >= v.Inbox[0].ID {
			v.Unread = 0
		}
		return nil
	case MutDismissAlert:
		var a DismissAlert
		if err := decodeStrict(args, &a); err != nil {
			return err
		}
		v.Alerts = slices.DeleteFunc(slices.Clone(v.Alerts), func(al Alert) bool { return al.ID == a.ID })
		return nil
	default:
		return invalid("mutation", "Unknown change %q; update the app.", name)
	}
}

// NewMutationArgs encodes the arguments of a mutation.
func NewMutationArgs(a any) json.RawMessage {
	b, err := json.Marshal(a)
	if err != nil {
		panic(fmt.Sprintf("account: encode mutation args: %v", err)) // only for types of this package
	}
	return b
}

func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return invalid("mutation", "Malformed change: %v.", err)
	}
	if d.More() {
		return invalid("mutation", "Malformed change: trailing data.")
	}
	return nil
}
