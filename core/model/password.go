package model

import (
	_ "embed"
	"strings"
	"unicode"
)

//go:embed common-passwords.txt
var commonList string

var common = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}()

var unleet = strings.NewReplacer("@", "a", "4", "a", "0", "o", "3", "e", "1", "i", "!", "i", "$", "s", "5", "s", "7", "t", "+", "t", "8", "b", "9", "g")

// CheckNewPassword applies the product's password rule (CheckPassword) and
// then refuses passwords that are easy to guess: one of the most common
// passwords with digits or symbols around it ("Password1!", "Summer2024!"),
// keyboard runs, or a password built from the account's own email address
// or display name. Pass the email and display name the password will
// protect (either may be empty).
func CheckNewPassword(pw, email, displayName string) error {
	if err := CheckPassword(pw); err != nil {
		return err
	}
	base := passwordBase(pw)
	if base == "" || common[base] || isRun(base) {
		return invalid("password", "This password is among the most commonly used and is easy to guess. Choose something longer and less predictable; a password manager can make one for you.")
	}
	squash := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToLower(s) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	if local, _, ok := strings.Cut(email, "@"); ok {
		lb := passwordBase(local)
		if l := squash(local); len(l) >= 3 && (strings.Contains(squash(pw), l) || (len(lb) >= 3 && strings.Contains(base, lb))) {
			return invalid("password", "Your password must not contain your email address. Choose something unrelated to you.")
		}
	}
	if n := squash(displayName); len([]rune(n)) >= 3 && (strings.Contains(squash(pw), n) || base == passwordBase(displayName)) {
		return invalid("password", "Your password must not contain your name. Choose something unrelated to you.")
	}
	return nil
}

// passwordBase lower-cases pw, undoes symbol-for-letter swaps and strips
// leading and trailing digits and symbols: "P@ssw0rd123!" becomes "password".
func passwordBase(pw string) string {
	s := strings.ToLower(pw)
	s = strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	s = unleet.Replace(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

// isRun reports whether s is one character repeated or a run of
// consecutive characters ("aaaa", "abcdefg").
func isRun(s string) bool {
	r := []rune(s)
	if len(r) < 3 {
		return len(r) > 0
	}
	same, up := true, true
	for i := 1; i < len(r); i++ {
		same = same && r[i] == r[0]
		up = up && r[i] == r[i-1]+1
	}
	return same || up
}
