package store

import (
	"encoding/binary"
	"time"
)

// In bbolt, write transactions are serialized: numbers given by the
// bucket's sequence commit in order.

func (t boltTx) AddChange(c Change) (Change, error) {
	b := t.b(bChanges)
	seq, err := b.NextSequence()
	if err != nil {
		return c, err
	}
	c.Seq = seq
	return c, putJSON(b, u64(seq), c)
}

func (t boltTx) ChangesAfter(after uint64, limit int) ([]Change, error) {
	var out []Change
	c := t.b(bChanges).Cursor()
	for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
		var ch Change
		if err := decodeRecord(v, &ch); err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, nil
}

func (t boltTx) ChangeBounds() (uint64, uint64, error) {
	b := t.b(bChanges)
	newest := b.Sequence()
	if k, _ := b.Cursor().First(); k != nil {
		return binary.BigEndian.Uint64(k), newest, nil
	}
	return newest + 1, newest, nil
}

func (t boltTx) PruneChanges(before time.Time, limit int) (int, error) {
	c := t.b(bChanges).Cursor()
	n := 0
	for k, v := c.First(); k != nil && n < limit; k, v = c.First() {
		var ch Change
		if err := decodeRecord(v, &ch); err != nil {
			return n, err
		}
		if !ch.At.Before(before) {
			break
		}
		if err := c.Delete(); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
