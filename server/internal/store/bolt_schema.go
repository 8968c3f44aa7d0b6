package store

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The bbolt store's schema: its buckets, and ordered migrations for the
// data written by earlier versions. The file records how many migrations
// it has had (bucket "meta", key "schema"); opening it applies the rest,
// in order, in the same transaction, and a file from a newer server is
// refused rather than misread.

var (
	bMeta     = []byte("meta")
	kSchema   = []byte("schema")
	errNewer  = "this store was written by a newer DialNexa server (schema %d; this one knows up to %d): run that version or newer, or restore a backup taken before the upgrade"
	boltSteps = []struct {
		name string
		up   func(*bolt.Tx) error
	}{
		// 1: the outbox's due order, for stores written before it was kept.
		{"index the outbox by due time", indexOutbox},
		// 2: the passkeys' credential ids, one account each.
		{"index the passkeys by credential id", indexPasskeys},
	}
)

// BoltSchemaVersion is the bbolt schema this server writes.
var BoltSchemaVersion = len(boltSteps)

// migrateBolt brings tx's store to BoltSchemaVersion.
func migrateBolt(tx *bolt.Tx) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	meta, err := tx.CreateBucketIfNotExists(bMeta)
	if err != nil {
		return err
	}
	have := 0
	if v := meta.Get(kSchema); len(v) == 8 {
		have = int(binary.BigEndian.Uint64(v))
	}
	if have > len(boltSteps) {
		return fmt.Errorf(errNewer, have, len(boltSteps))
	}
	for i := have; i < len(boltSteps); i++ {
		if err := boltSteps[i].up(tx); err != nil {
			return fmt.Errorf("schema step %d (%s): %w", i+1, boltSteps[i].name, err)
		}
	}
	if have == len(boltSteps) {
		return nil
	}
	return meta.Put(kSchema, binary.BigEndian.AppendUint64(nil, uint64(len(boltSteps))))
}

// SchemaVersion returns the schema version the file records.
func (s *Bolt) SchemaVersion() (int, error) {
	var v int
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bMeta); b != nil {
			if x := b.Get(kSchema); len(x) == 8 {
				v = int(binary.BigEndian.Uint64(x))
			}
		}
		return nil
	})
	return v, err
}

// Backup writes a consistent copy of the whole store to w while the store
// stays in use (one read transaction), and returns its size.
func (s *Bolt) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) (err error) { n, err = tx.WriteTo(w); return })
	return n, err
}

// VerifyBolt checks a bbolt store file that no server uses (a backup):
// bbolt's consistency check, and a schema this server can open. It
// returns the file's schema version.
func VerifyBolt(path string) (int, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	s := &Bolt{db: db}
	err = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bAccounts) == nil {
			return fmt.Errorf("%s is not a DialNexa store", path)
		}
		for err := range tx.Check() {
			return fmt.Errorf("%s is damaged: %w", path, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	v, err := s.SchemaVersion()
	if err == nil && v > BoltSchemaVersion {
		err = fmt.Errorf(errNewer, v, BoltSchemaVersion)
	}
	return v, err
}
