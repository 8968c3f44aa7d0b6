package core

import (
	"errors"

	"github.com/dialnexa/account/sync/wire"
)

// UserMessage turns an error from a Client action into a sentence for the
// user: the server's or the rules' own message where there is one.
func UserMessage(err error) string {
	var we *wire.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &we):
		return we.Message
	case errors.Is(err, ErrOffline):
		return "You are offline. This needs a connection to DialNexa; try again when you are back online."
	}
	return err.Error()
}
