package core

import (
	"strings"

	"golang.org/x/mod/semver"
)

// Release is a release of the desktop app: its version and where to
// download it, as the server's operators announce it.
type Release struct {
	Version string
	URL     string
}

// newer reports whether version is a later release than current; either
// not being a release version (a development build) is not newer.
func newer(version, current string) bool {
	v, c := "v"+strings.TrimPrefix(version, "v"), "v"+strings.TrimPrefix(current, "v")
	return semver.IsValid(v) && semver.IsValid(c) && semver.Compare(v, c) > 0
}

// UpdateView is the line saying a newer desktop app is available, beside
// the connection state (and beside "too old to sync" when it is).
type UpdateView struct {
	// Text is "DialNexa Account 1.4.2 is available" ("" when there is
	// nothing newer).
	Text, Link, URL string
}

// UpdateNotice is the line for a newer release, if there is one.
func (s Snapshot) UpdateNotice() UpdateView {
	if s.Update == nil {
		return UpdateView{}
	}
	return UpdateView{Text: "DialNexa Account " + strings.TrimPrefix(s.Update.Version, "v") + " is available", Link: "Download it", URL: s.Update.URL}
}
