package core

import (
	"strconv"
	"strings"
)

// The words both clients show, and the small rules behind them, in one
// place: the desktop app and the browser panel lay them out, each in its
// own toolkit, and say the same thing.
const (
	TextSignInTitle    = "Sign in to DialNexa"
	TextForgotPassword = "Forgot password?"
	TextWaitingToSync  = "Waiting to sync"

	TextSecurityOffline      = "You are offline. Security settings need a connection to DialNexa; they will be available when you are back online."
	TextPasswordHint         = "Your other devices stay signed in unless you choose otherwise."
	TextActivityHint         = "Sign-ins, new devices, password, two-factor and passkey changes, newest first."
	TextRevokeOthers         = "Revoke all other sessions"
	TextTwoFactorOn          = "On. Sign-in asks for a code from your authenticator app."
	TextTwoFactorOff         = "Off. Strongly recommended for every account."
	TextYourPassword         = "Your password"
	TextAddPasskeyInBrowser  = "To add one, open the Security screen of the DialNexa panel in your browser: the passkey is made there, with your computer's or phone's authenticator."
	TextBrowserSignIn        = "Sign in with your browser (passkey)"
	TextBrowserSignInWaiting = "Your browser opened DialNexa. Sign in there (with your passkey, for example), check that it shows this code, and approve. This app then signs in by itself."
	// TextNativeSignInWaiting is shown while the system browser signs in
	// for the app (the code comes back to it directly).
	TextNativeSignInWaiting = "Your browser opened DialNexa. Sign in there (with your passkey, for example); this app then signs in by itself."
	// TextCodeSignIn starts the sign-in with a code, for a computer where
	// no browser can be opened.
	TextCodeSignIn = "No browser on this computer? Sign in with a code"
	// TextNoBrowser says why the code is shown: no browser could be opened
	// here, so the sign-in happens on another device.
	TextNoBrowser         = "No browser could be opened on this computer. Open this address on another device, sign in there, check that it shows this code, and approve:"
	TextExportPassword    = "Password (asked again to prepare your data)"
	TextExportHint        = "Take your data with you: a zip with everything your account holds (profile, notification settings and inbox, sessions, security activity, workspaces, and what other DialNexa services reported) as data.json, and a readable summary. Large accounts take a moment; it appears in the bell when it is ready."
	TextPasskeysHint      = "A passkey signs you in with your fingerprint, face or screen lock instead of your password, and confirms a password sign-in as the second factor. It works only on this site, so it cannot be phished."
	TextCodeOrBackup      = "2FA code or backup code"
	BackupCodesFileName   = "dialnexa-backup-codes.txt"
	TextDeletionPermanent = "Account deletion is permanent and cannot be undone."
	TextShowDeletion      = "Show what will be deleted"
	TextTypeEmail         = "Type your email address to confirm"
	TextDeleteAccount     = "Delete my account"
)

// FewBackupCodesText warns that few backup codes are left.
func FewBackupCodesText(left int) string {
	return "Only " + strconv.Itoa(left) + " backup codes left: generate a new set."
}

// BackupCodesText is the file of backup codes the user saves.
func BackupCodesText(codes []string) string {
	return "DialNexa backup codes\nEach code works once. Keep them somewhere safe.\n\n" + strings.Join(codes, "\n") + "\n"
}

// CheckSignUpConfirmation and CheckNewPasswordConfirmation say why a
// password and its confirmation cannot be used ("" when they match).
func CheckSignUpConfirmation(password, confirm string) string {
	if password != confirm {
		return "The two passwords do not match."
	}
	return ""
}

func CheckNewPasswordConfirmation(next, confirm string) string {
	if next != confirm {
		return "The two new passwords do not match."
	}
	return ""
}

// Screen is one of the settings screens: the panel's route and the name
// both clients show (the panel's nav, the desktop app's tabs).
type Screen struct{ Route, Name string }

// SecurityParts are the parts of the Security screen in order: the
// panel's #/security/<route> addresses and the index at its top.
var SecurityParts = []Screen{
	{"password", "Password"}, {"two-factor", "Two-factor authentication"}, {"passkeys", "Passkeys"},
	{"sessions", "Active sessions"}, {"apps", "Apps with access"}, {"activity", "Security activity"},
}

// Screens are the settings screens in order.
var Screens = []Screen{
	{"profile", "Profile"}, {"security", "Security"}, {"notifications", "Notifications"},
	{"workspaces", "Workspaces"}, {"danger", "Danger Zone"},
}
