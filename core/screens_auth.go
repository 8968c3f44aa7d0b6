package core

// AuthMode is which form the signed-out screen shows.
type AuthMode int

// The signed-out forms.
const (
	AuthSignIn AuthMode = iota
	AuthSignUp
	AuthForgot
)

// Words of the signed-out forms.
const (
	TextEmail           = "Email"
	TextDisplayNameNew  = "Display name (2–50 characters)"
	TextPassword        = "Password"
	TextConfirmPassword = "Confirm password"
	TextCodeField       = "Code from your authenticator app, or a backup code"
	TextForgotIntro     = "Enter your account's email address. We will send a link to set a new password; it works for 1 hour."
	TextPasskeySignIn   = "Sign in with a passkey"
	TextUsePasskey      = "Use your passkey"
)

// AuthState is where the user is on the signed-out screen.
type AuthState struct {
	Mode AuthMode
	// NeedCode: the server asked for the second factor.
	NeedCode bool
	// PasskeyFactor: the second factor may be a passkey (Codes says
	// whether a code works too).
	PasskeyFactor *PasskeyRequired
	// Step is what the server said to do for the second factor (an
	// instruction, not an error).
	Step string
	// Busy: a request is on its way.
	Busy bool
}

// AuthView is the signed-out screen: sign in, create an account, or ask
// for a password reset.
type AuthView struct {
	Title string
	// Intro explains the form ("" none).
	Intro  string
	Notice string
	// Step is the second factor's instruction, shown as one ("" none).
	Step string
	// The fields shown (the email always is).
	Name, Password, Confirm, Code bool
	// NewPassword: the password field takes a new password (autocomplete
	// "new-password"), with PasswordLabel saying the rules.
	NewPassword   bool
	PasswordLabel string
	// UsePasskey is the second factor by passkey (the panel).
	UsePasskey bool
	// Passkey is "Sign in with a passkey", Browser the desktop app's
	// "Sign in with your browser"; Forgot is TextForgotPassword.
	Passkey, Browser, Forgot bool
	Submit                   Button
	// Toggle switches between signing in and the other forms.
	Toggle string
}

// Auth is the signed-out screen for state st; the snapshot gives the
// notice (why the user was signed out).
func (s Snapshot) Auth(st AuthState) AuthView {
	v := AuthView{Notice: s.Notice, PasswordLabel: TextPassword, Submit: Button{Control: Control{Enabled: !st.Busy}}}
	if st.Busy {
		v.Submit.Reason = "Waiting for the server…"
	}
	switch st.Mode {
	case AuthSignUp:
		v.Title, v.Submit.Text, v.Toggle = "Create your DialNexa account", "Create account", "I have an account: sign in"
		v.Name, v.Password, v.Confirm, v.NewPassword = true, true, true, true
		v.PasswordLabel = "Password (8+ characters, a number and a special character)"
	case AuthForgot:
		v.Title, v.Submit.Text, v.Toggle = "Reset your password", "Send reset link", "Back to sign-in"
		v.Intro = TextForgotIntro
	default:
		v.Title, v.Submit.Text, v.Toggle = TextSignInTitle, "Sign in", "Create an account"
		v.Password, v.Forgot = true, true
		v.Code = st.NeedCode && (st.PasskeyFactor == nil || st.PasskeyFactor.Codes)
		if st.NeedCode {
			v.Step = st.Step
		}
		v.UsePasskey = st.PasskeyFactor != nil
		v.Passkey, v.Browser = !st.NeedCode, !st.NeedCode
	}
	return v
}

// HandOffStep is where the desktop app's sign-in through a browser is.
type HandOffStep int

// The steps of the browser hand-off.
const (
	HandOffNone      HandOffStep = iota // the buttons that start it
	HandOffBrowser                      // the system browser signs in for the app
	HandOffCode                         // a code to check in the browser opened here
	HandOffNoBrowser                    // no browser here: an address and a code for another device
)

// HandOffView is the desktop app's "Sign in with your browser" box.
type HandOffView struct {
	// Start and UseCode are the buttons that begin it (shown at HandOffNone).
	Start, UseCode string
	// Waiting: the box with Hint, Address, Code, Reopen and Cancel shows.
	Waiting       bool
	Hint, Address string
	Code          string
	// Reopen is "Open the browser again" (not when there is none).
	Reopen string
	Cancel string
}

// HandOff is the hand-off box at step, with the address to open and the
// code to check (where the step has them).
func HandOff(step HandOffStep, address, code string) HandOffView {
	v := HandOffView{Cancel: "Cancel", Reopen: "Open the browser again"}
	switch step {
	case HandOffNone:
		return HandOffView{Start: TextBrowserSignIn, UseCode: TextCodeSignIn}
	case HandOffBrowser:
		v.Hint = TextNativeSignInWaiting
	case HandOffCode:
		v.Hint, v.Code = TextBrowserSignInWaiting, code
	case HandOffNoBrowser:
		v.Hint, v.Address, v.Code, v.Reopen = TextNoBrowser, address, code, ""
	}
	v.Waiting = true
	return v
}
