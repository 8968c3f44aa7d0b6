package model

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the fields a user types, from the product documentation.
const (
	DisplayNameMin = 2
	DisplayNameMax = 50
	// maxRunesPerCharacter bounds the code points of one visible character
	// of a display name: the longest emoji sequences (a family with skin
	// tones) have 11; text stacked with dozens of combining marks is refused.
	maxRunesPerCharacter = 16
	PasswordMin          = 8
	// PasswordMax bounds the work one sign-in can cost; it is far above
	// what a password manager generates and is never silently truncated.
	PasswordMax = 256
	// EmailMax is the longest address SMTP can carry (RFC 5321 path limit).
	EmailMax      = 254
	emailLocalMax = 64
)

// ErrInvalid is matched (with errors.Is) by every *RuleError.
var ErrInvalid = errors.New("invalid input")

// RuleError says which field broke which rule, in a sentence a user can act on.
type RuleError struct {
	Field string // "displayName", "password", "email"
	Msg   string
}

func (e *RuleError) Error() string { return e.Msg }

// Is reports whether target is ErrInvalid.
func (e *RuleError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &RuleError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// NormalizeDisplayName trims surrounding space from name and checks it: 2 to
// 50 characters (counted as people see them), with no control, invisible or
// text-direction characters (DisplayNameLabel). It returns the name to
// store.
func NormalizeDisplayName(name string) (string, error) { return DisplayNameLabel.Normalize(name) }

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

func isInvisible(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x2060, 0xFEFF, 0x00AD, 0x180E:
		return true
	}
	// Format characters are invisible; the zero-width joiner is allowed
	// because emoji sequences need it.
	return unicode.Is(unicode.Cf, r) && r != 0x200D
}

// CheckPassword applies the product's password rule: at least 8 characters,
// at least one number and at least one special character. Every character
// counts; nothing is truncated. Longer checks (common and context passwords)
// are layered on top by the server.
func CheckPassword(pw string) error {
	if !utf8.ValidString(pw) {
		return invalid("password", "Password is not valid text.")
	}
	n := utf8.RuneCountInString(pw)
	if n < PasswordMin {
		return invalid("password", "Password must be at least %d characters.", PasswordMin)
	}
	if n > PasswordMax {
		return invalid("password", "Password must be at most %d characters.", PasswordMax)
	}
	var digit, special bool
	for _, r := range pw {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case !unicode.IsLetter(r) && !unicode.IsSpace(r) && !unicode.IsControl(r):
			special = true
		}
	}
	if !digit {
		return invalid("password", "Password must include a number.")
	}
	if !special {
		return invalid("password", "Password must include a special character such as ! ? # or %%.")
	}
	return nil
}

// NormalizeEmail checks a typed email address and returns its canonical form
// (surrounding space trimmed, lower case). Only plain ASCII addresses are
// accepted: display-name forms ("Name <a@b>"), line breaks, look-alike
// letters from other scripts and fullwidth forms are refused, so two
// accounts can never hold addresses that look the same.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("email", "Enter your email address.")
	}
	if len(s) > EmailMax {
		return "", invalid("email", "Email address is too long (at most %d characters).", EmailMax)
	}
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			return "", invalid("email", "Email address cannot contain line breaks.")
		case r > unicode.MaxASCII:
			return "", invalid("email", "Email address can only use plain letters (a-z), digits and . _ + - characters.")
		case r == '<' || r == '>' || r == ' ' || r == ',' || r == ';' || r == '"' || r == '(' || r == ')' || unicode.IsControl(r):
			return "", invalid("email", "Enter just the address, like name@example.com.")
		}
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 {
		return "", invalid("email", "Enter an address like name@example.com.")
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > emailLocalMax {
		return "", invalid("email", "The part before @ is too long (at most %d characters).", emailLocalMax)
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "", invalid("email", "Enter an address like name@example.com.")
	}
	for _, r := range local {
		if !(isAlnum(r) || strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", r)) {
			return "", invalid("email", "Email address can only use plain letters (a-z), digits and . _ + - characters.")
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", invalid("email", "The domain after @ must look like example.com.")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", invalid("email", "The domain after @ must look like example.com.")
		}
		for _, r := range l {
			if !isAlnum(r) && r != '-' {
				return "", invalid("email", "The domain after @ must look like example.com.")
			}
		}
	}
	return strings.ToLower(s), nil
}

func isAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}
