package wire

import "testing"

// The digest is fixed by the protocol: the recorded patches carry it.
func TestViewHash(t *testing.T) {
	view := recorded["view"].(*View).View
	if got := ViewHash(view); got != "bhK-wM9SDDgEjmo0evt9XQ" {
		t.Errorf("ViewHash(%s) = %q", view, got)
	}
	if ViewHash([]byte(`{}`)) == ViewHash([]byte(`{ }`)) {
		t.Error("the digest is of the bytes, not the value")
	}
}
