package core

import (
	"net/url"
	"strings"
)

// ContinueTo reads where the panel's sign-in goes on to, from its address's
// query (location.search): an application's OpenID Connect sign-in sends
// the browser to "/?next=/authorize?id=…" (with fresh=1 when the
// application wants the user to sign in again though signed in). Only the
// sign-in page of this server is accepted, so the parameter cannot send a
// user elsewhere; anything else gives "".
func ContinueTo(search string) (next string, fresh bool) {
	q, err := url.ParseQuery(strings.TrimPrefix(search, "?"))
	if err != nil {
		return "", false
	}
	next = q.Get("next")
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path != "/authorize" || u.Query().Get("id") == "" || strings.HasPrefix(next, "//") {
		return "", false
	}
	return "/authorize?id=" + url.QueryEscape(u.Query().Get("id")), q.Get("fresh") == "1"
}

// TextContinueToApp tells a user signing in for an application why.
const TextContinueToApp = "Sign in to continue to the application."
