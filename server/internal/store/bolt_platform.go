package store

import (
	"bytes"
	"fmt"
)

func (t boltTx) App(id string) (App, error) {
	var a App
	return a, getJSON(t.b(bApps), []byte(id), &a)
}

func (t boltTx) Apps() ([]App, error) {
	var out []App
	err := t.b(bApps).ForEach(func(k, v []byte) error {
		var a App
		if err := decodeRecord(v, &a); err != nil {
			return fmt.Errorf("decode app %q: %w", k, err)
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

func (t boltTx) PutApp(a App) error { return putJSON(t.b(bApps), []byte(a.ID), a) }

func (t boltTx) DeleteApp(id string) error { return t.b(bApps).Delete([]byte(id)) }

// keyKey orders the signing keys by when they sign.
func keyKey(k SigningKey) []byte { return append(u64(nanos(k.Signs)), []byte("/"+k.ID)...) }

func (t boltTx) SigningKeys() ([]SigningKey, error) {
	var out []SigningKey
	err := t.b(bSigningKeys).ForEach(func(k, v []byte) error {
		var sk SigningKey
		if err := decodeRecord(v, &sk); err != nil {
			return fmt.Errorf("decode signing key: %w", err)
		}
		out = append(out, sk)
		return nil
	})
	return out, err
}

func (t boltTx) PutSigningKey(k SigningKey) error {
	if err := t.DeleteSigningKey(k.ID); err != nil {
		return err
	}
	return putJSON(t.b(bSigningKeys), keyKey(k), k)
}

func (t boltTx) DeleteSigningKey(id string) error {
	suffix := []byte("/" + id)
	c := t.b(bSigningKeys).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if bytes.HasSuffix(k, suffix) && len(k) == 8+len(suffix) {
			return c.Delete()
		}
	}
	return nil
}
