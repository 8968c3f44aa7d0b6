package core

import (
	"context"
	"net/url"
)

// RemoveApp takes an application's access away: it can no longer sign in
// without asking again, and its sessions end (it is told).
func (c *Actions) RemoveApp(ctx context.Context, id string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "DELETE", "/v1/apps/"+url.PathEscape(id), c.replica.Meta().Token, nil, nil)
}
