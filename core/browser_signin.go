package core

import (
	"context"
	"errors"
	"time"

	"github.com/dialnexa/account/sync/wire"
)

// BrowserSignIn is a sign-in through the system browser in progress (for
// passkeys, which live with the browser): the page to open, and the code
// the user checks there against the one the app shows.
type BrowserSignIn struct {
	Request string    `json:"request"` // the app's secret: it polls with it
	Code    string    `json:"code"`
	URL     string    `json:"url"`
	Expires time.Time `json:"expires"`
}

// browserPollEvery is how often the app asks whether the browser approved.
const browserPollEvery = 2 * time.Second

// StartBrowserSignIn asks the server for a sign-in through the browser:
// open URL in the system browser and show Code.
func (c *Client) StartBrowserSignIn(ctx context.Context) (BrowserSignIn, error) {
	req := map[string]any{}
	c.describeDevice(req)
	var out BrowserSignIn
	err := c.call(ctx, "POST", "/v1/signin/browser", "", req, &out)
	return out, err
}

// FinishBrowserSignIn waits until the browser approved the sign-in b (or
// denied it, or it expired, or ctx ends) and then signs this device in
// with a session of its own.
func (c *Client) FinishBrowserSignIn(ctx context.Context, b BrowserSignIn) error {
	for {
		var resp sessionResponse
		err := c.call(ctx, "POST", "/v1/signin/browser/poll", "", map[string]string{"request": b.Request}, &resp)
		var we *wire.Error
		switch {
		case err == nil:
			return c.adoptSession(resp, "")
		case errors.As(err, &we) && we.Code == wire.CodeConflict, errors.Is(err, ErrOffline):
			// Not answered yet (or the network blinked): ask again.
		default:
			return err
		}
		t := time.NewTimer(browserPollEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
