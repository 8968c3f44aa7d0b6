package model

import "time"

// DefaultTimeZone is an account's time zone until one is set.
const DefaultTimeZone = "UTC"

// NormalizeTimeZone checks an IANA time zone name ("Europe/Berlin") against
// the zone database of the program (the server embeds one, so every
// platform agrees) and returns it as it is written there.
func NormalizeTimeZone(name string) (string, error) {
	n := Clean(name, 64)
	if n == "" {
		return "", invalid("timeZone", "Choose a time zone, such as Europe/Berlin or America/Los_Angeles.")
	}
	loc, err := time.LoadLocation(n)
	if err != nil || n == "Local" {
		return "", invalid("timeZone", "%q is not a time zone this server knows; choose one such as Europe/Berlin or America/Los_Angeles.", n)
	}
	return loc.String(), nil
}
