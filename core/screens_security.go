package core

import (
	"strings"
	"time"
)

// Words of the Security screen.
const (
	TextNewPasswordField   = "New password (8+ characters, a number and a special character)"
	TextConfirmNewPassword = "Confirm new password"
	TextSignOutOthers      = "Also sign out my other devices"
	TextPasswordChanged    = "Your password has been changed."
	TextNothingYet         = "Nothing yet."
	TextSessionsHint       = "If you see a session you don't recognize, revoke it and change your password."
	TextSessionsOffline    = "You are offline: revoking a session needs a connection."
	TextThisDevice         = "This device"
	TextNoPasskeys         = "No passkeys yet."
	TextPasskeyName        = "Name for a new passkey"
	TextPasskeyRenamed     = "Passkey renamed."
	TextRename             = "Rename"
	TextSaveName           = "Save name"
	TextCancel             = "Cancel"
	TextPasskeyRemoved     = "Passkey removed."
)

// SecurityView is Settings → Account → Security around its cards (each
// card has its own view model): the offline and keychain notices, the
// password change and the security activity.
type SecurityView struct {
	Offline string
	// Keychain says the session token is kept in the app's data file, not
	// the OS keychain ("" when all is well).
	Keychain       string
	ChangePassword Control
	Activity       []ActivityRow
	// NoActivity is shown when the list is empty ("" otherwise).
	NoActivity string
}

// ActivityRow is one line of the security activity, newest first.
type ActivityRow struct {
	Kind string
	At   time.Time
	// When is At as the client writes it.
	When, Detail string
}

// Security is the Security screen's frame.
func (s Snapshot) Security(d Dates) SecurityView {
	v := SecurityView{Offline: s.offlineNotice(TextSecurityOffline), Keychain: s.KeychainNotice, ChangePassword: s.ServerAction()}
	for _, a := range s.View.Activity {
		v.Activity = append(v.Activity, ActivityRow{Kind: a.Kind, At: a.At, When: d.Time(a.At), Detail: a.Detail})
	}
	if len(v.Activity) == 0 {
		v.NoActivity = TextNothingYet
	}
	return v
}

// SessionsView is the active sessions card.
type SessionsView struct {
	Offline      string
	Rows         []SessionRow
	RevokeOthers Control
}

// SessionRow is one line of the active sessions list.
type SessionRow struct {
	ID         string
	Device     string
	ThisDevice bool
	// Detail is the second line: kind, place, when it signed in and when
	// it was last active.
	Detail string
	Revoke Control
}

// Sessions is the active sessions list, this device marked; revoking
// needs the server.
func (s Snapshot) Sessions(d Dates) SessionsView {
	v := SessionsView{Offline: s.offlineNotice(TextSessionsOffline), RevokeOthers: s.RevokeOthers()}
	revoke := s.serverAction("Revoking needs a connection to the server.")
	for _, x := range s.View.Sessions {
		v.Rows = append(v.Rows, SessionRow{ID: x.ID, Device: x.Device, ThisDevice: x.ID == s.SessionID, Revoke: revoke,
			Detail: x.DeviceKind + " · " + x.Location + " · signed in " + d.Time(x.Created) + " · last active " + d.Ago(x.LastActive)})
	}
	return v
}

// AppsView is "Apps with access".
type AppsView struct {
	Rows []AppRow
	// Empty is shown when no app has access ("" otherwise).
	Empty string
}

// AppRow is one line of "Apps with access".
type AppRow struct {
	ID, Name string
	// Detail says what the app may see and since when.
	Detail string
	Remove Control
}

// TextNoApps is what "Apps with access" says when it is empty.
const TextNoApps = "No apps have access. When you allow an app to sign you in with your DialNexa account, it is listed here."

// Apps is the apps list; removing needs the server.
func (s Snapshot) Apps(d Dates) AppsView {
	var v AppsView
	remove := s.serverAction("Removing an app's access needs a connection to the server.")
	for _, a := range s.View.Apps {
		v.Rows = append(v.Rows, AppRow{ID: a.ID, Name: a.Name, Remove: remove,
			Detail: "Can see: " + strings.Join(a.Sees, ", ") + " · allowed " + d.Time(a.Granted)})
	}
	if len(v.Rows) == 0 {
		v.Empty = TextNoApps
	}
	return v
}

// PasskeysView is the passkeys card: the list (rename, remove) and, in
// the panel, adding one with the browser's authenticator.
type PasskeysView struct {
	Rows []PasskeyRow
	// Empty is shown when there is none ("" otherwise).
	Empty string
	// Add is adding a passkey (the panel; the desktop app says where).
	Add Control
	// AskPassword: adding or removing needs the password (no step-up
	// window is open).
	AskPassword bool
	// Confirm is the removal being confirmed, nil when none is.
	Confirm *PasskeyRemoval
}

// PasskeyRow is one passkey.
type PasskeyRow struct {
	ID, Name string
	// Summary is when it was added and last used, or why it is refused.
	Summary string
	// Suspect: its counter went back; it no longer signs in.
	Suspect        bool
	Rename, Remove Control
}

// PasskeyRemoval is the question before a passkey is removed.
type PasskeyRemoval struct {
	ID, Title, Text string
	Remove          Control
	// AskPassword: the question asks for the password in a field of its
	// own (no step-up window is open).
	AskPassword bool
	// Yes and No are the dialog's buttons.
	Yes, No string
}

// Passkeys is the passkeys card; removing is the passkey whose removal
// is being confirmed ("" none), stepUpOpen whether this session proved
// its password recently.
func (s Snapshot) Passkeys(d Dates, removing string, stepUpOpen bool) PasskeysView {
	action := s.ServerAction()
	v := PasskeysView{Add: action, AskPassword: !stepUpOpen}
	for _, pk := range s.View.Passkeys {
		v.Rows = append(v.Rows, PasskeyRow{ID: pk.ID, Name: pk.Name, Summary: PasskeySummary(pk, d.Time), Suspect: pk.Suspect,
			Rename: action, Remove: action})
		if pk.ID == removing {
			v.Confirm = &PasskeyRemoval{ID: pk.ID, Title: "Remove this passkey?", Text: RemovePasskeyWarning(s.View, pk.ID),
				Remove: action, AskPassword: !stepUpOpen, Yes: "Remove passkey", No: "Keep it"}
		}
	}
	if len(v.Rows) == 0 {
		v.Empty = TextNoPasskeys
	}
	return v
}

// PasskeyAdded is what the panel says once a passkey was added.
func PasskeyAdded(name string) string {
	return "Passkey “" + name + "” added. You can now sign in with it."
}
