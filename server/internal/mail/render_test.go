package mail

import (
	"strings"
	"testing"
)

// Every template renders with the data the server gives it: a subject, a
// text that says what happened, and no field left unfilled.
func TestRenderEveryTemplate(t *testing.T) {
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"Name": "Ada", "Email": "ada@example.com", "When": "28 Nov 2026 at 09:30 UTC"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := map[string]struct {
		data    map[string]any
		subject string
		text    []string
	}{
		"2fa-changed":        {base(map[string]any{"Enabled": true}), "Two-factor", []string{"turned on"}},
		"account-deleted":    {base(map[string]any{"Wallet": "12.50 USD"}), "deleted", []string{"12.50 USD"}},
		"email-changed":      {base(map[string]any{"NewEmail": "new@example.com"}), "", []string{"new@example.com"}},
		"invitation":         {base(map[string]any{"Inviter": "Bob", "Workspace": "Sales", "Role": "admin", "Link": "https://x/invite#token=t"}), "", []string{"Bob", "Sales", "https://x/invite#token=t"}},
		"new-device":         {base(map[string]any{"Device": "Chrome on Linux", "Location": "Berlin", "Address": "203.0.113.x"}), "New sign-in", []string{"Chrome on Linux", "203.0.113.x"}},
		"notification":       {base(map[string]any{"Title": "Low wallet balance", "Body": "Top up.", "TypeName": "Low wallet balance", "Link": "https://x/wallet"}), "", []string{"Top up."}},
		"passkey-changed":    {base(map[string]any{"Added": true, "Passkey": "Work laptop"}), "passkey was added", []string{"Work laptop"}},
		"password-changed":   {base(map[string]any{"Device": "Chrome on Linux", "SignedOutOthers": true}), "", []string{"Chrome on Linux"}},
		"password-reset":     {base(map[string]any{"Link": "https://x/reset#token=t"}), "", []string{"https://x/reset#token=t"}},
		"password-was-reset": {base(nil), "", []string{"ada@example.com"}},
		"verify-email":       {base(map[string]any{"NewEmail": "new@example.com", "Link": "https://x/verify-email#token=t"}), "", []string{"https://x/verify-email#token=t"}},
	}
	for kind, tc := range cases {
		subject, text, err := Render(kind, tc.data)
		if err != nil {
			t.Errorf("%s: %v", kind, err)
			continue
		}
		if subject == "" || !strings.Contains(subject, tc.subject) {
			t.Errorf("%s: subject %q", kind, subject)
		}
		for _, want := range tc.text {
			if !strings.Contains(text, want) {
				t.Errorf("%s: text lacks %q:\n%s", kind, want, text)
			}
		}
		if strings.Contains(subject+text, "<no value>") {
			t.Errorf("%s: a field is unfilled:\n%s\n%s", kind, subject, text)
		}
	}
	if _, _, err := Render("no-such-mail", nil); err == nil {
		t.Error("an unknown template renders")
	}
}
