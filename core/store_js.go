package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"
)

// IDBStore is the browser panel's Store: an IndexedDB database with two
// object stores, "kv" (meta and the confirmed view) and "queue" (pending
// mutations keyed by id). Each Commit is one readwrite transaction with
// strict durability; it returns once the transaction completed. A wipe
// deletes the whole database and creates it again with what the Change
// keeps (the device's identity), so nothing of the account stays behind.
// When another tab deletes the database, this one lets go of it and opens
// the new one on its next use.
//
// Its methods block until IndexedDB answers, so they must not be called
// from inside a js.FuncOf callback: call them from a goroutine.
type IDBStore struct {
	name string
	db   js.Value // null while closed for another tab's deletion
	// onVersionChange closes the connection when another tab deletes or
	// upgrades the database.
	onVersionChange js.Func
}

// OpenStore opens (creating if needed) the IndexedDB database name.
func OpenStore(name string) (*IDBStore, error) {
	s := &IDBStore{name: name}
	s.onVersionChange = js.FuncOf(func(this js.Value, args []js.Value) any {
		this.Call("close")
		if s.db.Equal(this) {
			s.db = js.Null()
		}
		return nil
	})
	db, err := openDB(name)
	if err != nil {
		s.onVersionChange.Release()
		return nil, err
	}
	s.setDB(db)
	return s, nil
}

func (s *IDBStore) setDB(db js.Value) {
	s.db = db
	db.Set("onversionchange", s.onVersionChange)
}

// conn returns the open database, opening it again if another tab's
// deletion closed it.
func (s *IDBStore) conn() (js.Value, error) {
	if s.db.IsNull() || s.db.IsUndefined() {
		db, err := openDB(s.name)
		if err != nil {
			return js.Null(), err
		}
		s.setDB(db)
	}
	return s.db, nil
}

func openDB(name string) (js.Value, error) {
	idb := js.Global().Get("indexedDB")
	if idb.IsUndefined() || idb.IsNull() {
		return js.Null(), errors.New("this browser has no IndexedDB (private mode?): the panel cannot keep account data")
	}
	req := idb.Call("open", name, 1)
	upgrade := js.FuncOf(func(this js.Value, args []js.Value) any {
		db := req.Get("result")
		names := db.Get("objectStoreNames")
		if !names.Call("contains", "kv").Bool() {
			db.Call("createObjectStore", "kv")
		}
		if !names.Call("contains", "queue").Bool() {
			db.Call("createObjectStore", "queue")
		}
		return nil
	})
	defer upgrade.Release()
	req.Set("onupgradeneeded", upgrade)
	blocked := js.FuncOf(func(this js.Value, args []js.Value) any { return nil })
	defer blocked.Release()
	req.Set("onblocked", blocked)
	if err := await(req, "success", "error"); err != nil {
		return js.Null(), fmt.Errorf("open IndexedDB %s: %w", name, err)
	}
	return req.Get("result"), nil
}

// recreate deletes the database and opens a new, empty one. Other tabs
// close their connections when told (onversionchange), so the deletion is
// not held up.
func (s *IDBStore) recreate() error {
	if !s.db.IsNull() && !s.db.IsUndefined() {
		s.db.Call("close")
		s.db = js.Null()
	}
	req := js.Global().Get("indexedDB").Call("deleteDatabase", s.name)
	if err := await(req, "success", "error"); err != nil {
		return fmt.Errorf("delete IndexedDB %s: %w", s.name, err)
	}
	_, err := s.conn()
	return err
}

// await blocks until target fires ok (nil) or one of the failure events.
func await(target js.Value, ok string, fails ...string) error {
	ch := make(chan error, 1)
	var funcs []js.Func
	done := js.FuncOf(func(this js.Value, args []js.Value) any {
		select {
		case ch <- nil:
		default:
		}
		return nil
	})
	funcs = append(funcs, done)
	target.Set("on"+ok, done)
	for _, f := range fails {
		fail := js.FuncOf(func(this js.Value, args []js.Value) any {
			msg := f
			if e := target.Get("error"); !e.IsUndefined() && !e.IsNull() {
				msg = e.Get("message").String()
			}
			select {
			case ch <- errors.New(msg):
			default:
			}
			return nil
		})
		funcs = append(funcs, fail)
		target.Set("on"+f, fail)
	}
	err := <-ch
	for _, f := range funcs {
		f.Release()
	}
	return err
}

// Close closes the database.
func (s *IDBStore) Close() error {
	if !s.db.IsNull() && !s.db.IsUndefined() {
		s.db.Call("close")
		s.db = js.Null()
	}
	s.onVersionChange.Release()
	return nil
}

func (s *IDBStore) tx(mode string) (js.Value, error) {
	db, err := s.conn()
	if err != nil {
		return js.Null(), err
	}
	stores := js.Global().Get("Array").New("kv", "queue")
	if mode == "readwrite" {
		return db.Call("transaction", stores, mode, map[string]any{"durability": "strict"}), nil
	}
	return db.Call("transaction", stores, mode), nil
}

// Load implements Store.
func (s *IDBStore) Load() (State, error) {
	tx, err := s.tx("readonly")
	if err != nil {
		return State{}, err
	}
	kv, q := tx.Call("objectStore", "kv"), tx.Call("objectStore", "queue")
	rMeta, rView, rPic, rQueue := kv.Call("get", "meta"), kv.Call("get", "confirmed"), kv.Call("get", "avatar"), q.Call("getAll")
	if err := await(tx, "complete", "error", "abort"); err != nil {
		return State{}, fmt.Errorf("read IndexedDB: %w", err)
	}
	var st State
	corrupt := false
	if v := rMeta.Get("result"); v.Type() == js.TypeString {
		corrupt = corrupt || json.Unmarshal([]byte(v.String()), &st.Meta) != nil
	}
	if v := rView.Get("result"); v.Type() == js.TypeString {
		st.Confirmed = new(Confirmed)
		corrupt = corrupt || json.Unmarshal([]byte(v.String()), st.Confirmed) != nil
	}
	if v := rPic.Get("result"); v.Type() == js.TypeString {
		st.Avatar = new(Avatar)
		corrupt = corrupt || json.Unmarshal([]byte(v.String()), st.Avatar) != nil
	}
	all := rQueue.Get("result")
	for i := 0; i < all.Length(); i++ {
		var m Mutation
		v := all.Index(i)
		if v.Type() != js.TypeString || json.Unmarshal([]byte(v.String()), &m) != nil {
			corrupt = true
			break
		}
		st.Pending = append(st.Pending, m)
	}
	if corrupt || (st.Meta.Schema != SchemaVersion && st.Meta.Schema != 0) {
		fresh := State{Meta: Meta{Schema: SchemaVersion, ClientID: st.Meta.ClientID, DeviceID: st.Meta.DeviceID}}
		return fresh, s.Commit(Change{Wipe: true, Meta: &fresh.Meta})
	}
	return st, nil
}

// Commit implements Store.
func (s *IDBStore) Commit(c Change) error {
	if c.Wipe {
		if err := s.recreate(); err != nil {
			return err
		}
	}
	tx, err := s.tx("readwrite")
	if err != nil {
		return err
	}
	kv, q := tx.Call("objectStore", "kv"), tx.Call("objectStore", "queue")
	if c.DropThrough > 0 {
		q.Call("delete", js.Global().Get("IDBKeyRange").Call("upperBound", float64(c.DropThrough)))
	}
	put := func(store js.Value, key any, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		store.Call("put", string(b), key)
		return nil
	}
	if c.Meta != nil {
		err = errors.Join(err, put(kv, "meta", c.Meta))
	}
	if c.Confirmed != nil {
		err = errors.Join(err, put(kv, "confirmed", c.Confirmed))
	}
	if c.Avatar != nil {
		if c.Avatar.Hash == "" {
			kv.Call("delete", "avatar")
		} else {
			err = errors.Join(err, put(kv, "avatar", c.Avatar))
		}
	}
	for _, m := range c.Append {
		err = errors.Join(err, put(q, float64(m.ID), m))
	}
	if err != nil {
		tx.Call("abort")
		return err
	}
	if err := await(tx, "complete", "error", "abort"); err != nil {
		return fmt.Errorf("write IndexedDB: %w", err)
	}
	return nil
}
