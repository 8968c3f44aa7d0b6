package model

import (
	"fmt"
	"strings"
	"time"
)

// Workspace audit log actions.
const (
	AuditWorkspaceCreated     = "workspace_created"
	AuditInvitationSent       = "invitation_sent"
	AuditInvitationWithdrawn  = "invitation_withdrawn"
	AuditInvitationAccepted   = "invitation_accepted"
	AuditInvitationDeclined   = "invitation_declined"
	AuditRoleChanged          = "role_changed"
	AuditMemberRemoved        = "member_removed"
	AuditMemberLeft           = "member_left"
	AuditOwnershipTransferred = "ownership_transferred"
	AuditWorkspaceDeleted     = "workspace_deleted"
)

// AuditRetention is how long a workspace's audit log keeps an entry.
const AuditRetention = 365 * 24 * time.Hour

// AuditPage is how many audit entries one page holds.
const AuditPage = 50

// AuditEntry is one action in a workspace's audit log, as owners and
// admins see it: names are the accounts' current display names.
type AuditEntry struct {
	Seq    uint64      `json:"seq"`
	At     time.Time   `json:"at"`
	Action string      `json:"action"`
	Actor  AuditPerson `json:"actor"`
	Target AuditPerson `json:"target,omitzero"`
	// Role is the role an invitation offers or a change gives.
	Role string `json:"role,omitempty"`
	// Summary says it in one sentence.
	Summary string `json:"summary"`
}

// AuditPerson is who acted or was acted upon: an account (AccountID set,
// or neither set when it was deleted) or an invited address.
type AuditPerson struct {
	AccountID   string `json:"accountId,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Email       string `json:"email,omitempty"`
}

// Name is how a sentence names the person.
func (p AuditPerson) Name() string {
	switch {
	case p.DisplayName != "":
		return p.DisplayName
	case p.Email != "":
		return p.Email
	}
	return "someone"
}

// AuditSummary says what an entry records in one sentence.
func AuditSummary(e AuditEntry) string {
	s := auditSummary(e)
	if rest, ok := strings.CutPrefix(s, "a deleted account"); ok {
		return "A deleted account" + rest
	}
	return s
}

func auditSummary(e AuditEntry) string {
	a, t := e.Actor.Name(), e.Target.Name()
	switch e.Action {
	case AuditWorkspaceCreated:
		return a + " created the workspace."
	case AuditInvitationSent:
		return fmt.Sprintf("%s invited %s as %s.", a, t, e.Role)
	case AuditInvitationWithdrawn:
		return fmt.Sprintf("%s withdrew the invitation of %s.", a, t)
	case AuditInvitationAccepted:
		return fmt.Sprintf("%s accepted an invitation from %s and joined as %s.", a, t, e.Role)
	case AuditInvitationDeclined:
		return fmt.Sprintf("%s declined an invitation from %s.", a, t)
	case AuditRoleChanged:
		return fmt.Sprintf("%s made %s %s.", a, t, article(e.Role))
	case AuditMemberRemoved:
		return fmt.Sprintf("%s removed %s from the workspace.", a, t)
	case AuditMemberLeft:
		return a + " left the workspace."
	case AuditOwnershipTransferred:
		return fmt.Sprintf("%s transferred ownership to %s.", a, t)
	case AuditWorkspaceDeleted:
		return a + " deleted the workspace."
	}
	return a + ": " + e.Action
}

func article(role string) string {
	if role == "" {
		return "a member"
	}
	if role[0] == 'a' || role[0] == 'o' {
		return "an " + role
	}
	return "a " + role
}
