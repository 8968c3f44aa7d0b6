package store

import "time"

// pruneRows deletes up to limit rows of table matching where (with $1 the
// time and $2 the limit) and returns "more" as the position while a full
// batch was deleted.
func (t *pgTx) pruneRows(table, where string, before time.Time, limit int) (string, int, error) {
	tag, err := t.tx.Exec(t.ctx, "DELETE FROM "+table+" WHERE ctid IN (SELECT ctid FROM "+table+" WHERE "+where+" LIMIT $2)", before, limit)
	if err != nil {
		return "", 0, err
	}
	n := int(tag.RowsAffected())
	if n == limit {
		return "more", n, nil
	}
	return "", n, nil
}

func (t *pgTx) PruneCalls(before time.Time, _ string, limit int) (string, int, error) {
	return t.pruneRows("calls", "at < $1", before, limit)
}

func (t *pgTx) PruneLinks(before time.Time, _ string, limit int) (string, int, error) {
	return t.pruneRows("links", "(doc->>'expires')::timestamptz < $1", before, limit)
}

func (t *pgTx) PruneEnded(before time.Time, _ string, limit int) (string, int, error) {
	return t.pruneRows("ended_sessions", "(doc->>'at')::timestamptz < $1", before, limit)
}

func (t *pgTx) PruneGuards(before time.Time, _ string, limit int) (string, int, error) {
	total := 0
	for _, q := range []struct{ table, where string }{
		{"rate_buckets", "at < $1"}, {"failure_counts", "last < $1"}, {"leases", "until < $1"},
	} {
		_, n, err := t.pruneRows(q.table, q.where, before, limit-total)
		total += n
		if err != nil || total == limit {
			if total == limit {
				return "more", total, err
			}
			return "", total, err
		}
	}
	return "", total, nil
}

func (t *pgTx) PruneJobs(before time.Time, _ string, limit int) (string, int, error) {
	return t.pruneRows("jobs", "finished < $1", before, limit)
}

func (t *pgTx) TrimFeeds(a *Account, keep int) (int, error) {
	n := 0
	for _, table := range []string{"events", "activity"} {
		tag, err := t.tx.Exec(t.ctx, `DELETE FROM `+table+` WHERE account_id = $1 AND seq <= (
			SELECT seq FROM `+table+` WHERE account_id = $1 ORDER BY seq DESC OFFSET $2 LIMIT 1)`, a.ID, keep)
		if err != nil {
			return 0, err
		}
		n += int(tag.RowsAffected())
	}
	var deleted, unread int
	err := t.tx.QueryRow(t.ctx, `WITH gone AS (
		DELETE FROM notifications WHERE account_id = $1 AND id <= (
			SELECT id FROM notifications WHERE account_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)
		RETURNING doc)
		SELECT count(*), count(*) FILTER (WHERE NOT (doc->>'read')::boolean) FROM gone`, a.ID, keep).Scan(&deleted, &unread)
	a.Unread = max(a.Unread-unread, 0)
	return n + deleted, err
}
