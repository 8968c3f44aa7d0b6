package core

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// AppRow is one line of "Apps with access".
type AppRow struct {
	ID, Name string
	// Sees says what the app may see.
	Sees    string
	granted time.Time
	Remove  Control
}

// Detail is the row's second line, with the time written by format.
func (r AppRow) Detail(format func(time.Time) string) string {
	return fmt.Sprintf("Can see: %s · allowed %s", r.Sees, format(r.granted))
}

// TextNoApps is what "Apps with access" says when it is empty.
const TextNoApps = "No apps have access. When you allow an app to sign you in with your DialNexa account, it is listed here."

// AppRows is the apps list; removing needs the server.
func (s Snapshot) AppRows() []AppRow {
	remove := s.ServerAction()
	if !remove.Enabled {
		remove.Reason = "Removing an app's access needs a connection to the server."
	}
	rows := make([]AppRow, 0, len(s.View.Apps))
	for _, a := range s.View.Apps {
		rows = append(rows, AppRow{ID: a.ID, Name: a.Name, Sees: strings.Join(a.Sees, ", "), granted: a.Granted, Remove: remove})
	}
	return rows
}

// RemoveApp takes an application's access away: it can no longer sign in
// without asking again, and its sessions end (it is told).
func (c *Client) RemoveApp(ctx context.Context, id string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "DELETE", "/v1/apps/"+url.PathEscape(id), c.replica.Meta().Token, nil, nil)
}
