package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/dialnexa/account/server/internal/store/migrations"
)

// Postgres is the store on a PostgreSQL database, for several server nodes
// sharing one database. Transactions run at READ COMMITTED; in a write
// transaction every single-record read (account, session, workspace, link)
// locks the record until commit, so read-modify-write never loses an
// update and a single-use link is used once.
type Postgres struct {
	pool *pgxpool.Pool
}

// defaultMaxConns is how many connections a node opens to PostgreSQL at
// most, unless the address says (pool_max_conns): three nodes stay well
// under PostgreSQL's default of 100.
const defaultMaxConns = 20

// OpenPostgres connects to the database at url (postgres://…), applies the
// embedded schema migrations that are missing (one node at a time, under
// an advisory lock) and refuses a database whose schema is newer than this
// server knows.
func OpenPostgres(ctx context.Context, url string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database address: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns=") {
		// pgxpool's default (the number of CPUs, at least 4) queues a
		// node's requests behind a handful of commits waiting on the
		// disk; the address's pool_max_conns overrides this.
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to the database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to the database %s@%s/%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Postgres{pool: pool}, nil
}

// migrate brings the schema up to date, refusing a newer one.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("schema migrations: %w", err)
	}
	known := int64(0)
	for _, s := range p.ListSources() {
		known = max(known, s.Version)
	}
	if have, err := schemaVersion(ctx, db); err != nil {
		return err
	} else if have > known {
		return fmt.Errorf("the database schema is version %d, newer than this server knows (%d): run the newer server, or restore a backup made for this version", have, known)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply schema migrations: %w", err)
	}
	return nil
}

// schemaVersion is the highest applied migration (0 before the first).
func schemaVersion(ctx context.Context, db *sql.DB) (int64, error) {
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT to_regclass('goose_db_version') IS NOT NULL").Scan(&exists); err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT max(version_id) FROM goose_db_version WHERE is_applied").Scan(&v); err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	return v.Int64, nil
}

// Dump calls fn with every row of every table as JSON (for tests that
// check what is stored), the table's name as the key.
func (s *Postgres) Dump(fn func(table, key, value []byte)) error {
	ctx := context.Background()
	rows, err := s.pool.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, table := range tables {
		rows, err := s.pool.Query(ctx, "SELECT row_to_json(t)::text FROM "+pgx.Identifier{table}.Sanitize()+" t")
		if err != nil {
			return err
		}
		values, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, v := range values {
			fn([]byte(table), []byte(table), []byte(v))
		}
	}
	return nil
}

// Close closes the connections.
func (s *Postgres) Close() error {
	s.pool.Close()
	return nil
}

// Update runs fn in a read-write transaction, committed when fn returns nil.
func (s *Postgres) Update(ctx context.Context, fn func(Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		return fn(&pgTx{ctx: ctx, tx: tx, write: true})
	})
}

// Batch is Update: PostgreSQL commits concurrent transactions together on
// its own (group commit in the write-ahead log).
func (s *Postgres) Batch(ctx context.Context, fn func(Tx) error) error { return s.Update(ctx, fn) }

// View runs fn in a read-only transaction; its writes fail.
func (s *Postgres) View(ctx context.Context, fn func(Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return fn(&pgTx{ctx: ctx, tx: tx})
	})
}

// pgTx is one transaction. Every method uses the context it was begun with.
type pgTx struct {
	ctx   context.Context
	tx    pgx.Tx
	write bool
}

// forUpdate locks what a write transaction reads.
func (t *pgTx) forUpdate() string {
	if t.write {
		return " FOR UPDATE"
	}
	return ""
}

func (t *pgTx) exec(sql string, args ...any) error {
	_, err := t.tx.Exec(t.ctx, sql, args...)
	return err
}

// doc reads one JSON document into v; no row is ErrNotFound.
func (t *pgTx) doc(v any, sql string, args ...any) error {
	var b []byte
	if err := t.tx.QueryRow(t.ctx, sql, args...).Scan(&b); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		return err
	}
	return decodeRecord(b, v)
}

// docs reads every row's JSON document, in order, with T made by each.
func docs[T any](t *pgTx, sql string, args ...any) ([]T, error) {
	rows, err := t.tx.Query(t.ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) {
		var v T
		var b []byte
		if err := r.Scan(&b); err != nil {
			return v, err
		}
		return v, decodeRecord(b, &v)
	})
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func (t *pgTx) Account(id string) (Account, error) {
	var a Account
	return a, t.doc(&a, "SELECT doc FROM accounts WHERE id = $1"+t.forUpdate(), id)
}

func (t *pgTx) AccountByEmail(email string) (Account, error) {
	var a Account
	return a, t.doc(&a, "SELECT doc FROM accounts WHERE email = $1"+t.forUpdate(), email)
}

func (t *pgTx) CreateAccount(a Account) error {
	tag, err := t.tx.Exec(t.ctx, "INSERT INTO accounts (id, email, doc) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING", a.ID, a.Email, a)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrEmailTaken
	}
	return nil
}

func (t *pgTx) PutAccount(a Account) error {
	tag, err := t.tx.Exec(t.ctx, "UPDATE accounts SET doc = $3 WHERE id = $1 AND email = $2", a.ID, a.Email, a)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("put account %s: email %q is not registered to it", a.ID, a.Email)
	}
	return nil
}

func (t *pgTx) ChangeEmail(a *Account, email string) error {
	var holder string
	err := t.tx.QueryRow(t.ctx, "SELECT id FROM accounts WHERE email = $1", email).Scan(&holder)
	switch {
	case err == nil && holder == a.ID:
		return nil
	case err == nil:
		return ErrEmailTaken
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	moved := *a
	moved.Email = email
	if err := t.exec("UPDATE accounts SET email = $2, doc = $3 WHERE id = $1", a.ID, email, moved); err != nil {
		if isUnique(err) {
			return ErrEmailTaken
		}
		return err
	}
	if err := t.bindAuditAddress(a.Email, a.ID); err != nil {
		return err
	}
	a.Email = email
	return nil
}

func (t *pgTx) ClaimPasskey(credentialID, accountID string) error {
	// Inserted, or already the account's: one row back. Another account's
	// (committed, or committing concurrently: the insert waits for it):
	// none.
	var n int
	err := t.tx.QueryRow(t.ctx, `WITH claimed AS (
		INSERT INTO passkey_credentials (credential_id, account_id) VALUES ($1, $2)
		ON CONFLICT (credential_id) DO UPDATE SET account_id = EXCLUDED.account_id
		WHERE passkey_credentials.account_id = EXCLUDED.account_id
		RETURNING 1)
		SELECT count(*) FROM claimed`, credentialID, accountID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrPasskeyTaken
	}
	return nil
}

func (t *pgTx) ReleasePasskey(credentialID string) error {
	return t.exec("DELETE FROM passkey_credentials WHERE credential_id = $1", credentialID)
}

func (t *pgTx) AccountIDsAfter(after string, limit int) ([]string, error) {
	rows, err := t.tx.Query(t.ctx, "SELECT id FROM accounts WHERE id > $1 ORDER BY id LIMIT $2", after, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func (t *pgTx) PutAvatar(accountID string, png []byte) error {
	return t.exec("INSERT INTO avatars (account_id, png) VALUES ($1, $2) ON CONFLICT (account_id) DO UPDATE SET png = EXCLUDED.png", accountID, png)
}

func (t *pgTx) Avatar(accountID string) ([]byte, error) {
	var png []byte
	err := t.tx.QueryRow(t.ctx, "SELECT png FROM avatars WHERE account_id = $1", accountID).Scan(&png)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return png, err
}

func (t *pgTx) DeleteAvatar(accountID string) error {
	return t.exec("DELETE FROM avatars WHERE account_id = $1", accountID)
}

// DeleteAccount removes everything of the account (see Accounts).
func (t *pgTx) DeleteAccount(a Account, reason string, at time.Time) ([]string, error) {
	sessions, err := t.Sessions(a.ID)
	if err != nil {
		return nil, err
	}
	var ended []string
	for _, s := range sessions {
		if err := t.EndSession(s.ID, reason, at); err != nil {
			return nil, err
		}
		ended = append(ended, s.ID)
	}
	if err := t.forgetInAudit(a); err != nil {
		return nil, err
	}
	for _, table := range []string{"client_mutations", "devices", "links", "events", "activity", "notifications", "calls", "resources", "avatars", "memberships", "passkey_credentials"} {
		if err := t.exec("DELETE FROM "+table+" WHERE account_id = $1", a.ID); err != nil {
			return nil, err
		}
	}
	if err := t.exec("DELETE FROM accounts WHERE id = $1", a.ID); err != nil {
		return nil, err
	}
	return ended, t.moveJobCursors(a.ID)
}

// moveJobCursors moves the jobs whose position names the deleted account
// id (see moveCursor).
func (t *pgTx) moveJobCursors(id string) error {
	jobs, err := docs[Job](t, "SELECT doc FROM jobs WHERE doc->>'cursor' = $1 OR starts_with(doc->>'cursor', $1 || '/') FOR UPDATE", id)
	if err != nil || len(jobs) == 0 {
		return err
	}
	var prev string
	if err := t.tx.QueryRow(t.ctx, "SELECT coalesce(max(id), '') FROM accounts WHERE id < $1", id).Scan(&prev); err != nil {
		return err
	}
	for _, j := range jobs {
		if moveCursor(&j, id, prev) {
			if err := t.PutJob(j); err != nil {
				return err
			}
		}
	}
	return nil
}

// bindAuditAddress binds the entries naming the address email to the
// account id (see AuditEntry), moving them in audit_subjects.
func (t *pgTx) bindAuditAddress(email, id string) error {
	entries, err := docs[AuditEntry](t, "SELECT doc FROM audit WHERE seq IN (SELECT seq FROM audit_subjects WHERE subject = $1) ORDER BY seq FOR UPDATE", email)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.bind(email, id) {
			continue
		}
		if err := t.exec("UPDATE audit SET doc = $2 WHERE seq = $1", e.Seq, e); err != nil {
			return err
		}
		if err := t.exec("UPDATE audit_subjects SET subject = $2 WHERE subject = $1 AND seq = $3 AND NOT EXISTS (SELECT 1 FROM audit_subjects WHERE subject = $2 AND seq = $3)", email, id, int64(e.Seq)); err != nil {
			return err
		}
		if err := t.exec("DELETE FROM audit_subjects WHERE subject = $1 AND seq = $2", email, int64(e.Seq)); err != nil {
			return err
		}
	}
	return nil
}

// forgetInAudit makes the audit entries naming a (by id or address) name
// "a deleted account" instead.
func (t *pgTx) forgetInAudit(a Account) error {
	entries, err := docs[AuditEntry](t, "SELECT doc FROM audit WHERE seq IN (SELECT seq FROM audit_subjects WHERE subject = ANY($1)) ORDER BY seq FOR UPDATE", []string{a.ID, a.Email})
	if err != nil {
		return err
	}
	for _, e := range entries {
		e.forget(a)
		if err := t.exec("UPDATE audit SET doc = $2 WHERE seq = $1", e.Seq, e); err != nil {
			return err
		}
	}
	return t.exec("DELETE FROM audit_subjects WHERE subject = ANY($1)", []string{a.ID, a.Email})
}

// Notify sends a notification on channel when the transaction commits
// (PostgreSQL's NOTIFY: none if it rolls back).
func (t *pgTx) Notify(channel, payload string) error {
	return t.exec("SELECT pg_notify($1, $2)", channel, payload)
}
