package account_test

import (
	"strings"
	"testing"

	"github.com/dialnexa/account/server/internal/account"
)

// The server holds every label to the shared rule: a workspace name or a
// support note with line breaks, text-direction or invisible characters
// is refused and nothing is stored; a device's name is cleaned.
func TestLabelsFollowTheSharedRule(t *testing.T) {
	e := newEnv(t)
	owner := e.signUp("labels@example.com", "Lena")
	for _, name := range []string{"Sales\r\n\r\nUrgent: call +1 555 0100", "Sales\u202eteam", "\u0000\u0007\u200b"} {
		_, err := e.svc.CreateWorkspace(e.ctx, owner, name)
		if re := refused(t, err, account.Invalid, account.NoReason); !strings.HasPrefix(re.Message, "Workspace name") {
			t.Errorf("workspace %q: %q", name, re.Message)
		}
	}
	if len(workspaces(t, e, owner.AccountID)) != 0 {
		t.Error("a refused workspace name was stored")
	}
	if _, err := e.svc.SupportDisableTwoFactor(e.ctx, "labels@example.com", "ticket 7\r\nSubject: forged"); err == nil || !strings.Contains(err.Error(), "line breaks") {
		t.Errorf("a support note with a line break: %v", err)
	}
	s := e.signIn("labels@example.com", "bad\u202e\r\nname")
	if strings.ContainsAny(s.Device, "\r\n\u202e") || !strings.Contains(s.Device, "bad name") {
		t.Errorf("a device named with control characters is described as %q", s.Device)
	}
}
