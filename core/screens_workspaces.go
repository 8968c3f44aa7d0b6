package core

import (
	"strconv"
	"time"

	"github.com/dialnexa/account/core/model"
)

// The roles in a workspace, as the server names them.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// ManagesWorkspace reports whether a role may invite, change roles and
// read the audit log.
func ManagesWorkspace(role string) bool { return role == RoleOwner || role == RoleAdmin }

// Words of the Workspaces screen.
const (
	TextNewWorkspaceName = "New workspace name"
	TextCreateWorkspace  = "Create workspace"
	TextNoWorkspaces     = "You are not in any workspace yet."
	TextInvitationLink   = "Invitation link from the mail"
	TextAcceptInvitation = "Accept invitation"
	TextJoinHint         = "Open the link from the invitation mail, or paste it here."
	TextInviteEmail      = "Email to invite"
	TextInviteHint       = "name@example.com"
	TextInviteRole       = "Role"
	TextNoInvitations    = "No pending invitations."
	TextPendingInvites   = "Pending invitations"
	TextChooseNewOwner   = "Choose the new owner"
	TextChooseOwnerFirst = "Choose the member who becomes the owner."
	TextAuditLog         = "Audit log"
	TextLeaveWorkspace   = "Leave workspace"
	TextTransferOwner    = "Transfer ownership"
	TextNothingRecorded  = "Nothing recorded yet."
	TextOlderEntries     = "Load older entries"
	TextReceived         = "Invitations for you"
	TextAccept           = "Accept"
	TextDecline          = "Decline"
)

// ReceivedRow is an invitation the account received, to answer.
type ReceivedRow struct {
	ID, WorkspaceID string
	// Text says who invited to which workspace, with which role, until
	// when.
	Text            string
	Accept, Decline Control
}

// received are the account's invitations to answer.
func (s Snapshot) received(d Dates) []ReceivedRow {
	action := s.ServerAction()
	var out []ReceivedRow
	for _, in := range s.View.Invited {
		role := "a member"
		if in.Role == RoleAdmin {
			role = "an admin"
		}
		out = append(out, ReceivedRow{ID: in.ID, WorkspaceID: in.WorkspaceID, Accept: action, Decline: action,
			Text: in.InvitedBy + " invited you to join " + in.Workspace + " as " + role + " · until " + d.Time(in.Expires)})
	}
	return out
}

// WorkspacesView is the Workspaces screen: the invitations the account
// received, a card per workspace, creating one and joining one
// (everything online only).
type WorkspacesView struct {
	// Received are the invitations to answer (TextReceived heads them).
	Received []ReceivedRow
	Cards    []WorkspaceCard
	// Empty is shown when the account is in none ("" otherwise).
	Empty          string
	Create, Accept Control
}

// WorkspaceCard is one workspace with its members and what the account
// may do there.
type WorkspaceCard struct {
	ID, Name string
	// Role is "Your role: admin".
	Role    string
	Members []MemberRow
	// Invite is the invitation form, nil unless the account manages the
	// workspace (owners and admins).
	Invite *InviteForm
	// Invitations are the pending ones (managers see them); NoInvitations
	// is said when there are none and the account manages the workspace.
	Invitations   []InvitationRow
	NoInvitations string
	// AuditLog opens the log (managers; nil otherwise).
	AuditLog *Control
	// Transfer hands the workspace to another member (the owner, when
	// there is another member; nil otherwise).
	Transfer *TransferForm
	// Delete deletes the workspace (the owner); Leave leaves it (everyone
	// else: RemoveMember of Me). One of them is nil.
	Delete, Leave *Button
	Me            string
}

// MemberRow is one member.
type MemberRow struct {
	AccountID string
	// Name is the display name, "(you)" added for the account itself.
	Name, Email, Role string
	// SetRole makes an admin a member or a member an admin (the owner
	// sees it on everyone else; nil otherwise).
	SetRole *RoleChange
}

// RoleChange is the button that changes a member's role.
type RoleChange struct {
	To string
	// Text is the button's ("Make admin"); Label, for screen readers,
	// begins with it and says whom it is for ("Make admin: Ada Lovelace").
	Text, Label string
	Control
}

// InviteForm invites someone by email with a role.
type InviteForm struct {
	Roles []RoleOption
	Send  Control
}

// RoleOption is one choice of the role picker.
type RoleOption struct{ Value, Label string }

// InvitationRow is one pending invitation.
type InvitationRow struct {
	ID, Email, Text string
	Withdraw        Control
}

// TransferForm picks the new owner.
type TransferForm struct {
	Candidates []RoleOption
	Transfer   Control
}

// Button is an action with its text.
type Button struct {
	Text string
	Control
}

// inviteRoles are what an invitation may offer (ownership is transferred,
// never invited).
var inviteRoles = []RoleOption{{RoleMember, "Member"}, {RoleAdmin, "Admin"}}

// Workspaces is the Workspaces screen.
func (s Snapshot) Workspaces(d Dates) WorkspacesView {
	action := s.ServerAction()
	v := WorkspacesView{Create: action, Accept: action, Received: s.received(d)}
	for _, ws := range s.View.Workspaces {
		v.Cards = append(v.Cards, s.workspaceCard(ws, d, action))
	}
	if len(v.Cards) == 0 {
		v.Empty = TextNoWorkspaces
	}
	return v
}

func (s Snapshot) workspaceCard(ws model.Workspace, d Dates, action Control) WorkspaceCard {
	me := s.View.Profile.AccountID
	owner := ws.Role == RoleOwner
	c := WorkspaceCard{ID: ws.ID, Name: ws.Name, Role: "Your role: " + ws.Role, Me: me}
	var others []RoleOption
	for _, m := range ws.Members {
		row := MemberRow{AccountID: m.AccountID, Name: m.DisplayName, Email: m.Email, Role: m.Role}
		if m.AccountID == me {
			row.Name += " (you)"
		} else {
			others = append(others, RoleOption{m.AccountID, m.DisplayName + " <" + m.Email + ">"})
			if owner {
				row.SetRole = &RoleChange{To: RoleAdmin, Text: "Make admin", Label: "Make admin: " + m.DisplayName, Control: action}
				if m.Role == RoleAdmin {
					row.SetRole = &RoleChange{To: RoleMember, Text: "Make member", Label: "Make member: " + m.DisplayName, Control: action}
				}
			}
		}
		c.Members = append(c.Members, row)
	}
	if ManagesWorkspace(ws.Role) {
		c.Invite = &InviteForm{Roles: inviteRoles, Send: action}
		for _, in := range ws.Invitations {
			c.Invitations = append(c.Invitations, InvitationRow{ID: in.ID, Email: in.Email, Withdraw: action,
				Text: in.Email + " · " + in.Role + " · invited by " + in.InvitedBy + " · link works until " + d.Time(in.Expires)})
		}
		if len(c.Invitations) == 0 {
			c.NoInvitations = TextNoInvitations
		}
		audit := action
		c.AuditLog = &audit
	}
	if owner {
		if len(others) > 0 {
			c.Transfer = &TransferForm{Candidates: others, Transfer: action}
		}
		c.Delete = &Button{Text: "Delete workspace " + ws.Name, Control: action}
	} else {
		c.Leave = &Button{Text: TextLeaveWorkspace, Control: action}
	}
	return c
}

// CanAudit reports whether the account may read workspace id's audit log
// (an open log closes when it no longer may).
func (s Snapshot) CanAudit(id string) bool {
	for _, ws := range s.View.Workspaces {
		if ws.ID == id {
			return ManagesWorkspace(ws.Role)
		}
	}
	return false
}

// AuditLogView is a workspace's audit log, a page at a time, newest first.
type AuditLogView struct {
	Title string
	// Status is TextLoading, the error, or what the log holds.
	Status  string
	Entries []AuditRow
	// Empty is said when the log has no entry ("" otherwise, and while
	// loading).
	Empty string
	// More: older entries can be loaded.
	More bool
}

// AuditRow is one entry.
type AuditRow struct {
	Action string
	At     time.Time
	When   string
	Text   string
}

// AuditLogPages is what a client has read of one workspace's audit log.
// Start it with OpenAuditLog, load pages with Before, record them with
// Add, and show View.
type AuditLogPages struct {
	Workspace, Name string
	entries         []model.AuditEntry
	next            uint64
	loaded          bool
	retention       int
	err             error
}

// OpenAuditLog starts reading workspace id's log.
func OpenAuditLog(id, name string) *AuditLogPages { return &AuditLogPages{Workspace: id, Name: name} }

// Before is where the next page starts (0: the newest).
func (a *AuditLogPages) Before() uint64 { return a.next }

// Add records the answer to a page's request.
func (a *AuditLogPages) Add(p AuditPage, err error) {
	a.err = err
	if err != nil {
		return
	}
	a.entries = append(a.entries, p.Entries...)
	a.next, a.loaded, a.retention = p.Next, true, p.RetentionDays
}

// View is the log as shown.
func (a *AuditLogPages) View(d Dates) AuditLogView {
	v := AuditLogView{Title: "Audit log: " + a.Name, Status: TextLoading, More: a.next != 0}
	for _, e := range a.entries {
		v.Entries = append(v.Entries, AuditRow{Action: e.Action, At: e.At, When: d.Time(e.At), Text: e.Summary})
	}
	switch {
	case a.err != nil:
		v.Status = UserMessage(a.err)
	case a.loaded:
		v.Status = "Every workspace action, newest first, with who did it (by their current name). Entries are kept for " + strconv.Itoa(a.retention) + " days."
	}
	if a.loaded && len(v.Entries) == 0 {
		v.Empty = TextNothingRecorded
	}
	return v
}
