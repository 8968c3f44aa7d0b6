package store

import (
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// lockKey serializes, in a write transaction, every transaction touching
// key (a row that may not exist yet cannot be locked with FOR UPDATE).
func (t *pgTx) lockKey(key string) error {
	if !t.write {
		return nil
	}
	return t.exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)
}

func (t *pgTx) Bucket(key string) (Bucket, error) {
	if err := t.lockKey("bucket/" + key); err != nil {
		return Bucket{}, err
	}
	var b Bucket
	err := t.tx.QueryRow(t.ctx, "SELECT tokens, at FROM rate_buckets WHERE key = $1", key).Scan(&b.Tokens, &b.At)
	if errors.Is(err, pgx.ErrNoRows) {
		return Bucket{}, ErrNotFound
	}
	return b, err
}

func (t *pgTx) PutBucket(key string, b Bucket) error {
	return t.exec(`INSERT INTO rate_buckets (key, tokens, at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET tokens = EXCLUDED.tokens, at = EXCLUDED.at`, key, b.Tokens, b.At)
}

func (t *pgTx) Failures(key string) (Failures, error) {
	if err := t.lockKey("failures/" + key); err != nil {
		return Failures{}, err
	}
	var f Failures
	err := t.tx.QueryRow(t.ctx, "SELECT count, last FROM failure_counts WHERE key = $1", key).Scan(&f.Count, &f.Last)
	if errors.Is(err, pgx.ErrNoRows) {
		return Failures{}, nil
	}
	return f, err
}

func (t *pgTx) PutFailures(key string, f Failures) error {
	return t.exec(`INSERT INTO failure_counts (key, count, last) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET count = EXCLUDED.count, last = EXCLUDED.last`, key, f.Count, f.Last)
}

func (t *pgTx) TakeLease(key, holder string, now, until time.Time) (bool, error) {
	tag, err := t.tx.Exec(t.ctx, `INSERT INTO leases (key, holder, until) VALUES ($1, $2, $4)
		ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
		WHERE leases.until <= $3 OR leases.holder = EXCLUDED.holder`, key, holder, now, until)
	return err == nil && tag.RowsAffected() == 1, err
}

func (t *pgTx) DropLease(key, holder string) error {
	return t.exec("DELETE FROM leases WHERE key = $1 AND holder = $2", key, holder)
}

func (t *pgTx) AddJob(j Job) (bool, error) {
	tag, err := t.tx.Exec(t.ctx, `INSERT INTO jobs (id, created, finished, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO NOTHING`, j.ID, j.Created, finishedAt(j), j)
	return err == nil && tag.RowsAffected() == 1, err
}

// finishedAt is the job's finished column: NULL while it runs.
func finishedAt(j Job) *time.Time {
	if j.Finished.IsZero() {
		return nil
	}
	return &j.Finished
}

func (t *pgTx) Job(id string) (Job, error) {
	var j Job
	return j, t.doc(&j, "SELECT doc FROM jobs WHERE id = $1"+t.forUpdate(), id)
}

func (t *pgTx) PutJob(j Job) error {
	return t.exec("UPDATE jobs SET finished = $2, doc = $3 WHERE id = $1", j.ID, finishedAt(j), j)
}

func (t *pgTx) PendingJobs(limit int) ([]Job, error) {
	return docs[Job](t, "SELECT doc FROM jobs WHERE finished IS NULL ORDER BY created, id LIMIT $1", limit)
}
