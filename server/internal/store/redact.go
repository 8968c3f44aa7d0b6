package store

import "strings"

// Redact is a database address as given, with its password (if any)
// masked, and nothing else changed: "postgres://app:xxxxx@db/account",
// for messages and logs.
func Redact(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return s
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		return s
	}
	return scheme + "://" + user + ":xxxxx@" + rest[at+1:]
}
