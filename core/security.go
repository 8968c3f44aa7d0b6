package core

import (
	"context"

	"github.com/dialnexa/account/core/model"

	"github.com/dialnexa/account/sync/wire"
)

// The actions in this file are online only: while offline they return
// ErrOffline at once instead of queueing, and the screens say so.

func (c *base) requireOnline() error {
	if c.replica.Meta().SessionID == "" {
		return errNotSignedIn
	}
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if !(Snapshot{Conn: conn}).Online() {
		return ErrOffline
	}
	return nil
}

// ChangePassword changes the password. Other sessions stay signed in
// unless signOutOthers is set.
func (c *Actions) ChangePassword(ctx context.Context, current, next string, signOutOthers bool) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "POST", "/v1/password", c.token(), map[string]any{"currentPassword": current, "newPassword": next, "signOutOthers": signOutOthers}, nil)
}

// ForgotPassword asks for a reset link for email and returns the server's
// answer, which is the same whether or not the address has an account.
func (c *Session) ForgotPassword(ctx context.Context, email string) (string, error) {
	var out struct{ Message string }
	err := c.call(ctx, "POST", "/v1/password/forgot", "", map[string]string{"email": email}, &out)
	return out.Message, err
}

// TwoFactorSetup is what the user scans to set up 2FA.
type TwoFactorSetup struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	QRPNG  []byte `json:"qrPng"`
}

// SetUpTwoFactor starts 2FA setup: a new secret, as a QR code and as text.
// It is not on until EnableTwoFactor confirms a code. It needs the
// password unless StepUpOpen.
func (c *Actions) SetUpTwoFactor(ctx context.Context, password string) (TwoFactorSetup, error) {
	var out TwoFactorSetup
	if err := c.requireOnline(); err != nil {
		return out, err
	}
	err := c.stepUpCall(ctx, "/v1/2fa/setup", password, map[string]string{}, &out)
	return out, err
}

// EnableTwoFactor confirms setup with a code from the authenticator app and
// returns the backup codes, which the server will not show again. It needs
// the password unless StepUpOpen.
func (c *Actions) EnableTwoFactor(ctx context.Context, password, code string) ([]string, error) {
	if err := c.requireOnline(); err != nil {
		return nil, err
	}
	var out struct{ BackupCodes []string }
	err := c.stepUpCall(ctx, "/v1/2fa/enable", password, map[string]string{"code": code}, &out)
	return out.BackupCodes, err
}

// DisableTwoFactor turns 2FA off; it needs a code, and the password unless
// StepUpOpen.
func (c *Actions) DisableTwoFactor(ctx context.Context, password, code string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.stepUpCall(ctx, "/v1/2fa/disable", password, map[string]string{"code": code}, nil)
}

// RegenerateBackupCodes replaces the backup codes (the old ones stop
// working); it needs a code, and the password unless StepUpOpen.
func (c *Actions) RegenerateBackupCodes(ctx context.Context, password, code string) ([]string, error) {
	if err := c.requireOnline(); err != nil {
		return nil, err
	}
	var out struct{ BackupCodes []string }
	err := c.stepUpCall(ctx, "/v1/2fa/backup-codes", password, map[string]string{"code": code}, &out)
	return out.BackupCodes, err
}

// RevokeOtherSessions signs out every other device.
func (c *Actions) RevokeOtherSessions(ctx context.Context) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "POST", "/v1/sessions/revoke-others", c.token(), struct{}{}, nil)
}

// RevokeFromAlert revokes the session an alert is about; the alert goes
// from every device.
func (c *Actions) RevokeFromAlert(ctx context.Context, a Alert) error {
	if err := c.RevokeSession(ctx, a.SessionID); err != nil && !isNotFound(err) {
		return err
	}
	return c.DismissAlert(a.ID)
}

// DismissAlert answers an alert "this was me": it goes from every device
// of the account, at once here and when the change syncs elsewhere (it is
// queued, so it works offline too).
func (c *Actions) DismissAlert(id uint64) error {
	return c.mutate(model.MutDismissAlert, model.DismissAlert{ID: id})
}

func (c *base) token() string { return c.replica.Meta().Token }

// handleEvent takes one server event. Security alerts come with the view
// (answered on one device, they leave all), so an event only moves the
// stored position, so a restart does not fetch it again.
func (c *base) handleEvent(session string, e *wire.Event) error {
	return c.replica.UpdateMeta(func(m *Meta) error {
		if m.SessionID != session {
			return errSignedOut
		}
		m.LastEventSeq = max(m.LastEventSeq, e.Seq)
		return nil
	})
}

func isNotFound(err error) bool {
	we, ok := err.(*wire.Error)
	return ok && we.Code == wire.CodeNotFound
}
