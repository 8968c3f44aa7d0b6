package account

import (
	"errors"
	"fmt"
	"time"

	"github.com/dialnexa/account/core/model"
)

// Kind is what sort of refusal an Error is; adapters map it to a status.
type Kind int

const (
	Invalid         Kind = iota + 1 // the input broke a rule
	Unauthenticated                 // no valid session or credentials
	Forbidden                       // the caller may not do that
	NotFound                        // the thing does not exist (for the caller)
	Conflict                        // the state does not allow it
	TooLarge                        // the input is over a size limit
	Unsupported                     // a format the server does not take
	Throttled                       // too many attempts or requests
	Busy                            // the server has no room for it now
)

// Reason narrows a Kind where the client acts on the difference: a
// second factor to ask for, a session to sign in again, a link to send
// again. Adapters map a Kind and its Reason to their protocol's code.
type Reason int

const (
	NoReason       Reason = iota
	BadCredentials        // unknown email, wrong password or code
	SessionEnded          // the session was revoked or signed out
	SecondFactor          // the password was right; a second factor is needed
	StepUpRequired        // the action needs the password entered again
	Expired               // a link or code that expired or was used
	SlowDown              // polling faster than asked (RFC 8628)
	Malformed             // a request that does not fit its shape
)

// Error is a refusal a user can act on: its kind (and reason), a message
// the user can act on, and for Throttled and Busy, when to try again.
type Error struct {
	Kind    Kind
	Reason  Reason
	Message string
	// RetryAfter, when not zero, is how many seconds to wait.
	RetryAfter int
	// Blocking lists the workspaces that keep an account from being
	// deleted.
	Blocking []model.BlockingWorkspace
	// Passkey, with a second-factor refusal, is the ceremony a passkey
	// answers instead of a code.
	Passkey *PasskeyCeremony
	// Codes, with Passkey, says an authenticator app's code (or a backup
	// code) is accepted too.
	Codes bool
}

func (e *Error) Error() string { return e.Message }

func refuse(kind Kind, reason Reason, format string, a ...any) *Error {
	return &Error{Kind: kind, Reason: reason, Message: fmt.Sprintf(format, a...)}
}

func invalid(format string, a ...any) *Error {
	return refuse(Invalid, NoReason, format, a...)
}

func notFound(format string, a ...any) *Error {
	return refuse(NotFound, NoReason, format, a...)
}

func forbidden(format string, a ...any) *Error {
	return refuse(Forbidden, NoReason, format, a...)
}

func throttled(retryAfter int, format string, a ...any) *Error {
	e := refuse(Throttled, NoReason, format, a...)
	e.RetryAfter = retryAfter
	return e
}

// tooMany refuses a request over a per-address or per-account limit.
func tooMany() *Error {
	return throttled(60, "Too many attempts; wait a minute and try again.")
}

// ruleError turns a shared rule's refusal (an invalid email, say) into an
// Error; other errors pass through.
func ruleError(err error) error {
	var re *model.RuleError
	if errors.As(err, &re) {
		return invalid("%s", re)
	}
	return err
}

// Sign-in and attempt refusals shared by several commands.
var (
	errBadCredentials = refuse(Unauthenticated, BadCredentials, "Email or password is incorrect.")
	errCodeRefused    = refuse(Unauthenticated, BadCredentials, "That code is not valid or was already used.")
	errSessionEnded   = refuse(Unauthenticated, SessionEnded, "This session has ended; sign in again.")
)

// attemptBusy refuses an attempt while another for the account is in progress.
const attemptBusy = "Another attempt is in progress; try again in a moment."

// errBadCode stops a transaction whose second-factor code was refused.
var errBadCode = errors.New("bad second-factor code")

// retrySeconds rounds a wait up to whole seconds.
func retrySeconds(d time.Duration) int { return int(d.Seconds() + 0.999) }
