//go:build !embedpanel

package panel

import "io/fs"

// Embedded returns the panel built into this binary: none in this build
// (scripts/release.sh builds one in with -tags embedpanel).
func Embedded() fs.FS { return nil }
