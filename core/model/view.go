package model

import (
	"maps"
	"slices"
	"time"
)

// View is everything a signed-in client shows about its account. The server
// builds it; clients keep the last confirmed copy in their local store and
// show it with their pending mutations applied on top.
type View struct {
	Profile   Profile   `json:"profile"`
	Sessions  []Session `json:"sessions"`
	TwoFactor TwoFactor `json:"twoFactor"`
	// Passkeys are the account's passkeys, oldest first.
	Passkeys []Passkey  `json:"passkeys,omitempty"`
	Activity []Activity `json:"activity"`
	// EmailPrefs holds the per-type email settings that differ from the
	// defaults (see EmailEnabled).
	EmailPrefs map[string]bool `json:"emailPrefs,omitempty"`
	// Inbox is the newest in-app notifications, newest first; Unread
	// counts all unread ones.
	Inbox  []Notification `json:"inbox"`
	Unread int            `json:"unread"`
	// Workspaces the account belongs to, with their members.
	Workspaces []Workspace `json:"workspaces"`
	// Invited are the pending invitations to the account's address, oldest
	// first, to accept or decline.
	Invited []Invited `json:"invited,omitempty"`
	// Alerts are the security alerts no device has answered yet, oldest
	// first.
	Alerts []Alert `json:"alerts,omitempty"`
	// Export is the last "download my data" request, while it is being
	// prepared or can be downloaded.
	Export *Export `json:"export,omitempty"`
	// Apps are the applications the user let sign them in, oldest first.
	Apps []App `json:"apps,omitempty"`
}

// Export is a "download my data" archive: being prepared (Ready zero) or
// ready to download until Expires.
type Export struct {
	ID        string    `json:"id"`
	Requested time.Time `json:"requested"`
	Ready     time.Time `json:"ready,omitzero"`
	Expires   time.Time `json:"expires,omitzero"`
	Size      int       `json:"size,omitempty"`
}

// Alert is a "Was this you?" about a sign-in from a new device, until one
// of the account's devices answers it.
type Alert struct {
	ID        uint64    `json:"id"`
	SessionID string    `json:"sessionId"`
	Device    string    `json:"device"`
	Location  string    `json:"location"`
	Address   string    `json:"address"` // masked: 203.0.113.x
	At        time.Time `json:"at"`
}

// Workspace is a team the account belongs to.
type Workspace struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Role    string   `json:"role"` // the account's role: owner, admin or member
	Members []Member `json:"members"`
	// Invitations are the pending ones, oldest first; only owners and
	// admins see them.
	Invitations []Invitation `json:"invitations,omitempty"`
}

// Invited is an invitation the account received.
type Invited struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspaceId"`
	Workspace   string    `json:"workspace"`
	InvitedBy   string    `json:"invitedBy"` // the sender's current display name
	Role        string    `json:"role"`
	Expires     time.Time `json:"expires"`
}

// Invitation is a pending invitation to a workspace.
type Invitation struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	InvitedBy string    `json:"invitedBy"` // the sender's current display name
	Sent      time.Time `json:"sent"`
	Expires   time.Time `json:"expires"`
}

// Member is one person in a workspace's member list.
type Member struct {
	AccountID   string `json:"accountId"`
	DisplayName string `json:"displayName"`
	Email       string `json:"email"`
	Role        string `json:"role"`
}

// TwoFactor is the account's two-factor authentication status.
type TwoFactor struct {
	Enabled         bool `json:"enabled"`
	BackupCodesLeft int  `json:"backupCodesLeft"`
}

// Passkey is one of the account's passkeys (WebAuthn credentials): it signs
// in without a password, or serves as the second factor.
type Passkey struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"lastUsed,omitzero"`
	// Suspect says its signature counter went back (a copy of the
	// authenticator may exist): it no longer signs in.
	Suspect bool `json:"suspect,omitempty"`
}

// MaxPasskeys is how many passkeys an account may have.
const MaxPasskeys = 20

// FewBackupCodes is the count at or below which clients warn that backup
// codes are running out.
const FewBackupCodes = 3

// StepUpWindow is how long, after the password is entered again for a
// takeover-grade action (turning 2FA on or off, new backup codes), the same
// session may take another such action without a second prompt.
const StepUpWindow = 5 * time.Minute

// Activity is one entry of the security activity list, newest first.
type Activity struct {
	Kind   string    `json:"kind"`
	Detail string    `json:"detail"`
	At     time.Time `json:"at"`
}

// Kinds of security activity.
const (
	ActSignIn          = "sign_in"
	ActNewDevice       = "new_device"
	ActPasswordChanged = "password_changed"
	ActPasswordReset   = "password_reset"
	ActTwoFactorOn     = "two_factor_on"
	ActTwoFactorOff    = "two_factor_off"
	ActBackupCodeUsed  = "backup_code_used"
	ActBackupCodesNew  = "backup_codes_regenerated"
	ActSessionRevoked  = "session_revoked"
	ActSignInThrottled = "sign_in_throttled"
	ActEmailChanged    = "email_changed"
	ActPasskeyAdded    = "passkey_added"
	ActPasskeyRemoved  = "passkey_removed"
	ActPasskeySuspect  = "passkey_suspect"
)

// ActivityLimit is how many recent entries the view carries.
const ActivityLimit = 50

// Profile is the account's public identity.
type Profile struct {
	AccountID   string `json:"accountId"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	// Avatar is a short hash of the profile picture (empty: none), so
	// clients know when their cached copy is stale.
	Avatar string `json:"avatar,omitempty"`
	// TimeZone is the account's IANA time zone ("Europe/Berlin"): mails
	// give times in it. Empty is DefaultTimeZone.
	TimeZone string `json:"timeZone,omitempty"`
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

// Clone returns a deep copy of v, so a rebase never aliases the confirmed
// view. The copy is normalized (see Normalize).
func (v View) Clone() View {
	c := v
	c.Sessions = slices.Clone(v.Sessions)
	c.Passkeys = slices.Clone(v.Passkeys)
	if v.Export != nil {
		e := *v.Export
		c.Export = &e
	}
	c.Activity = slices.Clone(v.Activity)
	c.Inbox = slices.Clone(v.Inbox)
	c.Alerts = slices.Clone(v.Alerts)
	c.Apps = slices.Clone(v.Apps)
	c.Invited = slices.Clone(v.Invited)
	c.Workspaces = slices.Clone(v.Workspaces)
	for i, w := range c.Workspaces {
		c.Workspaces[i].Members = slices.Clone(w.Members)
		c.Workspaces[i].Invitations = slices.Clone(w.Invitations)
	}
	c.EmailPrefs = maps.Clone(v.EmailPrefs)
	c.Normalize()
	return c
}

// Normalize gives v the one JSON form the server sends: its lists are
// empty, never null. Patches apply to, and are checked against, that form.
func (v *View) Normalize() {
	nonNil(&v.Sessions)
	nonNil(&v.Activity)
	nonNil(&v.Inbox)
	nonNil(&v.Workspaces)
	for i := range v.Workspaces {
		nonNil(&v.Workspaces[i].Members)
	}
}

func nonNil[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}
