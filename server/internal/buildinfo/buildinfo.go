// Package buildinfo says which build of the server is running: the
// version given at link time (scripts/release.sh sets it with -ldflags
// "-X github.com/dialnexa/account/server/internal/buildinfo.Version=…"),
// and what the Go toolchain recorded: the commit, its time, whether the
// tree was modified, and the Go version.
package buildinfo

import (
	"fmt"
	"runtime/debug"
)

// Version is set at link time; a plain `go build` leaves it "dev".
var Version = "dev"

// Info describes the running build.
type Info struct {
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

// Read returns the running build's Info.
func Read() Info {
	in := Info{Version: Version}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return in
	}
	in.Go = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Commit = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// String is the one-line form -version prints.
func (in Info) String() string {
	s := "dialnexa-server " + in.Version
	if in.Commit != "" {
		c := in.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += fmt.Sprintf(" (commit %s", c)
		if in.Modified {
			s += ", modified"
		}
		if in.Time != "" {
			s += ", " + in.Time
		}
		s += ")"
	}
	return s + " " + in.Go
}
