package store

import (
	"cmp"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

func (t *pgTx) Session(id string) (Session, error) {
	var s Session
	return s, t.doc(&s, "SELECT doc FROM sessions WHERE id = $1"+t.forUpdate(), id)
}

func (t *pgTx) SessionByToken(hash string) (Session, error) {
	var s Session
	err := t.doc(&s, "SELECT doc FROM sessions WHERE token_hash = $1"+t.forUpdate(), hash)
	if !errors.Is(err, ErrNotFound) {
		return s, err
	}
	e := new(EndedError)
	if err := t.doc(e, "SELECT doc FROM ended_sessions WHERE token_hash = $1", hash); err != nil {
		return Session{}, err
	}
	return Session{}, e
}

func (t *pgTx) Sessions(accountID string) ([]Session, error) {
	return docs[Session](t, "SELECT doc FROM sessions WHERE account_id = $1 ORDER BY created, id", accountID)
}

func (t *pgTx) PutSession(s Session) error {
	return t.exec(`INSERT INTO sessions (id, account_id, token_hash, created, doc) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET token_hash = EXCLUDED.token_hash, doc = EXCLUDED.doc`, s.ID, s.AccountID, s.TokenHash, s.Created, s)
}

func (t *pgTx) EndSession(id, reason string, at time.Time) error {
	s, err := t.Session(id)
	if err != nil {
		return err
	}
	doc := EndedError{Reason: reason, At: at}
	if err := t.exec("DELETE FROM sessions WHERE id = $1", id); err != nil {
		return err
	}
	if err := t.exec("INSERT INTO ended_sessions (token_hash, doc) VALUES ($1, $2) ON CONFLICT (token_hash) DO UPDATE SET doc = EXCLUDED.doc", s.TokenHash, doc); err != nil {
		return err
	}
	return endApp(t, s, at)
}

func (t *pgTx) KnownDevice(accountID, deviceHash string) (bool, error) {
	var known bool
	err := t.tx.QueryRow(t.ctx, "SELECT EXISTS (SELECT 1 FROM devices WHERE account_id = $1 AND device_hash = $2)", accountID, deviceHash).Scan(&known)
	return known, err
}

func (t *pgTx) AddDevice(accountID, deviceHash string, at time.Time) error {
	return t.exec("INSERT INTO devices (account_id, device_hash, first_seen) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", accountID, deviceHash, at)
}

func (t *pgTx) HasDevices(accountID string) (bool, error) {
	var has bool
	err := t.tx.QueryRow(t.ctx, "SELECT EXISTS (SELECT 1 FROM devices WHERE account_id = $1)", accountID).Scan(&has)
	return has, err
}

func (t *pgTx) LastMutationID(accountID, clientID string) (uint64, error) {
	var id int64
	err := t.tx.QueryRow(t.ctx, "SELECT last_id FROM client_mutations WHERE account_id = $1 AND client_id = $2", accountID, clientID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return uint64(id), err
}

func (t *pgTx) SetLastMutationID(accountID, clientID string, id uint64) error {
	return t.exec(`INSERT INTO client_mutations (account_id, client_id, last_id) VALUES ($1, $2, $3)
		ON CONFLICT (account_id, client_id) DO UPDATE SET last_id = EXCLUDED.last_id`, accountID, clientID, int64(id))
}

func (t *pgTx) PutToken(hash string, tok Token) error {
	return t.exec("INSERT INTO links (hash, account_id, doc) VALUES ($1, $2, $3) ON CONFLICT (hash) DO UPDATE SET account_id = EXCLUDED.account_id, doc = EXCLUDED.doc", hash, tok.AccountID, tok)
}

func (t *pgTx) Token(hash string) (Token, error) {
	var tok Token
	return tok, t.doc(&tok, "SELECT doc FROM links WHERE hash = $1"+t.forUpdate(), hash)
}

func (t *pgTx) DeleteToken(hash string) error {
	return t.exec("DELETE FROM links WHERE hash = $1", hash)
}

// putSeq stores a numbered per-account document.
func (t *pgTx) putSeq(table, accountID string, seq uint64, v any) error {
	return t.exec("INSERT INTO "+table+" (account_id, seq, doc) VALUES ($1, $2, $3) ON CONFLICT (account_id, seq) DO UPDATE SET doc = EXCLUDED.doc", accountID, int64(seq), v)
}

func (t *pgTx) AddEvent(a *Account, kind string, payload []byte, at time.Time) (Event, error) {
	a.EventSeq++
	e := Event{Seq: a.EventSeq, Kind: kind, Payload: payload, Created: at}
	return e, t.putSeq("events", a.ID, e.Seq, e)
}

func (t *pgTx) EventsAfter(accountID string, seq uint64, limit int) ([]Event, error) {
	return docs[Event](t, "SELECT doc FROM events WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3", accountID, int64(seq), limit)
}

func (t *pgTx) AddActivity(a *Account, kind, detail string, at time.Time) error {
	a.ActivitySeq++
	return t.putSeq("activity", a.ID, a.ActivitySeq, Activity{Seq: a.ActivitySeq, Kind: kind, Detail: detail, At: at})
}

func (t *pgTx) Activity(accountID string, limit int) ([]Activity, error) {
	return docs[Activity](t, "SELECT doc FROM activity WHERE account_id = $1 ORDER BY seq DESC LIMIT $2", accountID, limit)
}

func (t *pgTx) putNotification(accountID string, n Notification) error {
	return t.exec("INSERT INTO notifications (account_id, id, doc) VALUES ($1, $2, $3) ON CONFLICT (account_id, id) DO UPDATE SET doc = EXCLUDED.doc", accountID, int64(n.ID), n)
}

func (t *pgTx) AddNotification(a *Account, n Notification) (Notification, error) {
	a.NotifSeq++
	a.Unread++
	n.ID, n.Read = a.NotifSeq, false
	return n, t.putNotification(a.ID, n)
}

func (t *pgTx) Notifications(accountID string, limit int) ([]Notification, error) {
	return docs[Notification](t, "SELECT doc FROM notifications WHERE account_id = $1 ORDER BY id DESC LIMIT $2", accountID, limit)
}

func (t *pgTx) MarkRead(a *Account, from, to uint64) error {
	ns, err := docs[Notification](t, "SELECT doc FROM notifications WHERE account_id = $1 AND id BETWEEN $2 AND $3 ORDER BY id FOR UPDATE", a.ID, int64(from), int64(to))
	if err != nil {
		return err
	}
	changed := 0
	for _, n := range ns {
		if n.Read {
			continue
		}
		n.Read = true
		if err := t.putNotification(a.ID, n); err != nil {
			return err
		}
		changed++
	}
	a.Unread = max(a.Unread-changed, 0)
	return nil
}

func (t *pgTx) AddCall(accountID, agentID string, at time.Time, failed bool) error {
	return t.exec("INSERT INTO calls (account_id, agent_id, at, failed) VALUES ($1, $2, $3, $4)", accountID, agentID, at, failed)
}

func (t *pgTx) CallStats(accountID, agentID string, since time.Time) (int, int, error) {
	var calls, failed int
	err := t.tx.QueryRow(t.ctx, "SELECT count(*), count(*) FILTER (WHERE failed) FROM calls WHERE account_id = $1 AND agent_id = $2 AND at >= $3", accountID, agentID, since).Scan(&calls, &failed)
	return calls, failed, err
}

func (t *pgTx) PutResource(accountID string, r Resource) error {
	return t.exec("INSERT INTO resources (account_id, kind, id, doc) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, kind, id) DO UPDATE SET doc = EXCLUDED.doc", accountID, r.Kind, r.ID, r)
}

func (t *pgTx) Resources(accountID string) ([]Resource, error) {
	return docs[Resource](t, "SELECT doc FROM resources WHERE account_id = $1 ORDER BY kind, id", accountID)
}

func (t *pgTx) PutWorkspace(w Workspace, before *Workspace) error {
	if err := t.exec("INSERT INTO workspaces (id, created, doc) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc", w.ID, w.Created, w); err != nil {
		return err
	}
	if err := t.exec("DELETE FROM memberships WHERE workspace_id = $1", w.ID); err != nil {
		return err
	}
	for _, m := range w.Members {
		if err := t.exec("INSERT INTO memberships (account_id, workspace_id, role) VALUES ($1, $2, $3)", m.AccountID, w.ID, m.Role); err != nil {
			return err
		}
	}
	return nil
}

func (t *pgTx) Workspace(id string) (Workspace, error) {
	var w Workspace
	return w, t.doc(&w, "SELECT doc FROM workspaces WHERE id = $1"+t.forUpdate(), id)
}

func (t *pgTx) DeleteWorkspace(w Workspace) error {
	return t.exec("DELETE FROM workspaces WHERE id = $1", w.ID) // memberships cascade
}

func (t *pgTx) Workspaces(accountID string) ([]Workspace, error) {
	return docs[Workspace](t, `SELECT w.doc FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
		WHERE m.account_id = $1 ORDER BY w.created, w.id`, accountID)
}

func (t *pgTx) AddAudit(e AuditEntry) (AuditEntry, error) {
	var seq int64
	err := t.tx.QueryRow(t.ctx, `INSERT INTO audit (seq, workspace_id, at, doc)
		SELECT n, $1, $2, jsonb_set($3::jsonb, '{seq}', to_jsonb(n)) FROM nextval(pg_get_serial_sequence('audit', 'seq')) AS n
		RETURNING seq`, e.WorkspaceID, e.At, e).Scan(&seq)
	if err != nil {
		return e, err
	}
	e.Seq = uint64(seq)
	return e, t.indexSubjects(e)
}

// indexSubjects records the accounts and addresses e names.
func (t *pgTx) indexSubjects(e AuditEntry) error {
	return t.exec("INSERT INTO audit_subjects (subject, seq) SELECT DISTINCT unnest($1::text[]), $2::bigint ON CONFLICT DO NOTHING", e.subjects(), int64(e.Seq))
}

func (t *pgTx) Audit(workspaceID string, before uint64, limit int) ([]AuditEntry, error) {
	if before == 0 {
		return docs[AuditEntry](t, "SELECT doc FROM audit WHERE workspace_id = $1 ORDER BY seq DESC LIMIT $2", workspaceID, limit)
	}
	return docs[AuditEntry](t, "SELECT doc FROM audit WHERE workspace_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3", workspaceID, int64(before), limit)
}

func (t *pgTx) PruneAudit(before time.Time, limit int) (int, error) {
	tag, err := t.tx.Exec(t.ctx, "DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE at < $1 ORDER BY at, seq LIMIT $2)", before, limit)
	return int(tag.RowsAffected()), err // subjects cascade
}

func (t *pgTx) Enqueue(m Mail) error {
	return t.exec(`INSERT INTO outbox (id, next, doc)
		SELECT n, $1, jsonb_set($2::jsonb, '{id}', to_jsonb(n)) FROM nextval(pg_get_serial_sequence('outbox', 'id')) AS n`, m.Next, m)
}

func (t *pgTx) DueMail(now time.Time, limit int) ([]Mail, error) {
	return docs[Mail](t, "SELECT doc FROM outbox WHERE next <= $1 ORDER BY next, id LIMIT $2", now, limit)
}

// ClaimMail skips mail another transaction is claiming (SKIP LOCKED), so
// workers on several nodes claim disjoint batches.
func (t *pgTx) ClaimMail(now, until time.Time, limit int) ([]Mail, error) {
	ms, err := docs[Mail](t, `UPDATE outbox SET next = $2, doc = jsonb_set(doc, '{next}', to_jsonb($2::timestamptz))
		WHERE id IN (SELECT id FROM outbox WHERE next <= $1 ORDER BY next, id LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING doc`, now, until, limit)
	slices.SortFunc(ms, func(a, b Mail) int { return cmp.Compare(a.ID, b.ID) })
	return ms, err
}

func (t *pgTx) PutMail(m Mail) error {
	tag, err := t.tx.Exec(t.ctx, "UPDATE outbox SET next = $2, doc = $3 WHERE id = $1", int64(m.ID), m.Next, m)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNotFound
	}
	return err
}

func (t *pgTx) OutboxStats() (int, time.Time, error) {
	var n int
	var oldest *time.Time
	err := t.tx.QueryRow(t.ctx, "SELECT count(*), min((doc->>'created')::timestamptz) FROM outbox").Scan(&n, &oldest)
	if err != nil || oldest == nil {
		return n, time.Time{}, err
	}
	return n, *oldest, nil
}

func (t *pgTx) DeleteMail(id uint64) error {
	return t.exec("DELETE FROM outbox WHERE id = $1", int64(id))
}
