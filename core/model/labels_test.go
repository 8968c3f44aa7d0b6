package model

import (
	"errors"
	"strings"
	"testing"
)

// Every label a person types follows one rule: what forges mail lines,
// reverses text or hides characters is refused, with the label's name in
// the message, whatever the label.
func TestEveryLabelFollowsOneRule(t *testing.T) {
	labels := []Label{DisplayNameLabel, PasskeyNameLabel, WorkspaceNameLabel, SupportNoteLabel}
	bad := []struct{ in, want string }{
		{"Laptop\u202e\r\n\r\nUrgent: confirm your account at http://evil.example/", "text-direction"},
		{"Laptop\r\n\r\nUrgent: confirm your account", "line breaks"},
		{"\u0000\u0007\u200b", "control"},
		{"Lap\u200btop key", "invisible"},
		{"Lap\u2066top key", "text-direction"},
		{"Laptop\tkey", "line breaks, tabs"},
		{"Lap\xfftop key", "not valid text"},
		{"Laptop" + strings.Repeat("\u0301", 20), "more than 16 parts"},
	}
	for _, l := range labels {
		for _, b := range bad {
			_, err := l.Normalize(b.in)
			var re *RuleError
			if !errors.As(err, &re) || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), b.want) || re.Field != l.Field {
				t.Errorf("%s %q: %v, want a rule error on %s saying %q", l.Name, b.in, err, l.Field, b.want)
			} else if !strings.HasPrefix(err.Error(), l.Name) {
				t.Errorf("%s %q: %q does not name the label", l.Name, b.in, err)
			}
		}
		good := "  Work laptop 👩‍💻 (é)  "
		if got, err := l.Normalize(good); err != nil || got != "Work laptop 👩‍💻 (é)" {
			t.Errorf("%s %q: %q, %v; want it trimmed and kept", l.Name, good, got, err)
		}
		if _, err := l.Normalize(strings.Repeat("x", l.Max+1)); err == nil || !strings.Contains(err.Error(), "at most") {
			t.Errorf("%s of %d characters: %v, want too long", l.Name, l.Max+1, err)
		}
		if _, err := l.Normalize("   "); err == nil {
			t.Errorf("%s of only spaces accepted", l.Name)
		}
	}
	if _, err := PasskeyNameLabel.Normalize(" "); err == nil || !strings.Contains(err.Error(), "Name the passkey") {
		t.Errorf("an empty passkey name: %v", err)
	}
	if _, err := SupportNoteLabel.Normalize("t 1"); err == nil || !strings.Contains(err.Error(), "ticket number") {
		t.Errorf("a note of 3 characters: %v", err)
	}
}

// What a program names (a device, a browser) is cleaned by the same rule
// instead of refused: one line of readable characters, cut to length.
func TestClean(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"  ada-laptop  ", 40, "ada-laptop"},
		{"Laptop\u202e\r\n\r\nUrgent: confirm", 40, "Laptop Urgent: confirm"},
		{"\u0000\u0007\u200b", 40, ""},
		{"a\tb\u00a0\u00a0c", 40, "a b c"},
		{"👩‍💻 desk", 40, "👩‍💻 desk"},
		{"bad\xffbyte", 40, "badbyte"},
		{"abcdef ghi", 7, "abcdef"},
		{"ééééé", 3, "ééé"},
	} {
		if got := Clean(tc.in, tc.max); got != tc.want {
			t.Errorf("Clean(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
