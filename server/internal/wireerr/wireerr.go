// Package wireerr maps the account service's refusals to the protocol's
// error codes: the one place a refusal's Kind and Reason meet the wire,
// for both adapters (the HTTP API and the sync socket).
package wireerr

import (
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/sync/wire"
)

// kinds are the codes of the kinds of refusal, reasons the codes that
// narrow them.
var (
	kinds = map[account.Kind]wire.Code{
		account.Invalid:         wire.CodeInvalidArgument,
		account.Unauthenticated: wire.CodeUnauthorized,
		account.Forbidden:       wire.CodeForbidden,
		account.NotFound:        wire.CodeNotFound,
		account.Conflict:        wire.CodeConflict,
		account.TooLarge:        wire.CodeTooLarge,
		account.Unsupported:     wire.CodeUnsupported,
		account.Throttled:       wire.CodeRateLimited,
		account.Busy:            wire.CodeRateLimited,
	}
	reasons = map[account.Reason]wire.Code{
		account.BadCredentials: wire.CodeBadCredentials,
		account.SessionEnded:   wire.CodeRevoked,
		account.SecondFactor:   wire.CodeSecondFactor,
		account.StepUpRequired: wire.CodeStepUp,
		account.Expired:        wire.CodeExpired,
		account.SlowDown:       wire.CodeSlowDown,
		account.Malformed:      wire.CodeBadMessage,
	}
)

// Code is the wire code of a refusal: its reason's, or its kind's.
func Code(e *account.Error) wire.Code {
	if c, ok := reasons[e.Reason]; ok {
		return c
	}
	if c, ok := kinds[e.Kind]; ok {
		return c
	}
	return wire.CodeInvalidArgument
}

// Of is the refusal as the wire carries it: its code and message, and
// when to try again.
func Of(e *account.Error) *wire.Error {
	w := wire.Errorf(Code(e), "%s", e.Message)
	if e.RetryAfter > 0 {
		w.RetryAfterMs = int64(e.RetryAfter) * 1000
	}
	return w
}
