package account

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// MaxPasskeyName is the longest name a passkey may have, in characters.
const MaxPasskeyName = 64

// NormalizePasskeyName trims a passkey's name and checks it: 1 to 64
// characters, so passkeys can be told apart.
func NormalizePasskeyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxPasskeyName {
		return "", errors.New("Name the passkey (up to 64 characters), so you can tell your passkeys apart.")
	}
	return name, nil
}
