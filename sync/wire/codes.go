package wire

import "fmt"

// Code is a stable numeric error code sent over the wire, in websocket
// error messages and in HTTP error bodies. The table is append only: a code
// is never renumbered or reused.
type Code int

// The error-code table.
const (
	CodeOK              Code = 0
	CodeBadMessage      Code = 1  // malformed JSON or a message that does not fit its type
	CodeUnknownType     Code = 2  // a message type this end does not know
	CodeTooLarge        Code = 3  // a body or message over the size limit
	CodeUnauthorized    Code = 4  // no valid session
	CodeRevoked         Code = 5  // the session was revoked or signed out
	CodeSchemaMismatch  Code = 6  // the client's cache schema is not the server's
	CodeInvalidArgument Code = 7  // input broke a rule; the message says which
	CodeRateLimited     Code = 8  // too many requests or messages
	CodeInternal        Code = 9  // the server failed; retry later
	CodeBadCredentials  Code = 10 // unknown email or wrong password
	CodeConflict        Code = 11 // the request cannot be completed as asked
	CodeNotFound        Code = 12 // the thing asked for does not exist
	CodeForbidden       Code = 13 // cross-origin or otherwise not allowed
	CodeUnsupported     Code = 14 // unsupported media type or method
	CodeSecondFactor    Code = 15 // the password was right; a 2FA code is needed
	CodeExpired         Code = 16 // a link or code that has expired or was used
	CodeUpdateRequired  Code = 17 // the client speaks a protocol version the server no longer serves
	CodeStepUp          Code = 18 // the action needs the password entered again
	CodeSlowDown        Code = 19 // polling faster than asked: wait longer between polls (RFC 8628)
)

var codeNames = map[Code]string{
	CodeOK:              "ok",
	CodeBadMessage:      "bad_message",
	CodeUnknownType:     "unknown_type",
	CodeTooLarge:        "too_large",
	CodeUnauthorized:    "unauthorized",
	CodeRevoked:         "revoked",
	CodeSchemaMismatch:  "schema_mismatch",
	CodeInvalidArgument: "invalid_argument",
	CodeRateLimited:     "rate_limited",
	CodeInternal:        "internal",
	CodeBadCredentials:  "bad_credentials",
	CodeConflict:        "conflict",
	CodeNotFound:        "not_found",
	CodeForbidden:       "forbidden",
	CodeUnsupported:     "unsupported",
	CodeSecondFactor:    "second_factor_required",
	CodeExpired:         "expired",
	CodeUpdateRequired:  "update_required",
	CodeStepUp:          "step_up_required",
	CodeSlowDown:        "slow_down",
}

// String returns the code's stable name, such as "invalid_argument".
func (c Code) String() string {
	if n, ok := codeNames[c]; ok {
		return n
	}
	return fmt.Sprintf("code_%d", int(c))
}

// Error is an error that crosses the wire: a stable code and a sentence the
// user can act on.
type Error struct {
	Code    Code   `json:"code"`
	Name    string `json:"name,omitempty"`
	Message string `json:"message"`
	// RetryAfterMs, on CodeRateLimited and CodeInternal, is how long to
	// wait before trying again (0: the client's own backoff).
	RetryAfterMs int64 `json:"retryAfterMs,omitempty"`
}

// Errorf returns an *Error with code c and a formatted message.
func Errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Name: c.String(), Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%s)", e.Message, e.Code) }

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}
