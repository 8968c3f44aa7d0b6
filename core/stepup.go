package core

import (
	"context"
	"errors"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// StepUpHint is what both clients say where takeover-grade actions ask for
// the password again.
const StepUpHint = "Changes here ask for your password again; after you enter it, you are not asked again for 5 minutes."

// stepUpWindow is when a session last entered its password for a
// takeover-grade action, as far as this client knows; the server decides.
type stepUpWindow struct {
	session string
	until   time.Time
}

// StepUpOpen reports whether this session entered its password for a
// takeover-grade action within account.StepUpWindow, so the screens need
// not ask for it again. The server has the last word: an action it refuses
// for want of the password closes the window here too.
func (c *Session) StepUpOpen() bool {
	sid := c.replica.Meta().SessionID
	c.mu.Lock()
	defer c.mu.Unlock()
	return sid != "" && c.stepUp.session == sid && c.cfg.Now().Before(c.stepUp.until)
}

// NeedsStepUp reports whether err asks for the password again.
func NeedsStepUp(err error) bool {
	var we *wire.Error
	return errors.As(err, &we) && we.Code == wire.CodeStepUp
}

// stepUpMargin keeps the client's window a little shorter than the
// server's, so a request sent at its end is not refused in flight.
const stepUpMargin = 10 * time.Second

// stepUpCall posts body, with password when given, to a takeover-grade
// endpoint and keeps the step-up window up to date with the answer.
func (c *base) stepUpCall(ctx context.Context, path, password string, body map[string]string, out any) error {
	if password != "" {
		body["password"] = password
	}
	sid := c.replica.Meta().SessionID
	start := c.cfg.Now()
	err := c.call(ctx, "POST", path, c.token(), body, out)
	var changed bool
	c.mu.Lock()
	switch {
	case NeedsStepUp(err):
		changed = !c.stepUp.until.IsZero()
		c.stepUp = stepUpWindow{}
	case password != "" && err == nil:
		c.stepUp = stepUpWindow{session: sid, until: start.Add(model.StepUpWindow - stepUpMargin)}
		changed = true
	}
	c.mu.Unlock()
	if changed {
		c.cfg.OnChange()
	}
	return err
}
