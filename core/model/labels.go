package model

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Label is a kind of name or note a person types and others read: in the
// clients, in the security activity, in mails. Every one follows the same
// rule (Normalize): surrounding space trimmed; no control, invisible or
// text-direction characters and no line breaks, which could forge lines
// of a mail or reverse what a reader sees; between Min and Max
// characters as people see them (one emoji or one accented letter is one,
// however many code points it is made of).
type Label struct {
	Field string // the field a RuleError names: "displayName"
	Name  string // how messages call it: "Display name"
	Min   int
	Max   int
	// Empty, when set, is the message for an empty label (or one shorter
	// than Min); otherwise it is "<Name> cannot be empty." or "must be at
	// least".
	Empty string
}

// The labels people type.
var (
	DisplayNameLabel   = Label{Field: "displayName", Name: "Display name", Min: DisplayNameMin, Max: DisplayNameMax}
	PasskeyNameLabel   = Label{Field: "passkeyName", Name: "Passkey name", Min: 1, Max: MaxPasskeyName, Empty: "Name the passkey (up to 64 characters), so you can tell your passkeys apart."}
	WorkspaceNameLabel = Label{Field: "workspaceName", Name: "Workspace name", Min: 2, Max: 60, Empty: "A workspace name has 2 to 60 characters."}
	// SupportNoteLabel is support's note of how an owner's identity was
	// verified before turning off their second factor.
	SupportNoteLabel = Label{Field: "note", Name: "The note", Min: 5, Max: 200, Empty: "Say how the owner's identity was verified, in at least 5 characters (a ticket number, for example)."}
)

// Normalize trims s and checks it against the label's rule, returning the
// label to store or a *RuleError saying what to change.
func (l Label) Normalize(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", invalid(l.Field, "%s is not valid text.", l.Name)
	}
	s = strings.TrimFunc(s, unicode.IsSpace)
	for _, r := range s {
		switch {
		case isBidiControl(r):
			return "", invalid(l.Field, "%s cannot contain text-direction control characters.", l.Name)
		case isInvisible(r):
			return "", invalid(l.Field, "%s cannot contain invisible characters.", l.Name)
		case unicode.IsControl(r) || (unicode.IsSpace(r) && r != ' '):
			return "", invalid(l.Field, "%s cannot contain line breaks, tabs or control characters.", l.Name)
		}
	}
	n := 0
	for g := uniseg.NewGraphemes(s); g.Next(); n++ {
		if len(g.Runes()) > maxRunesPerCharacter {
			return "", invalid(l.Field, "%s has a character built from more than %d parts; remove the stacked marks.", l.Name, maxRunesPerCharacter)
		}
	}
	switch {
	case n < l.Min && l.Empty != "":
		return "", invalid(l.Field, "%s", l.Empty)
	case n == 0:
		return "", invalid(l.Field, "%s cannot be empty.", l.Name)
	case n < l.Min:
		return "", invalid(l.Field, "%s must be at least %d characters.", l.Name, l.Min)
	case n > l.Max:
		return "", invalid(l.Field, "%s must be at most %d characters (it has %d).", l.Name, l.Max, n)
	}
	return s, nil
}

// Clean is the rule for a label a program wrote rather than a person (a
// device's name, a browser's): what the rule forbids is dropped instead
// of refused, runs of space become one, and it is cut to max characters.
func Clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case r == utf8.RuneError, isBidiControl(r), isInvisible(r), !unicode.IsPrint(r) && r != 0x200D:
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = strings.TrimSpace(string(r[:max]))
	}
	return s
}
