//go:build embedpanel

package panel

import (
	"embed"
	"io/fs"
)

// dist is the panel built into this binary: scripts/release.sh builds it
// into server/internal/panel/dist and compiles with -tags embedpanel.
//
//go:embed dist
var dist embed.FS

// Embedded returns the panel built into this binary.
func Embedded() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil || !Built(sub) {
		return nil
	}
	return sub
}
