package model

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

// Change is a mutation decoded and checked against the rules: one of
// SetDisplayName (its name normalized), SetEmailNotification (its type
// known, a locked one not turned off), MarkRead, MarkAllRead and
// DismissAlert. Clients apply it to their view (Apply); the server
// applies it to what it stores, switching on the type.
type Change interface {
	applyTo(v *View)
}

// Decode decodes the named mutation's JSON arguments strictly and checks
// them against the rules, once: a *RuleError says what the rules refuse.
func Decode(name string, args json.RawMessage) (Change, error) {
	switch name {
	case MutSetDisplayName:
		var a SetDisplayName
		if err := decodeStrict(args, &a); err != nil {
			return nil, err
		}
		n, err := NormalizeDisplayName(a.DisplayName)
		if err != nil {
			return nil, err
		}
		return SetDisplayName{DisplayName: n}, nil
	case MutSetEmailNotification:
		var a SetEmailNotification
		if err := decodeStrict(args, &a); err != nil {
			return nil, err
		}
		t, ok := NotificationTypeByID(a.Type)
		if !ok {
			return nil, invalid("notifications", "Unknown notification type %q.", a.Type)
		}
		if t.Locked && !a.Email {
			return nil, invalid("notifications", "%s are always sent by email and in-app; this cannot be turned off.", t.Name)
		}
		return a, nil
	case MutMarkRead:
		var a MarkRead
		return a, decodeStrict(args, &a)
	case MutMarkAllRead:
		var a MarkAllRead
		return a, decodeStrict(args, &a)
	case MutDismissAlert:
		var a DismissAlert
		return a, decodeStrict(args, &a)
	}
	return nil, invalid("mutation", "Unknown change %q; update the app.", name)
}

// Apply applies the named mutation with its JSON arguments to v: clients
// rebase their pending queue on the confirmed view with it, reaching what
// the server reaches applying the same Change to what it stores. It
// returns a *RuleError for input the rules refuse and leaves v unchanged on
// any error.
func Apply(v *View, name string, args json.RawMessage) error {
	c, err := Decode(name, args)
	if err != nil {
		return err
	}
	c.applyTo(v)
	return nil
}

func (c SetDisplayName) applyTo(v *View) { v.Profile.DisplayName = c.DisplayName }

func (c SetEmailNotification) applyTo(v *View) { v.EmailPrefs = c.Prefs(v.EmailPrefs) }

// Prefs returns the per-type email settings prefs with this change made
// (a copy; a setting equal to the type's default is left out).
func (c SetEmailNotification) Prefs(prefs map[string]bool) map[string]bool {
	t, _ := NotificationTypeByID(c.Type)
	out := make(map[string]bool, len(prefs)+1)
	for k, b := range prefs {
		out[k] = b
	}
	if c.Email == t.EmailDefault {
		delete(out, c.Type)
	} else {
		out[c.Type] = c.Email
	}
	return out
}

func (c MarkRead) applyTo(v *View) {
	v.Inbox = append([]Notification(nil), v.Inbox...)
	for i := range v.Inbox {
		if v.Inbox[i].ID == c.ID && !v.Inbox[i].Read {
			v.Inbox[i].Read = true
			v.Unread = max(v.Unread-1, 0)
		}
	}
}

func (c MarkAllRead) applyTo(v *View) {
	v.Inbox = append([]Notification(nil), v.Inbox...)
	for i := range v.Inbox {
		if v.Inbox[i].ID <= c.UpTo && !v.Inbox[i].Read {
			v.Inbox[i].Read = true
			v.Unread = max(v.Unread-1, 0)
		}
	}
	if len(v.Inbox) == 0 || c.UpTo >= v.Inbox[0].ID {
		v.Unread = 0
	}
}

func (c DismissAlert) applyTo(v *View) {
	v.Alerts = slices.DeleteFunc(slices.Clone(v.Alerts), func(al Alert) bool { return al.ID == c.ID })
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
