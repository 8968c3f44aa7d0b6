package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"time"
)

func (t boltTx) AddAudit(e AuditEntry) (AuditEntry, error) {
	seq, err := t.b(bAudit).NextSequence()
	if err != nil {
		return e, err
	}
	e.Seq = seq
	if err := putJSON(t.b(bAudit), seqKey(e.WorkspaceID, seq), e); err != nil {
		return e, err
	}
	for _, who := range e.subjects() {
		if err := t.b(bAuditBy).Put(seqKey(who, seq), []byte(e.WorkspaceID)); err != nil {
			return e, err
		}
	}
	return e, t.b(bAuditTime).Put(append(u64(uint64(e.At.UnixNano())), u64(seq)...), []byte(e.WorkspaceID))
}

// bindAuditAddress binds the entries naming the address email to the
// account id (see AuditEntry), moving them in the subjects index.
func (t boltTx) bindAuditAddress(email, id string) error {
	prefix := pair(email, "")
	var keys [][]byte
	c := t.b(bAuditBy).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		seq := binary.BigEndian.Uint64(k[len(prefix):])
		key := seqKey(string(v), seq)
		var e AuditEntry
		if err := getJSON(t.b(bAudit), key, &e); errors.Is(err, ErrNotFound) {
			keys = append(keys, k)
			continue
		} else if err != nil {
			return err
		}
		if !e.bind(email, id) {
			continue
		}
		keys = append(keys, k)
		if err := putJSON(t.b(bAudit), key, e); err != nil {
			return err
		}
		if err := t.b(bAuditBy).Put(seqKey(id, seq), slices.Clone(v)); err != nil {
			return err
		}
	}
	for _, k := range keys {
		if err := t.b(bAuditBy).Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// forgetInAudit rewrites the audit entries naming a deleted account (by
// id or address) so that nothing of it remains: it becomes "a deleted
// account".
func (t boltTx) forgetInAudit(a Account) error {
	for _, who := range []string{a.ID, a.Email} {
		prefix := pair(who, "")
		var keys [][]byte
		c := t.b(bAuditBy).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			keys = append(keys, k)
			key := seqKey(string(v), binary.BigEndian.Uint64(k[len(prefix):]))
			var e AuditEntry
			if err := getJSON(t.b(bAudit), key, &e); errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			e.forget(a)
			if err := putJSON(t.b(bAudit), key, e); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := t.b(bAuditBy).Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t boltTx) Audit(workspaceID string, before uint64, limit int) ([]AuditEntry, error) {
	return newestBefore[AuditEntry](t.b(bAudit), workspaceID, before, limit)
}

func (t boltTx) PruneAudit(before time.Time, limit int) (int, error) {
	cut := u64(uint64(before.UnixNano()))
	c := t.b(bAuditTime).Cursor()
	n := 0
	for k, v := c.First(); k != nil && bytes.Compare(k[:8], cut) < 0 && n < limit; k, v = c.First() {
		seq := binary.BigEndian.Uint64(k[8:])
		key := seqKey(string(v), seq)
		var e AuditEntry
		if err := getJSON(t.b(bAudit), key, &e); err == nil {
			for _, who := range e.subjects() {
				if err := t.b(bAuditBy).Delete(seqKey(who, seq)); err != nil {
					return n, err
				}
			}
		} else if !errors.Is(err, ErrNotFound) {
			return n, err
		}
		if err := t.b(bAudit).Delete(key); err != nil {
			return n, err
		}
		if err := c.Delete(); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
