package store_test

import (
	"testing"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/server/internal/store/storetest"
)

func TestBoltContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		st, err := store.OpenBolt(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
