package core

import (
	"net/url"
	"strings"
)

// ContinueTo reads where the panel's sign-in goes on to, from its address's
// query (location.search): an application's OpenID Connect sign-in sends
// the browser to "/?next=/authorize?id=…" (with fresh=1 when the
// application wants the user to sign in again though signed in), an
// invitation link to "/?next=/invite" (its token waits in the page's
// session storage, never in an address). Only those pages of this server
// are accepted, so the parameter cannot send a user elsewhere; anything
// else gives "".
func ContinueTo(search string) (next string, fresh bool) {
	q, err := url.ParseQuery(strings.TrimPrefix(search, "?"))
	if err != nil {
		return "", false
	}
	next = q.Get("next")
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(next, "//") {
		return "", false
	}
	switch {
	case u.Path == "/invite":
		return "/invite", false
	case u.Path == "/authorize" && u.Query().Get("id") != "":
		return "/authorize?id=" + url.QueryEscape(u.Query().Get("id")), q.Get("fresh") == "1"
	}
	return "", false
}

// TextContinueToApp tells a user signing in for an application why.
const TextContinueToApp = "Sign in to continue to the application."

// TextContinueToInvitation tells a user signing in for an invitation why.
const TextContinueToInvitation = "Sign in, or create an account, with the invited address to answer the invitation."

// ContinueText says why the sign-in is asked for on the way to next ("":
// no reason to give).
func ContinueText(next string) string {
	switch {
	case next == "/invite":
		return TextContinueToInvitation
	case next != "":
		return TextContinueToApp
	}
	return ""
}
