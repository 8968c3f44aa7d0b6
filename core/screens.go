package core

import "time"

// The screens' view models. Each screen and dialog of the two clients is
// a plain struct built from a Snapshot (and the little state the screen
// keeps itself: a step, a dialog being open): every text it shows and
// every Control{Enabled, Reason} is decided here, once. The desktop app
// and the browser panel only lay them out, each in its own toolkit, and
// call the Client's methods for the actions (the *Actions interfaces name
// the few each screen needs). core/testdata holds each view model written
// out for fixed snapshots (screens_test.go).

// Dates is how a client writes times: the desktop app's fixed format, the
// panel's browser locale and "5 minutes ago".
type Dates struct {
	Time func(time.Time) string
	Ago  func(time.Time) string
}

// DesktopDates are the desktop app's: FormatTime for both.
var DesktopDates = Dates{Time: FormatTime, Ago: FormatTime}

// TextLoading stands where the account's data will be, before it arrived.
const TextLoading = "Loading…"

// serverAction is the control of an action only the server carries out,
// with the reason said for that action ("Revoking needs a connection to
// the server.") when offline.
func (s Snapshot) serverAction(reason string) Control {
	c := s.ServerAction()
	if !c.Enabled && reason != "" {
		c.Reason = reason
	}
	return c
}

// offlineNotice is text when offline, "" otherwise.
func (s Snapshot) offlineNotice(text string) string {
	if s.Online() {
		return ""
	}
	return text
}
