package model

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeDisplayName(t *testing.T) {
	emoji50 := strings.Repeat("😀", 50) // 50 characters, 200 bytes, 100 UTF-16 units
	cases := []struct {
		name, in, want, err string
	}{
		{"empty", "", "", "cannot be empty"},
		{"only spaces", "    ", "", "cannot be empty"},
		{"one character", "A", "", "at least 2"},
		{"two characters", "Al", "Al", ""},
		{"trimmed", "  Ada Lovelace \t", "Ada Lovelace", ""},
		{"trimmed to one", "  A  ", "", "at least 2"},
		{"fifty", strings.Repeat("a", 50), strings.Repeat("a", 50), ""},
		{"fifty-one", strings.Repeat("a", 51), "", "at most 50"},
		{"fifty emoji", emoji50, emoji50, ""},
		{"fifty-one emoji", emoji50 + "😀", "", "at most 50"},
		{"accented counted as characters", strings.Repeat("é", 50), strings.Repeat("é", 50), ""},
		{"control character", "Ada\x07", "", "control"},
		{"newline inside", "Ada\nLovelace", "", "line breaks"},
		{"RTL override", "Ada\u202Eecalevol", "", "text-direction"},
		{"zero-width space", "Ada\u200BL", "", "invisible"},
		{"markup kept as text", "<b>Ada</b>", "<b>Ada</b>", ""},
		{"emoji with joiner", "👩‍💻 Ada", "👩‍💻 Ada", ""},
		{"one family emoji is one character", "👨‍👩‍👧‍👦", "", "at least 2"},
		{"two family emoji", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦", ""},
		{"fifty family emoji", strings.Repeat("👨‍👩‍👧‍👦", 50), strings.Repeat("👨‍👩‍👧‍👦", 50), ""},
		{"fifty-one family emoji", strings.Repeat("👨‍👩‍👧‍👦", 51), "", "at most 50 characters (it has 51)"},
		{"skin-toned family", "👨🏻‍👩🏻‍👧🏻‍👦🏻 Ada", "👨🏻‍👩🏻‍👧🏻‍👦🏻 Ada", ""},
		{"flags", strings.Repeat("🇩🇪", 50), strings.Repeat("🇩🇪", 50), ""},
		{"combining accent", strings.Repeat("é", 50), strings.Repeat("é", 50), ""},
		{"stacked marks", "Ada" + strings.Repeat("́", 20), "", "more than 16 parts"},
		{"invalid utf-8", "Ad\xffa", "", "not valid text"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeDisplayName(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("NormalizeDisplayName(%q) error = %v, want one containing %q", tc.in, err, tc.err)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("error %v is not ErrInvalid", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("NormalizeDisplayName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		name, in, err string
	}{
		{"seven", "abcde1!", "at least 8"},
		{"eight", "abcdef1!", ""},
		{"seven code points in more bytes", "ééééé1!", "at least 8"},
		{"no number", "abcdefg!", "number"},
		{"no special", "abcdefg1", "special"},
		{"64", strings.Repeat("a", 62) + "1!", ""},
		{"128", strings.Repeat("a", 126) + "1!", ""},
		{"too long", strings.Repeat("a", PasswordMax) + "1!", "at most"},
		{"spaces are allowed", "correct horse 7!", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword(tc.in)
			if tc.err == "" {
				if err != nil {
					t.Fatalf("CheckPassword(%q) = %v, want nil", tc.in, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("CheckPassword(%q) = %v, want error containing %q", tc.in, err, tc.err)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	cases := []struct {
		name, in, want, err string
	}{
		{"plain", "ada@example.com", "ada@example.com", ""},
		{"mixed case and spaces", "  Ada.Lovelace+dn@Example.COM ", "ada.lovelace+dn@example.com", ""},
		{"empty", "", "", "Enter your email"},
		{"display-name form", "Ada <ada@example.com>", "", "just the address"},
		{"cyrillic a", "\u0430dmin@example.com", "", "plain letters"},
		{"fullwidth", "ａda@example.com", "", "plain letters"},
		{"CRLF injection", "ada@example.com\r\nBcc: x@evil.example", "", "line breaks"},
		{"no at", "ada.example.com", "", "like name@example.com"},
		{"two ats", "a@b@example.com", "", "like name@example.com"},
		{"no dot in domain", "ada@localhost", "", "domain"},
		{"double dot", "ada..l@example.com", "", "like name@example.com"},
		{"local too long", strings.Repeat("a", 65) + "@example.com", "", "too long"},
		{"address too long", "a@" + strings.Repeat("b", 250) + ".com", "", "too long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeEmail(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("NormalizeEmail(%q) = %q, %v; want error containing %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	v := View{Profile: Profile{DisplayName: "Ada"}}
	if err := Apply(&v, MutSetDisplayName, NewMutationArgs(SetDisplayName{DisplayName: " Grace "})); err != nil {
		t.Fatal(err)
	}
	if v.Profile.DisplayName != "Grace" {
		t.Errorf("name = %q, want Grace", v.Profile.DisplayName)
	}
	for _, tc := range []struct{ name, mut, args string }{
		{"invalid name", MutSetDisplayName, `{"displayName":"G"}`},
		{"unknown field", MutSetDisplayName, `{"displayName":"Grace","email":"x@y.z"}`},
		{"malformed", MutSetDisplayName, `{"displayName":`},
		{"unknown mutation", "setEmail", `{}`},
	} {
		if err := Apply(&v, tc.mut, []byte(tc.args)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
		}
		if v.Profile.DisplayName != "Grace" {
			t.Errorf("%s changed the view to %q", tc.name, v.Profile.DisplayName)
		}
	}
}

func TestCheckNewPassword(t *testing.T) {
	cases := []struct {
		name, pw, email, display, err string
	}{
		{"Password1!", "Password1!", "ada@example.com", "Ada", "commonly used"},
		{"P@ssw0rd123!", "P@ssw0rd123!", "ada@example.com", "Ada", "commonly used"},
		{"Summer2024!", "Summer2024!", "ada@example.com", "Ada", "commonly used"},
		{"Qwerty123!", "Qwerty123!", "", "", "commonly used"},
		{"all digits and symbols", "12345678!", "", "", "commonly used"},
		{"run", "abcdefgh1!", "", "", "commonly used"},
		{"email local part", "lovelace1!", "lovelace@example.com", "Ada", "email address"},
		{"email local part inside", "xxlovelace2024!", "lovelace@example.com", "Ada", "email address"},
		{"display name plus 1!", "Ada Byron1!", "lady@example.com", "Ada Byron", "name"},
		{"good", "correct horse 7!", "ada@example.com", "Ada", ""},
		{"good long", "Tr0ub4dor&3 staple battery", "ada@example.com", "Ada Lovelace", ""},
		{"seed rule first", "short1!", "", "", "at least 8"},
		{"digits-only local part", "meadow kettle 7!", "128@example.com", "Ada", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckNewPassword(tc.pw, tc.email, tc.display)
			if tc.err == "" {
				if err != nil {
					t.Fatalf("CheckNewPassword(%q) = %v, want nil", tc.pw, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("CheckNewPassword(%q) = %v, want error containing %q", tc.pw, err, tc.err)
			}
		})
	}
}

func TestNormalizeTimeZone(t *testing.T) {
	for in, want := range map[string]string{"Europe/Berlin": "Europe/Berlin", " America/Los_Angeles ": "America/Los_Angeles", "UTC": "UTC"} {
		if got, err := NormalizeTimeZone(in); err != nil || got != want {
			t.Errorf("NormalizeTimeZone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "Mars/Olympus", "Local", "../../etc/passwd"} {
		if got, err := NormalizeTimeZone(bad); err == nil {
			t.Errorf("NormalizeTimeZone(%q) = %q, want a refusal", bad, got)
		} else if !strings.Contains(err.Error(), "Europe/Berlin") {
			t.Errorf("NormalizeTimeZone(%q): %v; want an example of a zone", bad, err)
		}
	}
}
