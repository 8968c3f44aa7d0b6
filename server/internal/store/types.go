package store

import (
	"encoding/json"
	"errors"
	"time"
)

// Errors returned by the store; match them with errors.Is.
var (
	ErrNotFound   = errors.New("not found")
	ErrEmailTaken = errors.New("email address already registered")
	// ErrPasskeyTaken: a WebAuthn credential id registered to another
	// account.
	ErrPasskeyTaken = errors.New("passkey already registered to another account")
)

// EndedError is returned for a session token that was valid once: the
// session was revoked or signed out. Reason says how, for the user.
type EndedError struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

func (e *EndedError) Error() string { return "session ended: " + e.Reason }

// Account is one user account.
type Account struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	// EmailVerified is set once a link sent to Email was used (a verified
	// address change, a password reset); an address given at sign-up is
	// not verified.
	EmailVerified bool   `json:"emailVerified,omitempty"`
	PasswordHash  string `json:"passwordHash"`
	DisplayName   string `json:"displayName"`
	// Invited are the invitations sent to the account's address while it
	// had it, newest last: its clients list them to answer (the view shows
	// those still pending).
	Invited []InvitationRef `json:"invited,omitempty"`
	// TimeZone is the account's IANA time zone (empty: UTC).
	TimeZone string    `json:"timeZone,omitempty"`
	Created  time.Time `json:"created"`
	// Version increases with every change to what the account's clients see.
	Version uint64 `json:"version"`
	// LinkEpoch increases with every credential change (password changed
	// or reset, email changed, second factor reset by support): reset and
	// email-change links issued under an earlier epoch no longer work.
	LinkEpoch uint64 `json:"linkEpoch,omitempty"`
	// EventSeq is the sequence number of the account's last event.
	EventSeq uint64 `json:"eventSeq"`
	// ActivitySeq numbers the security activity entries.
	ActivitySeq uint64 `json:"activitySeq"`

	// Consecutive failed sign-in attempts (password or second factor) and
	// the time of the last one; reset by a successful sign-in or a reset.
	Failures    int       `json:"failures"`
	LastFailure time.Time `json:"lastFailure"`

	TwoFactor TwoFactor `json:"twoFactor"`
	// Passkeys are the account's WebAuthn credentials, oldest first: each
	// signs in without a password or serves as the second factor.
	Passkeys []Passkey `json:"passkeys,omitempty"`
	// Avatar is a short hash of the profile picture; empty when none.
	Avatar string `json:"avatar,omitempty"`

	// EmailPrefs are the per-type email settings that differ from the
	// defaults.
	EmailPrefs map[string]bool `json:"emailPrefs,omitempty"`
	// NotifSeq numbers the in-app notifications; Unread counts the unread.
	NotifSeq uint64 `json:"notifSeq"`
	Unread   int    `json:"unread"`
	// Usage is per month ("2026-11"): what the monthly summary reports.
	Usage map[string]Usage `json:"usage,omitempty"`
	// SummarySent is the last month ("2026-10") a usage summary went out for.
	SummarySent string `json:"summarySent,omitempty"`
	// AgentAlerted is when each agent's error-rate alert last went out.
	AgentAlerted map[string]time.Time `json:"agentAlerted,omitempty"`
	// Wallet is the prepaid balance other services report, as text with
	// its currency ("12.50 USD"); it is forfeited on deletion.
	Wallet string `json:"wallet,omitempty"`
	// Alerts are the security alerts not yet answered, oldest first (at
	// most MaxOpenAlerts): answered on any device, gone from all.
	Alerts []OpenAlert `json:"alerts,omitempty"`
	// Export is the last "download my data" request: the archive itself
	// is a Token of kind "export" under the hash of its id.
	Export *Export `json:"export,omitempty"`
	// Grants are the third-party applications (by client id) the user let
	// sign them in through OpenID Connect: "Apps with access".
	Grants map[string]Grant `json:"grants,omitempty"`
	// Facts is a digest of what a session check tells services about the
	// account (email, name, two-factor, workspaces and roles): when it
	// changes, the changes log says so.
	Facts string `json:"facts,omitempty"`
}

// Export is a prepared (or preparing) archive of an account's data.
type Export struct {
	ID        string    `json:"id"`
	Requested time.Time `json:"requested"`
	Ready     time.Time `json:"ready,omitzero"`
	Expires   time.Time `json:"expires,omitzero"`
	Size      int       `json:"size,omitempty"`
}

// MaxOpenAlerts bounds an account's unanswered alerts; the oldest go.
const MaxOpenAlerts = 20

// OpenAlert is an unanswered "Was this you?" about a new session.
type OpenAlert struct {
	ID        uint64    `json:"id"` // the security-alert event's number
	SessionID string    `json:"sessionId"`
	Device    string    `json:"device"`
	Location  string    `json:"location"`
	Address   string    `json:"address"`
	At        time.Time `json:"at"`
}

// Roles in a workspace.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// Workspace is a team; exactly one member is its owner.
type Workspace struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	Members []Member  `json:"members"`
	// Invitations are the pending ones, oldest first; each has a link
	// token (Token kind "invite") stored under TokenHash.
	Invitations []Invitation `json:"invitations,omitempty"`
}

// InvitationRef names an invitation in a workspace.
type InvitationRef struct {
	WorkspaceID  string `json:"workspaceId"`
	InvitationID string `json:"invitationId"`
}

// Invitation is one pending invitation to a workspace.
type Invitation struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	InvitedBy string    `json:"invitedBy"` // account id
	Sent      time.Time `json:"sent"`
	Expires   time.Time `json:"expires"`
	TokenHash string    `json:"tokenHash"`
}

// AuditEntry is one action in a workspace's audit log. Accounts are named
// by id (their names are read when the log is); an invited address is
// named as itself until an account that held it moves to another address,
// when its entries are bound to the account's id (ChangeEmail), so that
// deleting the account forgets every address it had. The names recorded
// stand in only for accounts that are gone.
type AuditEntry struct {
	Seq         uint64    `json:"seq"`
	WorkspaceID string    `json:"workspaceId"`
	At          time.Time `json:"at"`
	Action      string    `json:"action"`
	ActorID     string    `json:"actorId"`
	ActorName   string    `json:"actorName"`
	TargetID    string    `json:"targetId,omitempty"`
	TargetEmail string    `json:"targetEmail,omitempty"`
	TargetName  string    `json:"targetName,omitempty"`
	Detail      string    `json:"detail,omitempty"`
}

// DeletedAccountName stands for a deleted account in audit logs.
const DeletedAccountName = "a deleted account"

// subjects are the accounts and addresses an entry names.
func (e AuditEntry) subjects() []string {
	var out []string
	for _, s := range []string{e.ActorID, e.TargetID, e.TargetEmail} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// bind makes the entry name the account id where it named the address
// email (an invitation to the address the account held), so that it
// follows the account and is forgotten with it.
func (e *AuditEntry) bind(email, id string) bool {
	if e.TargetEmail != email || e.TargetID != "" {
		return false
	}
	e.TargetID, e.TargetEmail = id, ""
	return true
}

// forget makes the entry name "a deleted account" wherever it named a
// (by id or address), keeping nothing of it.
func (e *AuditEntry) forget(a Account) {
	if e.ActorID == a.ID {
		e.ActorID, e.ActorName = "", DeletedAccountName
	}
	if e.TargetID == a.ID || e.TargetEmail == a.Email {
		e.TargetID, e.TargetEmail, e.TargetName = "", "", DeletedAccountName
	}
}

// Member is one account in a workspace.
type Member struct {
	AccountID string    `json:"accountId"`
	Role      string    `json:"role"`
	Joined    time.Time `json:"joined"`
}

// Owner returns the owner's account id.
func (w Workspace) Owner() string {
	for _, m := range w.Members {
		if m.Role == RoleOwner {
			return m.AccountID
		}
	}
	return ""
}

// Role returns the account's role, or "" when it is not a member.
func (w Workspace) Role(accountID string) string {
	for _, m := range w.Members {
		if m.AccountID == accountID {
			return m.Role
		}
	}
	return ""
}

// Resource is something of the account's held by another DialNexa service
// (an agent, a phone number, a call recording, a transcript), mirrored here
// so deleting the account deletes it.
type Resource struct {
	Kind  string `json:"kind"` // "agent", "phone_number", "recording", "transcript"
	ID    string `json:"id"`
	Label string `json:"label,omitempty"`
}

// Usage is one month of reported activity.
type Usage struct {
	Calls     int `json:"calls"`
	Failed    int `json:"failed"`
	Campaigns int `json:"campaigns"`
}

// Notification is one stored in-app notification.
type Notification struct {
	ID    uint64    `json:"id"`
	Type  string    `json:"type"`
	Title string    `json:"title"`
	Body  string    `json:"body"`
	Link  string    `json:"link,omitempty"`
	At    time.Time `json:"at"`
	Read  bool      `json:"read"`
}

// TwoFactor is the account's TOTP state.
type TwoFactor struct {
	Enabled bool   `json:"enabled"`
	Secret  string `json:"secret,omitempty"` // base32 TOTP secret
	// LastStep is the last accepted TOTP time step: a code for this step
	// or an earlier one is refused (each code works once).
	LastStep int64 `json:"lastStep,omitempty"`
	// Pending is a secret being set up, not yet confirmed with a code.
	Pending        string    `json:"pending,omitempty"`
	PendingExpires time.Time `json:"pendingExpires,omitzero"`
	// BackupCodes are hashes of the unused backup codes.
	BackupCodes []string `json:"backupCodes,omitempty"`
}

// Passkey is one WebAuthn credential of an account.
type Passkey struct {
	// ID is the credential id, base64url without padding.
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"lastUsed,omitzero"`
	// Credential is the verified credential (public key, sign count,
	// flags) as the WebAuthn library encodes it.
	Credential json.RawMessage `json:"credential"`
	// Suspect is set when the credential's signature counter went back:
	// a copy of the authenticator may exist. A suspect passkey signs in no
	// more; the user removes it and adds it again.
	Suspect bool `json:"suspect,omitempty"`
}

// Session is one signed-in device. Only the hash of its token is stored.
type Session struct {
	ID         string `json:"id"`
	AccountID  string `json:"accountId"`
	TokenHash  string `json:"tokenHash"`
	DeviceKind string `json:"deviceKind"`
	Device     string `json:"device"`
	Location   string `json:"location"`
	// Address is the client's address at sign-in, masked (203.0.113.x).
	Address    string    `json:"address,omitempty"`
	DeviceHash string    `json:"deviceHash,omitempty"`
	Created    time.Time `json:"created"`
	LastActive time.Time `json:"lastActive"`
	// SteppedUp is when the password was last entered again in this
	// session for a takeover-grade action (account.StepUpWindow).
	SteppedUp time.Time `json:"steppedUp,omitzero"`
	// AuthTime is when the user last proved who they are for this
	// session, and AMR how (OpenID Connect amr values: "pwd", "otp",
	// "hwk", "mfa"). Zero for sessions older than their keeping: Created.
	AuthTime time.Time `json:"authTime,omitzero"`
	AMR      []string  `json:"amr,omitempty"`
	// AppID is the application an OpenID Connect sign-in started this
	// session for; empty for the panel and the desktop app. Ending such a
	// session queues a back-channel logout to the application.
	AppID string `json:"appId,omitempty"`
	// HandedOver is set once an application's session got a token of its
	// own (the desktop app signing in as a native OAuth client).
	HandedOver bool `json:"handedOver,omitempty"`
}

// Authenticated is when the user last proved who they are for the session.
func (s Session) Authenticated() time.Time {
	if s.AuthTime.IsZero() {
		return s.Created
	}
	return s.AuthTime
}

// Mail is one message in the outbox, written in the transaction of the
// change that caused it and delivered by a worker.
type Mail struct {
	ID       uint64    `json:"id"`
	To       string    `json:"to"`
	Subject  string    `json:"subject"`
	Text     string    `json:"text"`
	Link     string    `json:"link,omitempty"` // the action link, logged by the file transport
	Created  time.Time `json:"created"`
	Attempts int       `json:"attempts"`
	Next     time.Time `json:"next"`
	LastErr  string    `json:"lastErr,omitempty"`
	// Logout, when set, makes this not a mail but a back-channel logout
	// owed to an application (To, Subject and Text are empty).
	Logout *AppLogout `json:"logout,omitempty"`
}

// Event is an in-app notification or security alert for an account's
// clients, numbered in order per account.
type Event struct {
	Seq     uint64    `json:"seq"`
	Kind    string    `json:"kind"`
	Payload []byte    `json:"payload"`
	Created time.Time `json:"created"`
}

// Activity is one entry of an account's security activity.
type Activity struct {
	Seq    uint64    `json:"seq"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail"`
	At     time.Time `json:"at"`
}

// Token is a single-use secret link (password reset, email verification),
// stored under the hash of the secret.
type Token struct {
	Kind      string    `json:"kind"`
	AccountID string    `json:"accountId"`
	Expires   time.Time `json:"expires"`
	Data      string    `json:"data,omitempty"`
	// Epoch is the account's LinkEpoch when the link was issued (reset and
	// email-change links) or the browser sign-in approved.
	Epoch uint64 `json:"epoch,omitempty"`
}

// Job is durable work over every account (a broadcast, the monthly
// summaries, retention), done in batches by one node at a time: Cursor is
// the last account id done, saved with each batch, so a job resumes where
// it stopped and touches no account twice. It is finished when Finished
// is set.
type Job struct {
	ID   string          `json:"id"`
	Kind string          `json:"kind"`
	Args json.RawMessage `json:"args,omitempty"`
	// Stage is where a job of several steps stands.
	Stage    string    `json:"stage,omitempty"`
	Cursor   string    `json:"cursor,omitempty"`
	Accounts int       `json:"accounts"` // accounts handled so far
	Count    int       `json:"count"`    // what it did so far (notifications, records pruned)
	Created  time.Time `json:"created"`
	Finished time.Time `json:"finished,omitzero"`
}

// Bucket is a token bucket: Tokens at time At.
type Bucket struct {
	Tokens float64   `json:"tokens"`
	At     time.Time `json:"at"`
}

// Failures counts failed attempts: Count of them, the last at Last.
type Failures struct {
	Count int       `json:"count"`
	Last  time.Time `json:"last"`
}
