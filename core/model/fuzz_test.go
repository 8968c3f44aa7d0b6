package model

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// FuzzNormalizeDisplayName: accepted names are trimmed, 2–50 characters,
// and normalizing them again changes nothing.
func FuzzNormalizeDisplayName(f *testing.F) {
	for _, s := range []string{"Ada", " A ", "", strings.Repeat("😀", 50), strings.Repeat("👨‍👩‍👧‍👦", 50), "e\u0301e\u0301", "a\u202Eb", "a\u200Bb", "<b>x</b>", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeDisplayName(s)
		if err != nil {
			return
		}
		if c := uniseg.GraphemeClusterCount(n); c < DisplayNameMin || c > DisplayNameMax || n != strings.TrimSpace(n) {
			t.Fatalf("accepted %q as %q (%d characters)", s, n, c)
		}
		if max := DisplayNameMax * maxRunesPerCharacter; utf8.RuneCountInString(n) > max {
			t.Fatalf("accepted %q: more than %d code points", n, max)
		}
		if again, err := NormalizeDisplayName(n); err != nil || again != n {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, n, again, err)
		}
	})
}

// FuzzNormalizeEmail: accepted addresses are lower-case ASCII with one @,
// no spaces or line breaks, at most 254 characters, and stable.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"ada@example.com", "Ada <a@b.c>", "a@b", "a\r\n@b.c", "аdmin@x.io", strings.Repeat("a", 300) + "@x.io"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := NormalizeEmail(s)
		if err != nil {
			return
		}
		if len(e) > EmailMax || strings.Count(e, "@") != 1 || strings.ToLower(e) != e || strings.ContainsAny(e, " \r\n<>") {
			t.Fatalf("accepted %q as %q", s, e)
		}
		for _, r := range e {
			if r > 127 {
				t.Fatalf("accepted non-ASCII %q", e)
			}
		}
		if again, err := NormalizeEmail(e); err != nil || again != e {
			t.Fatalf("not idempotent: %q → %q → %q", s, e, again)
		}
	})
}

// FuzzCheckNewPassword: an accepted password meets the product rule.
func FuzzCheckNewPassword(f *testing.F) {
	for _, s := range []string{"Password1!", "violet kettle 42?", "short1!", strings.Repeat("x", 300)} {
		f.Add(s, "ada@example.com", "Ada")
	}
	f.Fuzz(func(t *testing.T, pw, email, name string) {
		if err := CheckNewPassword(pw, email, name); err == nil {
			if err := CheckPassword(pw); err != nil {
				t.Fatalf("accepted %q that breaks the rule: %v", pw, err)
			}
		}
	})
}

// FuzzApply: any mutation either applies or is refused with a rule error,
// never panics, and a refused one leaves the view as it was.
func FuzzApply(f *testing.F) {
	f.Add(MutSetDisplayName, []byte(`{"displayName":"Ada"}`))
	f.Add(MutSetEmailNotification, []byte(`{"type":"security_alert","email":false}`))
	f.Add(MutMarkAllRead, []byte(`{"upTo":3}`))
	f.Add("nope", []byte(`{}`))
	f.Fuzz(func(t *testing.T, name string, args []byte) {
		v := View{Profile: Profile{DisplayName: "Ada"}, Inbox: []Notification{{ID: 2}, {ID: 1, Read: true}}, Unread: 1}
		before := v.Clone()
		if err := Apply(&v, name, args); err != nil {
			if v.Profile != before.Profile || v.Unread != before.Unread {
				t.Fatalf("refused mutation changed the view")
			}
			return
		}
		if v.Unread < 0 {
			t.Fatalf("negative unread count")
		}
	})
}
