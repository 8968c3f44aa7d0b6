package store

import "time"

// On PostgreSQL, a change takes its number from the one-row counter
// change_seq: the row stays locked until the transaction commits, so
// transactions that add changes commit in the order of their numbers.

func (t *pgTx) AddChange(c Change) (Change, error) {
	if err := t.tx.QueryRow(t.ctx, "UPDATE change_seq SET n = n + 1 WHERE id = 1 RETURNING n").Scan(&c.Seq); err != nil {
		return c, err
	}
	return c, t.exec("INSERT INTO changes (seq, at, doc) VALUES ($1, $2, $3)", int64(c.Seq), c.At, c)
}

func (t *pgTx) ChangesAfter(after uint64, limit int) ([]Change, error) {
	return docs[Change](t, "SELECT doc FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2", int64(after), limit)
}

func (t *pgTx) ChangeBounds() (uint64, uint64, error) {
	var oldest, newest int64
	err := t.tx.QueryRow(t.ctx, "SELECT coalesce((SELECT min(seq) FROM changes), n + 1), n FROM change_seq WHERE id = 1").Scan(&oldest, &newest)
	return uint64(oldest), uint64(newest), err
}

func (t *pgTx) PruneChanges(before time.Time, limit int) (int, error) {
	tag, err := t.tx.Exec(t.ctx, "DELETE FROM changes WHERE seq IN (SELECT seq FROM changes WHERE at < $1 ORDER BY seq LIMIT $2)", before, limit)
	return int(tag.RowsAffected()), err
}
