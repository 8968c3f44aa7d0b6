package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// target is who an audit entry is about: an account or an invited address.
type target struct {
	id, email, name string
}

func targetAccount(a store.Account) target { return target{id: a.ID, name: a.DisplayName} }

// audit records, inside tx, that actor did action in workspace wsID.
func audit(tx store.Tx, wsID string, actor store.Account, action string, t target, role string, now time.Time) error {
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

func (n *auditNames) person(id, email, recorded string) account.AuditPerson {
	if id == "" {
		return account.AuditPerson{DisplayName: recorded, Email: email}
	}
	name, ok := n.names[id]
	if !ok {
		if a, err := n.tx.Account(id); err == nil {
			name = a.DisplayName
		}
		n.names[id] = name
	}
	if name == "" {
		return account.AuditPerson{DisplayName: store.DeletedAccountName}
	}
	return account.AuditPerson{AccountID: id, DisplayName: name}
}

type auditPage struct {
	Entries []account.AuditEntry `json:"entries"`
	// Next is the before= of the next (older) page; 0 when there is none.
	Next uint64 `json:"next"`
	// RetentionDays is how long entries are kept.
	RetentionDays int `json:"retentionDays"`
}

// workspaceAudit is GET /v1/workspaces/{id}/audit?before=N (owner or
// admin): the workspace's audit log, newest first, a page at a time.
func (s *Server) workspaceAudit(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var before uint64
	if b := r.URL.Query().Get("before"); b != "" {
		n, err := strconv.ParseUint(b, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, errInvalid("before must be the next value of the previous page."))
			return
		}
		before = n
	}
	page := auditPage{Entries: []account.AuditEntry{}, RetentionDays: int(account.AuditRetention / (24 * time.Hour))}
	err := s.store.View(r.Context(), func(tx store.Tx) error {
		ws, err := tx.Workspace(r.PathValue("id"))
		if err != nil {
			return err
		}
		switch ws.Role(ss.AccountID) {
		case "":
			return store.ErrNotFound
		case store.RoleMember:
			return errNotAllowed
		}
		entries, err := tx.Audit(ws.ID, before, account.AuditPage+1)
		if err != nil {
			return err
		}
		if len(entries) > account.AuditPage {
			entries = entries[:account.AuditPage]
			page.Next = entries[len(entries)-1].Seq
		}
		people := &auditNames{tx: tx, names: map[string]string{}}
		for _, e := range entries {
			v := account.AuditEntry{Seq: e.Seq, At: e.At, Action: e.Action, Role: e.Detail,
				Actor:  people.person(e.ActorID, "", e.ActorName),
				Target: people.person(e.TargetID, e.TargetEmail, e.TargetName)}
			v.Summary = account.AuditSummary(v)
			page.Entries = append(page.Entries, v)
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, errNotFound("No such workspace."))
	case errors.Is(err, errNotAllowed):
		writeError(w, http.StatusForbidden, wire.Errorf(wire.CodeForbidden, "Only the owner and admins can see the audit log."))
	case err != nil:
		s.fail(w, "read audit log", err)
	default:
		writeJSON(w, http.StatusOK, page)
	}
}

// pruneAudit deletes audit entries older than account.AuditRetention, in
// batches so no transaction grows large.
func (s *Server) pruneAudit() error {
	cut := s.now().Add(-account.AuditRetention)
	for {
		var n int
		err := s.store.Update(s.life, func(tx store.Tx) (err error) { n, err = tx.PruneAudit(cut, 1000); return })
		if err != nil || n < 1000 {
			return err
		}
	}
}
