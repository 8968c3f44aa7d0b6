//go:build !js

package core_test

import (
	"testing"

	"github.com/dialnexa/account/internal/browsertest"
)

// TestIDBStoreInChromium compiles this package's tests for js/wasm and runs
// the IndexedDB store contract (TestIDBStoreContract) in Debian's chromium.
func TestIDBStoreInChromium(t *testing.T) {
	browsertest.Run(t, ".", "TestIDBStoreContract", "TestIDBStoreContract")
}
