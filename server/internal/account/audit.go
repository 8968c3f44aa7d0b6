package account

import (
	"context"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/store"
)

// target is who an audit entry is about: an account or an invited address.
type target struct {
	id, email, name string
}

func targetAccount(a store.Account) target { return target{id: a.ID, name: a.DisplayName} }

// audit records, inside tx, that actor did action in workspace wsID.
func audit(tx store.Workspaces, wsID string, actor store.Account, action string, t target, role string, now time.Time) error {
	_, err := tx.AddAudit(store.AuditEntry{
		WorkspaceID: wsID, At: now, Action: action,
		ActorID: actor.ID, ActorName: actor.DisplayName,
		TargetID: t.id, TargetEmail: t.email, TargetName: t.name, Detail: role,
	})
	return err
}

// auditNames names the people of audit entries: an account by its
// current display name (each looked up once per page), or as recorded
// when the account is gone; an invited address as itself.
type auditNames struct {
	tx    store.Tx
	names map[string]string
}

func (n *auditNames) person(id, email, recorded string) model.AuditPerson {
	if id == "" {
		return model.AuditPerson{DisplayName: recorded, Email: email}
	}
	name, ok := n.names[id]
	if !ok {
		if a, err := n.tx.Account(id); err == nil {
			name = a.DisplayName
		}
		n.names[id] = name
	}
	if name == "" {
		return model.AuditPerson{DisplayName: store.DeletedAccountName}
	}
	return model.AuditPerson{AccountID: id, DisplayName: name}
}

// AuditPage is a page of a workspace's audit log, newest first.
type AuditPage struct {
	Entries []model.AuditEntry `json:"entries"`
	// Next is the before= of the next (older) page; 0 when there is none.
	Next uint64 `json:"next"`
	// RetentionDays is how long entries are kept.
	RetentionDays int `json:"retentionDays"`
}

// WorkspaceAudit returns the page of the workspace's audit log before the
// entry before (0: the newest), for its owner and admins.
func (s *Service) WorkspaceAudit(ctx context.Context, ss store.Session, workspaceID string, before uint64) (AuditPage, error) {
	page := AuditPage{Entries: []model.AuditEntry{}, RetentionDays: int(model.AuditRetention / (24 * time.Hour))}
	err := s.store.View(ctx, func(tx store.Tx) error {
		ws, err := tx.Workspace(workspaceID)
		if err != nil {
			return err
		}
		switch ws.Role(ss.AccountID) {
		case "":
			return store.ErrNotFound
		case store.RoleMember:
			return forbidden("Only the owner and admins can see the audit log.")
		}
		entries, err := tx.Audit(ws.ID, before, model.AuditPage+1)
		if err != nil {
			return err
		}
		if len(entries) > model.AuditPage {
			entries = entries[:model.AuditPage]
			page.Next = entries[len(entries)-1].Seq
		}
		people := &auditNames{tx: tx, names: map[string]string{}}
		for _, e := range entries {
			v := model.AuditEntry{Seq: e.Seq, At: e.At, Action: e.Action, Role: e.Detail,
				Actor:  people.person(e.ActorID, "", e.ActorName),
				Target: people.person(e.TargetID, e.TargetEmail, e.TargetName)}
			v.Summary = model.AuditSummary(v)
			page.Entries = append(page.Entries, v)
		}
		return nil
	})
	if isNotFound(err) {
		return page, errNoSuchWS
	}
	return page, err
}
