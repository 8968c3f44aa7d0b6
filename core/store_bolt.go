//go:build !js

package core

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	bMeta  = []byte("meta")
	bView  = []byte("view")
	bQueue = []byte("queue")
	kMeta  = []byte("meta")
	kView  = []byte("confirmed")
	kPic   = []byte("avatar")
)

// BoltStore is the desktop app's Store: one bbolt file, fsync'd on commit.
// A wipe writes a new file and renames it over the old one, so the
// account's data does not linger in the old file's freed pages.
type BoltStore struct {
	path string
	db   *bolt.DB
}

// OpenStore opens (creating if needed) the bbolt store at path. If another
// process holds it, it gives up after a second with ErrLocked.
func OpenStore(path string) (*BoltStore, error) {
	db, err := openBolt(path)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
	}
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
		// The cache is unreadable: set it aside and start empty; the
		// server has the account and a resync restores it.
		if rerr := os.Rename(path, path+".corrupt"); rerr != nil {
			return nil, fmt.Errorf("set aside corrupt local store %s: %w", path, rerr)
		}
		db, err = openBolt(path)
	}
	if err != nil {
		return nil, fmt.Errorf("open local store %s: %w", path, err)
	}
	return &BoltStore{path: path, db: db}, nil
}

// openBolt opens the file at path and creates its buckets. If another
// process holds it, it gives up after a second.
func openBolt(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bMeta, bView, bQueue} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init local store %s: %w", path, err)
	}
	return db, nil
}

// Close closes the file.
func (s *BoltStore) Close() error { return s.db.Close() }

// Check runs bbolt's consistency check and returns the first problem found.
func (s *BoltStore) Check() error {
	return s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
}

// Load implements Store.
func (s *BoltStore) Load() (State, error) {
	var st State
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bMeta).Get(kMeta); b != nil {
			if err := json.Unmarshal(b, &st.Meta); err != nil {
				return errCorrupt
			}
		}
		if b := tx.Bucket(bView).Get(kView); b != nil {
			st.Confirmed = new(Confirmed)
			if err := json.Unmarshal(b, st.Confirmed); err != nil {
				return errCorrupt
			}
		}
		if b := tx.Bucket(bView).Get(kPic); b != nil {
			st.Avatar = new(Avatar)
			if err := json.Unmarshal(b, st.Avatar); err != nil {
				return errCorrupt
			}
		}
		return tx.Bucket(bQueue).ForEach(func(k, v []byte) error {
			var m Mutation
			if len(k) != 8 || json.Unmarshal(v, &m) != nil || m.ID != binary.BigEndian.Uint64(k) {
				return errCorrupt
			}
			st.Pending = append(st.Pending, m)
			return nil
		})
	})
	if errors.Is(err, errCorrupt) || (err == nil && st.Meta.Schema != SchemaVersion && st.Meta.Schema != 0) {
		return s.reset(st.Meta)
	}
	return st, err
}

var errCorrupt = errors.New("corrupt local store")

// reset discards unreadable or old-schema content, keeping device identity.
func (s *BoltStore) reset(old Meta) (State, error) {
	fresh := State{Meta: Meta{Schema: SchemaVersion, ClientID: old.ClientID, DeviceID: old.DeviceID}}
	return fresh, s.recreate(Change{Meta: &fresh.Meta})
}

// Commit implements Store.
func (s *BoltStore) Commit(c Change) error {
	if c.Wipe {
		return s.recreate(c)
	}
	return s.db.Update(func(tx *bolt.Tx) error { return write(tx, c) })
}

// recreate carries out a wiping Change: it writes what the change keeps
// into a new file beside the store, syncs it, renames it over the store and
// closes the old file. Until the rename the old file is intact; after it
// the account's data is in no file (the old one's pages are freed with it).
// The new file is locked before the rename, so a second instance never
// finds the store unlocked.
func (s *BoltStore) recreate(c Change) error {
	tmp := s.path + ".new"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("wipe local store: %w", err)
	}
	db, err := openBolt(tmp)
	if err != nil {
		return fmt.Errorf("wipe local store: %w", err)
	}
	c.Wipe = false
	if err := db.Update(func(tx *bolt.Tx) error { return write(tx, c) }); err != nil {
		db.Close()
		os.Remove(tmp)
		return fmt.Errorf("wipe local store: %w", err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		db.Close()
		os.Remove(tmp)
		return fmt.Errorf("wipe local store: %w", err)
	}
	syncDir(filepath.Dir(s.path))
	old := s.db
	s.db = db
	return old.Close()
}

// syncDir makes a rename in dir durable (best effort: not every OS can
// sync a directory).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// write applies c (without Wipe) in tx.
func write(tx *bolt.Tx, c Change) error {
	q := tx.Bucket(bQueue)
	if c.DropThrough > 0 {
		var key [8]byte
		binary.BigEndian.PutUint64(key[:], c.DropThrough)
		var drop [][]byte
		cur := q.Cursor()
		for k, _ := cur.First(); k != nil && bytes.Compare(k, key[:]) <= 0; k, _ = cur.Next() {
			drop = append(drop, k)
		}
		for _, k := range drop {
			if err := q.Delete(k); err != nil {
				return err
			}
		}
	}
	if c.Meta != nil {
		if err := putJSON(tx.Bucket(bMeta), kMeta, c.Meta); err != nil {
			return err
		}
	}
	if c.Confirmed != nil {
		if err := putJSON(tx.Bucket(bView), kView, c.Confirmed); err != nil {
			return err
		}
	}
	if c.Avatar != nil {
		var err error
		if c.Avatar.Hash == "" {
			err = tx.Bucket(bView).Delete(kPic)
		} else {
			err = putJSON(tx.Bucket(bView), kPic, c.Avatar)
		}
		if err != nil {
			return err
		}
	}
	for _, m := range c.Append {
		var key [8]byte
		binary.BigEndian.PutUint64(key[:], m.ID)
		if err := putJSON(q, key[:], m); err != nil {
			return err
		}
	}
	return nil
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}
