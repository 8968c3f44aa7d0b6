package core

import (
	"fmt"
	"time"
)

// SessionRow is one line of the active sessions list.
type SessionRow struct {
	ID         string
	Device     string
	ThisDevice bool
	Revoke     Control
	kind, loc  string
	created    time.Time
	lastActive time.Time
}

// Detail is the row's second line: kind, place, when it signed in and when
// it was last active, with times written by format (each client's own:
// the desktop app's fixed format, the panel's browser locale).
func (r SessionRow) Detail(format, ago func(time.Time) string) string {
	return fmt.Sprintf("%s · %s · signed in %s · last active %s", r.kind, r.loc, format(r.created), ago(r.lastActive))
}

// SessionRows is the active sessions list, this device marked; revoking
// needs the server.
func (s Snapshot) SessionRows() []SessionRow {
	rows := make([]SessionRow, 0, len(s.View.Sessions))
	revoke := s.ServerAction()
	if !revoke.Enabled {
		revoke.Reason = "Revoking needs a connection to the server."
	}
	for _, x := range s.View.Sessions {
		rows = append(rows, SessionRow{ID: x.ID, Device: x.Device, ThisDevice: x.ID == s.SessionID, Revoke: revoke,
			kind: x.DeviceKind, loc: x.Location, created: x.Created, lastActive: x.LastActive})
	}
	return rows
}
