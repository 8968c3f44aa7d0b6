package account

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Names of the mutations a client may queue while offline. Each is idempotent
// and last-writer-wins per field, so replaying one is harmless.
const (
	MutSetDisplayName = "setDisplayName"
)

// SetDisplayName is the argument of MutSetDisplayName.
type SetDisplayName struct {
	DisplayName string `json:"displayName"`
}

// Apply applies the named mutation with its JSON arguments to v. The server
// calls it on the authoritative state and clients call it to rebase their
// pending queue on the confirmed view, so both reach the same result. It
// returns a *RuleError for input the rules refuse and leaves v unchanged on
// any error.
func Apply(v *View, name string, args json.RawMessage) error {
	switch name {
	case MutSetDisplayName:
		var a SetDisplayName
		if err := decodeStrict(args, &a); err != nil {
			return err
		}
		n, err := NormalizeDisplayName(a.DisplayName)
		if err != nil {
			return err
		}
		v.Profile.DisplayName = n
		return nil
	default:
		return invalid("mutation", "Unknown change %q; update the app.", name)
	}
}

// NewMutationArgs encodes the arguments of a mutation.
func NewMutationArgs(a any) json.RawMessage {
	b, err := json.Marshal(a)
	if err != nil {
		panic(fmt.Sprintf("account: encode mutation args: %v", err)) // only for types of this package
	}
	return b
}

func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return invalid("mutation", "Malformed change: %v.", err)
	}
	if d.More() {
		return invalid("mutation", "Malformed change: trailing data.")
	}
	return nil
}
