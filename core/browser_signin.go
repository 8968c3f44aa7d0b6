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
func (c *Session) StartBrowserSignIn(ctx context.Context) (BrowserSignIn, error) {
	req := map[string]any{}
	c.describeDevice(req)
	var out BrowserSignIn
	err := c.call(ctx, "POST", "/v1/signin/browser", "", req, &out)
	return out, err
}

// FinishBrowserSignIn waits until the browser approved the sign-in b (or
// denied it, or it expired, or ctx ends) and then signs this device in
// with a session of its own.
func (c *Session) FinishBrowserSignIn(ctx context.Context, b BrowserSignIn) error {
	every := browserPollEvery
	for {
		var resp sessionResponse
		err := c.call(ctx, "POST", "/v1/signin/browser/poll", "", map[string]string{"request": b.Request}, &resp)
		if err == nil {
			c.signing.Lock()
			defer c.signing.Unlock()
			return c.adoptSession(ctx, resp, "")
		}
		wait, again := nextBrowserPoll(every, err)
		if !again {
			return err
		}
		if we := (*wire.Error)(nil); errors.As(err, &we) && we.Code == wire.CodeSlowDown {
			every = wait // for this and every later poll
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// nextBrowserPoll says, after a poll answered err, whether to poll again
// and after how long: every while the request waits for the browser (or
// the network blinked); 5 seconds more from now on when the server says
// to slow down (RFC 8628); a minute when the address polled too much.
func nextBrowserPoll(every time.Duration, err error) (time.Duration, bool) {
	var we *wire.Error
	switch {
	case errors.Is(err, ErrOffline):
		return every, true
	case !errors.As(err, &we):
		return 0, false
	case we.Code == wire.CodeConflict:
		return every, true
	case we.Code == wire.CodeSlowDown:
		return every + 5*time.Second, true
	case we.Code == wire.CodeRateLimited:
		return max(every, time.Minute), true
	}
	return 0, false
}
