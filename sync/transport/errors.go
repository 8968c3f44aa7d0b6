package transport

import (
	"errors"

	"github.com/dialnexa/account/sync/wire"
)

// IsProtocolError reports whether err is a message that failed to decode
// (the connection is still open).
func IsProtocolError(err error) bool {
	var we *wire.Error
	return errors.As(err, &we)
}
