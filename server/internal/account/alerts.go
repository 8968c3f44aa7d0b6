package account

import (
	"encoding/json"
	"slices"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/store"
)

// EventSecurityAlert is the kind of the event a security alert is sent
// to the account's clients as; its payload is a SecurityAlert.
const EventSecurityAlert = "securityAlert"

// SecurityAlert is a security alert event's payload: the sign-in that
// raised it.
type SecurityAlert struct {
	SessionID string `json:"sessionId"`
	Device    string `json:"device"`
	Location  string `json:"location"`
	Address   string `json:"address,omitempty"` // masked: 203.0.113.x
	At        string `json:"at"`                // RFC 3339
}

// raiseNewDevice records a sign-in from a device the account has not used
// before, inside tx: a security-alert event for the account's clients, an
// activity entry, and a mail. Security alerts cannot be turned off.
func (s *Service) raiseNewDevice(tx txn, a *store.Account, ss store.Session) (store.Event, error) {
	payload, err := json.Marshal(SecurityAlert{SessionID: ss.ID, Device: ss.Device, Location: ss.Location, Address: ss.Address, At: ss.Created.UTC().Format("2006-01-02T15:04:05Z07:00")})
	if err != nil {
		return store.Event{}, err
	}
	e, err := tx.AddEvent(a, EventSecurityAlert, payload, ss.Created)
	if err != nil {
		return store.Event{}, err
	}
	// Open until a device answers it (or its session ends).
	a.Alerts = slices.DeleteFunc(slices.Clone(a.Alerts), func(al store.OpenAlert) bool {
		_, err := tx.Session(al.SessionID)
		return err != nil
	})
	a.Alerts = append(a.Alerts, store.OpenAlert{ID: e.Seq, SessionID: ss.ID, Device: ss.Device, Location: ss.Location, Address: ss.Address, At: ss.Created})
	if n := len(a.Alerts); n > store.MaxOpenAlerts {
		a.Alerts = a.Alerts[n-store.MaxOpenAlerts:]
	}
	if err := tx.AddActivity(a, model.ActNewDevice, "Signed in from a new device: "+ss.Device+", "+ss.Location+", "+ss.Address, ss.Created); err != nil {
		return store.Event{}, err
	}
	// In the bell too; its mail is the new-device mail below (security
	// alerts always go by both, and cannot be turned off).
	if err := s.notifyInApp(tx, a, model.NotifSecurityAlert, "New sign-in: "+ss.Device,
		"Signed in from "+ss.Device+", "+ss.Location+". If this was not you, revoke that session and change your password.", "/settings/account/security", ss.Created); err != nil {
		return store.Event{}, err
	}
	err = s.queueMail(tx, a.Email, "new-device", map[string]any{
		"Name": a.DisplayName, "Email": a.Email, "Device": ss.Device, "Location": ss.Location, "Address": ss.Address, "When": when(a.TimeZone, ss.Created),
	})
	return e, err
}
