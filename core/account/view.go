package account

import "time"

// View is everything a signed-in client shows about its account. The server
// builds it; clients keep the last confirmed copy in their local store and
// show it with their pending mutations applied on top.
type View struct {
	Profile  Profile   `json:"profile"`
	Sessions []Session `json:"sessions"`
}

// Profile is the account's public identity.
type Profile struct {
	AccountID   string `json:"accountId"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
}

// Session is one signed-in device or browser.
type Session struct {
	ID         string    `json:"id"`
	DeviceKind string    `json:"deviceKind"` // "desktop" or "browser"
	Device     string    `json:"device"`     // e.g. "DialNexa desktop on Linux", "Chrome on Windows"
	Location   string    `json:"location"`   // approximate, "Unknown" without a GeoIP database
	Created    time.Time `json:"created"`
	LastActive time.Time `json:"lastActive"`
}

// Clone returns a deep copy of v, so a rebase never aliases the confirmed view.
func (v View) Clone() View {
	c := v
	c.Sessions = append([]Session(nil), v.Sessions...)
	return c
}
