package model

import "time"

// App is an application the user let sign them in through DialNexa
// (OpenID Connect): "Apps with access".
type App struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Sees is what it may see, in words (ScopeWords).
	Sees    []string  `json:"sees"`
	Granted time.Time `json:"granted"`
}

// ScopeWords says what OpenID Connect scopes let an application see, in
// the words the consent screen and the apps list use; scopes it does not
// know are left out.
func ScopeWords(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		switch s {
		case "openid":
			out = append(out, "Who you are (your account id)")
		case "profile":
			out = append(out, "Your name and profile picture")
		case "email":
			out = append(out, "Your email address")
		case "offline_access":
			out = append(out, "Stay signed in while you are away")
		}
	}
	return out
}
