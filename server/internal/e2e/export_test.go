package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// archiveFile reads one file of a zip.
func archiveFile(t *testing.T, zipped []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s in the archive: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitExport waits until the account's export is ready and returns it.
func waitExport(t *testing.T, ts *testServer, token string) *model.Export {
	t.Helper()
	var e *model.Export
	waitFor(t, "the export ready", func() bool {
		e = view(t, ts, token).Export
		return e != nil && !e.Ready.IsZero()
	})
	return e
}

// "Download my data" through the API: prepared in the background with the
// password, announced in the bell, downloaded as a zip whose data.json
// holds the account field by field (profile, email settings, inbox,
// sessions, security activity, workspaces and memberships, the resources
// other services reported) and whose summary.txt says it in words; only
// the account's own sessions can download it, and it goes with the
// account.
func TestDownloadMyData(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	owner := apiSignUp(t, ts, "export@example.com", goodPassword, "Export Owner", "laptop")
	apiSignUp(t, ts, "teammate@example.com", goodPassword, "Team Mate", "laptop")
	var ws struct{ ID string }
	call(t, ts, "POST", "/v1/workspaces", owner.Token, map[string]string{"name": "Export Team"}).decode(t, &ws)
	event(t, ts, map[string]any{"type": "wallet_low", "email": "export@example.com", "balance": "4.20", "threshold": "10.00", "currency": "USD"})
	if a := call(t, ts, "POST", "/internal/v1/resources", ts.token, map[string]any{"email": "export@example.com", "wallet": "4.20 USD",
		"agents": []map[string]string{{"id": "agent-7", "label": "Front desk"}}, "phoneNumbers": []map[string]string{{"id": "num-15550100", "label": "+1 555 0100"}}}); a.status != http.StatusNoContent {
		t.Fatalf("resources: %d %s", a.status, a.body)
	}
	_, second := apiSignIn(t, ts, "export@example.com", goodPassword, "", "tablet")

	if a := call(t, ts, "POST", "/v1/account/export", owner.Token, map[string]string{}); a.code() != wire.CodeStepUp {
		t.Fatalf("export without the password: %d %s, want step_up", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/account/export", owner.Token, map[string]string{"password": goodPassword}); a.status != http.StatusAccepted {
		t.Fatalf("export: %d %s", a.status, a.body)
	}
	e := waitExport(t, ts, owner.Token)
	if !e.Expires.After(e.Ready) || e.Size == 0 {
		t.Fatalf("export %+v", e)
	}
	v := view(t, ts, owner.Token)
	if len(v.Inbox) == 0 || v.Inbox[0].Type != model.NotifDataExport || !strings.Contains(v.Inbox[0].Body, "Profile → Your data") {
		t.Fatalf("no bell notification for the export: %+v", v.Inbox)
	}

	a := call(t, ts, "GET", "/v1/account/export/"+e.ID, second.Token, nil)
	if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/zip" || !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %v", a.status, a.header)
	}
	zipped := []byte(a.body)
	var got struct {
		Profile       model.Profile
		EmailSettings map[string]bool
		TwoFactor     model.TwoFactor
		Sessions      []model.Session
		Activity      []model.Activity `json:"securityActivity"`
		Notifications []struct{ Type, Title, Body string }
		Workspaces    []struct {
			ID, Name, Role string
			Members        []model.Member
		}
		Resources []struct{ Kind, ID, Label string }
		Wallet    string
	}
	if err := json.Unmarshal(archiveFile(t, zipped, "data.json"), &got); err != nil {
		t.Fatal(err)
	}
	v = view(t, ts, owner.Token)
	if got.Profile != v.Profile {
		t.Errorf("profile %+v, want %+v", got.Profile, v.Profile)
	}
	for _, nt := range model.NotificationTypes {
		if on, ok := got.EmailSettings[nt.ID]; !ok || on != model.EmailEnabled(v.EmailPrefs, nt.ID) {
			t.Errorf("email setting %s: %v (present %v)", nt.ID, on, ok)
		}
	}
	if len(got.Sessions) != 2 || !slices.ContainsFunc(got.Sessions, func(s model.Session) bool { return s.ID == second.SessionID }) {
		t.Errorf("sessions %+v", got.Sessions)
	}
	if len(got.Activity) == 0 || !slices.ContainsFunc(got.Activity, func(a model.Activity) bool { return a.Kind == model.ActSignIn || a.Kind == model.ActNewDevice }) {
		t.Errorf("security activity %+v", got.Activity)
	}
	if !slices.ContainsFunc(got.Notifications, func(n struct{ Type, Title, Body string }) bool {
		return n.Type == model.NotifLowBalance && strings.Contains(n.Body, "4.20")
	}) {
		t.Errorf("notifications %+v lack the low-balance one", got.Notifications)
	}
	if len(got.Workspaces) != 1 || got.Workspaces[0].ID != ws.ID || got.Workspaces[0].Name != "Export Team" || got.Workspaces[0].Role != "owner" || len(got.Workspaces[0].Members) != 1 {
		t.Errorf("workspaces %+v", got.Workspaces)
	}
	if len(got.Resources) != 2 || got.Wallet != "4.20 USD" {
		t.Errorf("resources %+v, wallet %q", got.Resources, got.Wallet)
	}
	sum := string(archiveFile(t, zipped, "summary.txt"))
	for _, want := range []string{"export@example.com", "Export Owner", "Export Team (owner", "Signed-in devices (2)", "resources held by other DialNexa services: 2"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}

	other := apiSignUp(t, ts, "stranger@example.com", goodPassword, "Stranger", "laptop")
	if a := call(t, ts, "GET", "/v1/account/export/"+e.ID, other.Token, nil); a.status != http.StatusNotFound {
		t.Fatalf("another account downloads the export: %d", a.status)
	}
	ts.clock.Advance(25 * time.Hour)
	if a := call(t, ts, "GET", "/v1/account/export/"+e.ID, owner.Token, nil); a.status != http.StatusNotFound {
		t.Fatalf("an expired export downloads: %d", a.status)
	}
}
