package store

import "slices"

func sortSessions(ss []Session) {
	slices.SortFunc(ss, func(a, b Session) int { return a.Created.Compare(b.Created) })
}
