package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// CreateWorkspace creates a workspace owned by this account (online only).
func (c *Actions) CreateWorkspace(ctx context.Context, name string) error {
	name, err := model.WorkspaceNameLabel.Normalize(name)
	if err != nil {
		return err
	}
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "POST", "/v1/workspaces", c.token(), map[string]string{"name": name}, nil)
}

// Invite mails an invitation to join a workspace as "member" or "admin".
func (c *Actions) Invite(ctx context.Context, workspaceID, email, role string) (string, error) {
	if err := c.requireOnline(); err != nil {
		return "", err
	}
	var out struct{ Message string }
	err := c.call(ctx, "POST", "/v1/workspaces/"+url.PathEscape(workspaceID)+"/invitations", c.token(), map[string]string{"email": email, "role": role}, &out)
	return out.Message, err
}

// AcceptInvitation joins a workspace with the invitation link (or just its
// token) from the mail.
func (c *Actions) AcceptInvitation(ctx context.Context, link string) (string, error) {
	if err := c.requireOnline(); err != nil {
		return "", err
	}
	tok := strings.TrimSpace(link)
	if i := strings.Index(tok, "token="); i >= 0 {
		tok = tok[i+len("token="):]
	}
	var out struct{ Message string }
	err := c.call(ctx, "POST", "/v1/invitations/accept", c.token(), map[string]string{"token": tok}, &out)
	return out.Message, err
}

// TransferOwnership makes another member the workspace's owner.
func (c *Actions) TransferOwnership(ctx context.Context, workspaceID, accountID string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "POST", "/v1/workspaces/"+url.PathEscape(workspaceID)+"/transfer", c.token(), map[string]string{"accountId": accountID}, nil)
}

// DeleteWorkspace deletes a workspace this account owns.
func (c *Actions) DeleteWorkspace(ctx context.Context, workspaceID string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "DELETE", "/v1/workspaces/"+url.PathEscape(workspaceID), c.token(), nil, nil)
}

// RemoveMember removes a member (owner or admin), or leaves when accountID
// is this account's.
func (c *Actions) RemoveMember(ctx context.Context, workspaceID, accountID string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "DELETE", "/v1/workspaces/"+url.PathEscape(workspaceID)+"/members/"+url.PathEscape(accountID), c.token(), nil, nil)
}

// BlockingWorkspace is a workspace this account owns with other members.
type BlockingWorkspace = model.BlockingWorkspace

// DeletionPreview is what deleting the account removes and forfeits.
type DeletionPreview = model.DeletionPreview

// DeletionPreview asks the server what deleting the account would remove.
func (c *Actions) DeletionPreview(ctx context.Context) (DeletionPreview, error) {
	var p DeletionPreview
	if err := c.requireOnline(); err != nil {
		return p, err
	}
	err := c.call(ctx, "GET", "/v1/account/deletion", c.token(), nil, &p)
	return p, err
}

// BlockedError is returned by DeleteAccount while the account owns
// workspaces with other members.
type BlockedError struct {
	Message    string
	Workspaces []BlockingWorkspace
}

func (e *BlockedError) Error() string { return e.Message }

// DeleteAccount deletes the account for good: email typed exactly, the
// password, and a 2FA code when 2FA is on. On success every device is
// signed out and this one's local data is wiped.
func (c *Actions) DeleteAccount(ctx context.Context, email, password, code string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	_, data, err := c.do(ctx, "POST", "/v1/account/delete", c.token(), map[string]string{"email": email, "password": password, "code": code})
	var we *wire.Error
	if errors.As(err, &we) && we.Code == wire.CodeConflict {
		var body struct{ Workspaces []BlockingWorkspace }
		if err := json.Unmarshal(data, &body); err != nil {
			return fmt.Errorf("read server answer: %w", err)
		}
		return &BlockedError{Message: we.Message, Workspaces: body.Workspaces}
	}
	if err != nil {
		return err
	}
	c.signOutLocal("Your DialNexa account was deleted.", false)
	return nil
}

// WithdrawInvitation withdraws a pending invitation: its link stops
// working (owners and admins).
func (c *Actions) WithdrawInvitation(ctx context.Context, workspaceID, invitationID string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "DELETE", "/v1/workspaces/"+url.PathEscape(workspaceID)+"/invitations/"+url.PathEscape(invitationID), c.token(), nil, nil)
}

// SetRole makes a member an admin or an admin a member (the owner).
func (c *Actions) SetRole(ctx context.Context, workspaceID, accountID, role string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "PUT", "/v1/workspaces/"+url.PathEscape(workspaceID)+"/members/"+url.PathEscape(accountID)+"/role", c.token(), map[string]string{"role": role}, nil)
}

// AuditPage is one page of a workspace's audit log, newest first.
type AuditPage struct {
	Entries []model.AuditEntry `json:"entries"`
	// Next asks for the next (older) page; 0 when this is the last.
	Next uint64 `json:"next"`
	// RetentionDays is how long the server keeps entries.
	RetentionDays int `json:"retentionDays"`
}

// AuditLog reads a page of a workspace's audit log (owners and admins):
// before 0 for the newest, then the previous page's Next.
func (c *Actions) AuditLog(ctx context.Context, workspaceID string, before uint64) (AuditPage, error) {
	var out AuditPage
	if err := c.requireOnline(); err != nil {
		return out, err
	}
	path := "/v1/workspaces/" + url.PathEscape(workspaceID) + "/audit"
	if before > 0 {
		path += "?before=" + strconv.FormatUint(before, 10)
	}
	err := c.call(ctx, "GET", path, c.token(), nil, &out)
	return out, err
}

// AcceptReceived accepts invitation id of workspace workspaceID, one this
// account received (its view lists it): as its link would.
func (c *Actions) AcceptReceived(ctx context.Context, workspaceID, id string) (string, error) {
	return c.answerReceived(ctx, workspaceID, id, "accept")
}

// DeclineReceived declines invitation id of workspace workspaceID.
func (c *Actions) DeclineReceived(ctx context.Context, workspaceID, id string) (string, error) {
	return c.answerReceived(ctx, workspaceID, id, "decline")
}

func (c *Actions) answerReceived(ctx context.Context, workspaceID, id, answer string) (string, error) {
	if err := c.requireOnline(); err != nil {
		return "", err
	}
	var out struct{ Message string }
	err := c.call(ctx, "POST", "/v1/workspaces/"+url.PathEscape(workspaceID)+"/invitations/"+url.PathEscape(id)+"/"+answer, c.token(), map[string]string{}, &out)
	return out.Message, err
}
