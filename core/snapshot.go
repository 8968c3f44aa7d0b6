package core

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/dialnexa/account/core/model"
)

// ConnState is the client's connection to the sync server.
type ConnState int

// Connection states.
const (
	SignedOut  ConnState = iota // no session: show sign-in
	Offline                     // signed in, server unreachable; edits queue
	Connecting                  // dialing the server
	Syncing                     // connected, exchanging state or pushing edits
	Online                      // connected and up to date
	// Outdated: the server no longer serves this version's protocol; edits
	// stay queued until the app is updated.
	Outdated
)

// OutdatedText is what both clients show when the server refuses this
// version of the protocol.
const OutdatedText = "This version of DialNexa is too old to sync: update it"

func (s ConnState) String() string {
	switch s {
	case SignedOut:
		return "signed out"
	case Offline:
		return "offline"
	case Connecting:
		return "connecting"
	case Syncing:
		return "syncing"
	case Online:
		return "online"
	case Outdated:
		return "outdated"
	}
	return fmt.Sprintf("ConnState(%d)", int(s))
}

// Snapshot is everything a screen needs, copied at one moment. Screens are
// functions of it; they never reach into the Client.
type Snapshot struct {
	Conn      ConnState
	Email     string
	SessionID string
	// HasView is false until the first view arrived (fresh sign-in offline).
	HasView bool
	View    model.View
	Version uint64
	// Pending is how many local changes wait to be synced.
	Pending int
	// PendingName is the display name still waiting to sync, if any.
	PendingName bool
	// PendingPrefs is set while notification settings wait to sync.
	PendingPrefs bool
	// KeychainNotice says the session token could not be put in the OS
	// keychain and is kept in the app's data file ("" when all is well).
	KeychainNotice string
	// Notice is a message the user must see: why they were signed out, or
	// why a change was rolled back.
	Notice string
	// Alerts are security alerts waiting for the user's answer, oldest first.
	Alerts []Alert
	// AvatarPNG is the cached profile picture (a square PNG), nil when the
	// account has none or it is not downloaded yet.
	AvatarPNG []byte
	// Update is a release of the desktop app newer than this one, as the
	// server announced it (nil: none, or this is not a release build).
	Update *Release
	// DeviceTimeZone is this device's IANA time zone ("" unknown).
	DeviceTimeZone string
}

// Initials are shown in place of a missing picture: "AL" for "Ada Lovelace".
func (s Snapshot) Initials() string {
	var out []rune
	for _, w := range strings.Fields(s.View.Profile.DisplayName) {
		r := []rune(w)
		if len(r) > 0 && unicode.IsLetter(r[0]) || len(r) > 0 && unicode.IsDigit(r[0]) {
			out = append(out, unicode.ToUpper(r[0]))
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// FormatTime is how both clients show a time: "28 Nov 2026 14:02" in
// local time, or "unknown".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Local().Format("2 Jan 2006 15:04")
}

// Alert is a sign-in from a device the account had not used before, until
// one of the account's devices answers it.
type Alert model.Alert

// Text is the alert as one sentence: "New sign-in: Chrome on Windows, near
// Berlin, from 203.0.113.x, 28 Nov 14:02. Was this you?"
func (a Alert) Text() string {
	where := ""
	if a.Location != "" && a.Location != "Unknown" {
		where = ", near " + a.Location
	}
	if a.Address != "" {
		where += ", from " + a.Address
	}
	return fmt.Sprintf("New sign-in: %s%s, %s. Was this you?", a.Device, where, a.At.Local().Format("2 Jan 15:04"))
}

// Online reports whether online-only actions may be tried: signed in and
// not known to be offline (while connecting, the API may well answer).
func (s Snapshot) Online() bool { return s.Conn != Offline && s.Conn != SignedOut }

// SignedIn reports whether there is a session.
func (s Snapshot) SignedIn() bool { return s.Conn != SignedOut }

// StatusText is the always-visible connection line: "Online", "Offline —
// 2 changes waiting", "Syncing…".
func (s Snapshot) StatusText() string {
	var t string
	switch s.Conn {
	case SignedOut:
		return "Signed out"
	case Offline:
		t = "Offline"
	case Connecting:
		t = "Connecting…"
	case Syncing:
		t = "Syncing…"
	case Online:
		t = "Online"
	case Outdated:
		t = OutdatedText
	}
	switch {
	case s.Pending == 1:
		t += " — 1 change waiting"
	case s.Pending > 1:
		t += fmt.Sprintf(" — %d changes waiting", s.Pending)
	}
	return t
}
