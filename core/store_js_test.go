package core_test

import (
	"fmt"
	"testing"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/storetest"
)

var dbSeq int

// TestIDBStoreContract runs the store contract against IndexedDB. It runs
// in a real browser: see TestIDBStoreInChromium.
func TestIDBStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) func() core.Store {
		dbSeq++
		name := fmt.Sprintf("storetest-%d", dbSeq)
		return func() core.Store {
			s, err := core.OpenStore(name)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	})
}
