package core

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in core/testdata")

// goldenDates write every time the same way on every machine.
var goldenDates = Dates{
	Time: func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04") },
	Ago:  func(t time.Time) string { return "(" + t.UTC().Format("15:04") + ")" },
}

var at = time.Date(2026, 11, 28, 14, 2, 0, 0, time.UTC)

// fullView is an account with something on every screen: an owner, admin
// and member of workspaces, two sessions, passkeys (one refused), an app,
// unread notifications, a ready export and few backup codes left.
func fullView() model.View {
	return model.View{
		Profile: model.Profile{AccountID: "acc-ada", Email: "ada@example.com", DisplayName: "Ada Lovelace", Avatar: "a1b2", TimeZone: "America/Los_Angeles"},
		Sessions: []model.Session{
			{ID: "s-this", DeviceKind: "Desktop app", Device: "ada-laptop (DialNexa desktop on Linux)", Location: "Berlin", Created: at, LastActive: at},
			{ID: "s-other", DeviceKind: "Browser", Device: "Chrome on Windows", Location: "Unknown", Created: at.Add(-48 * time.Hour), LastActive: at.Add(-time.Hour)},
		},
		TwoFactor: model.TwoFactor{Enabled: true, BackupCodesLeft: 2},
		Passkeys: []model.Passkey{
			{ID: "pk1", Name: "Work laptop", Created: at.Add(-72 * time.Hour), LastUsed: at},
			{ID: "pk2", Name: "Old key", Created: at.Add(-96 * time.Hour), Suspect: true},
		},
		Activity: []model.Activity{
			{Kind: model.ActSignIn, Detail: "Signed in on Chrome on Windows", At: at},
			{Kind: model.ActPasskeyAdded, Detail: "Added the passkey “Work laptop”", At: at.Add(-72 * time.Hour)},
		},
		EmailPrefs: map[string]bool{model.NotifMonthlySummary: false},
		Inbox: []model.Notification{
			{ID: 2, Type: model.NotifLowBalance, Title: "Low wallet balance", Body: "Your balance is $4.20.", At: at, Link: "https://dialnexa.example/billing"},
			{ID: 1, Type: model.NotifTeamMemberJoined, Title: "New team member joined", Body: "Grace joined Acme.", At: at.Add(-time.Hour), Read: true},
		},
		Unread: 1,
		Workspaces: []model.Workspace{
			{ID: "w-acme", Name: "Acme", Role: "owner", Members: []model.Member{
				{AccountID: "acc-ada", DisplayName: "Ada Lovelace", Email: "ada@example.com", Role: "owner"},
				{AccountID: "acc-grace", DisplayName: "Grace Hopper", Email: "grace@example.com", Role: "admin"},
				{AccountID: "acc-alan", DisplayName: "Alan Turing", Email: "alan@example.com", Role: "member"},
			}, Invitations: []model.Invitation{{ID: "inv1", Email: "ken@example.com", Role: "member", InvitedBy: "Ada Lovelace", Sent: at, Expires: at.Add(7 * 24 * time.Hour)}}},
			{ID: "w-beta", Name: "Beta", Role: "admin", Members: []model.Member{
				{AccountID: "acc-grace", DisplayName: "Grace Hopper", Email: "grace@example.com", Role: "owner"},
				{AccountID: "acc-ada", DisplayName: "Ada Lovelace", Email: "ada@example.com", Role: "admin"},
			}},
			{ID: "w-gamma", Name: "Gamma", Role: "member", Members: []model.Member{
				{AccountID: "acc-alan", DisplayName: "Alan Turing", Email: "alan@example.com", Role: "owner"},
				{AccountID: "acc-ada", DisplayName: "Ada Lovelace", Email: "ada@example.com", Role: "member"},
			}},
		},
		Invited: []model.Invited{{ID: "inv9", WorkspaceID: "w-delta", Workspace: "Delta", InvitedBy: "Ken Thompson", Role: "admin", Expires: at.Add(7 * 24 * time.Hour)}},
		Export:  &model.Export{ID: "x1", Requested: at.Add(-time.Hour), Ready: at, Expires: at.Add(7 * 24 * time.Hour), Size: 48 << 10},
		Apps:    []model.App{{ID: "dashboard", Name: "DialNexa Dashboard", Sees: []string{"email", "profile"}, Granted: at}},
	}
}

// snapshots are the fixed states every screen is written out for.
func snapshots() map[string]Snapshot {
	alert := Alert{ID: 7, SessionID: "s-other", Device: "Chrome on Windows", Location: "Lisbon", Address: "203.0.113.x", At: at}
	full := Snapshot{Conn: Online, Email: "ada@example.com", SessionID: "s-this", HasView: true, View: fullView(),
		PendingName: true, Pending: 1, Alerts: []Alert{alert}, AvatarPNG: []byte{0x89, 'P', 'N', 'G'},
		Update: &Release{Version: "1.4.2", URL: "https://dialnexa.com/download"}, DeviceTimeZone: "Europe/Berlin"}
	offline := full
	offline.Conn = Offline
	offline.KeychainNotice = "The session token is kept in the app's data file: the OS keychain could not be reached."
	empty := Snapshot{Conn: Online, Email: "new@example.com", SessionID: "s1", HasView: true,
		View: model.View{Profile: model.Profile{AccountID: "acc-new", Email: "new@example.com", DisplayName: "New User"},
			Sessions: []model.Session{{ID: "s1", DeviceKind: "Browser", Device: "Firefox on Linux", Location: "Unknown", Created: at, LastActive: at}}}}
	fresh := Snapshot{Conn: Offline, Email: "ada@example.com", SessionID: "s-this"}
	return map[string]Snapshot{"online": full, "offline": offline, "empty": empty, "fresh-offline": fresh}
}

// TestScreensGolden writes every view model out as text for fixed
// snapshots and compares it with core/testdata/screens-<state>.golden:
// a change to what any screen says or allows shows in review as a diff.
// Run with -update to accept one.
func TestScreensGolden(t *testing.T) {
	for name, s := range snapshots() {
		var b strings.Builder
		section := func(title string, v any) {
			fmt.Fprintf(&b, "== %s\n", title)
			dump(&b, reflect.ValueOf(v), 0)
			b.WriteString("\n")
		}
		section("Profile", s.Profile(false))
		section("Profile, just saved", s.Profile(true))
		section("Security", s.Security(goldenDates))
		section("Two-factor", s.TwoFactor(TwoFactorIdle, false))
		section("Two-factor, setting up, step-up open", s.TwoFactor(TwoFactorSettingUp, true))
		section("Passkeys", s.Passkeys(goldenDates, "", false))
		section("Passkeys, removing pk1", s.Passkeys(goldenDates, "pk1", false))
		section("Passkeys, removing pk1, step-up open", s.Passkeys(goldenDates, "pk1", true))
		section("Sessions", s.Sessions(goldenDates))
		section("Apps with access", s.Apps(goldenDates))
		section("Notifications", s.Notifications())
		section("Bell", s.Bell(goldenDates))
		section("Security alert", s.SecurityAlert())
		section("Update", s.UpdateNotice())
		section("Workspaces", s.Workspaces(goldenDates))
		log := OpenAuditLog("w-acme", "Acme")
		section("Audit log, loading", log.View(goldenDates))
		log.Add(AuditPage{Entries: []model.AuditEntry{{Action: "member.role", At: at, Summary: "Ada Lovelace made Grace Hopper an admin"}}, Next: 9, RetentionDays: 365}, nil)
		section("Audit log, a page", log.View(goldenDates))
		section("Export", s.Export(goldenDates, false))
		section("Danger zone", s.Danger())
		for _, st := range []struct {
			name string
			st   AuthState
		}{
			{"sign-in", AuthState{}},
			{"sign-in, code asked", AuthState{NeedCode: true, Step: "Enter the 6-digit code from your authenticator app, or one of your backup codes."}},
			{"sign-in, passkey or code asked", AuthState{NeedCode: true, PasskeyFactor: &PasskeyRequired{Codes: true}}},
			{"sign-in, busy", AuthState{Busy: true}},
			{"sign-up", AuthState{Mode: AuthSignUp}},
			{"reset", AuthState{Mode: AuthForgot}},
		} {
			section("Auth: "+st.name, s.Auth(st.st))
		}
		for _, step := range []HandOffStep{HandOffNone, HandOffBrowser, HandOffCode, HandOffNoBrowser} {
			section(fmt.Sprintf("Browser hand-off, step %d", step), HandOff(step, "https://account.example/link", "K7Q-2WX"))
		}
		golden(t, "screens-"+name+".golden", b.String())
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./core -run TestScreensGolden -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from what the screens say now; if the change is meant, run go test ./core -run TestScreensGolden -update and review the diff.\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff lists the lines that differ, with their numbers.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			fmt.Fprintf(&b, "line %d\n  want %q\n  got  %q\n", i+1, a, c)
		}
	}
	return b.String()
}

// dump writes v as indented "Field: value" lines: a Control as "on" or
// "off (reason)", empty values left out, lists numbered.
func dump(b *strings.Builder, v reflect.Value, depth int) {
	pad := strings.Repeat("  ", depth)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Type() == reflect.TypeFor[Control]() {
		fmt.Fprintf(b, "%s%s\n", pad, controlText(v.Interface().(Control)))
		return
	}
	for i := range v.NumField() {
		f, fv := v.Type().Field(i), v.Field(i)
		if !f.IsExported() || fv.IsZero() && fv.Kind() != reflect.Struct {
			continue
		}
		switch {
		case f.Type == reflect.TypeFor[Control]():
			fmt.Fprintf(b, "%s%s: %s\n", pad, f.Name, controlText(fv.Interface().(Control)))
		case f.Type == reflect.TypeFor[time.Time]():
			fmt.Fprintf(b, "%s%s: %s\n", pad, f.Name, fv.Interface().(time.Time).UTC().Format(time.RFC3339))
		case f.Type == reflect.TypeFor[[]byte]():
			fmt.Fprintf(b, "%s%s: %d bytes\n", pad, f.Name, fv.Len())
		case fv.Kind() == reflect.Slice:
			fmt.Fprintf(b, "%s%s:\n", pad, f.Name)
			for j := range fv.Len() {
				e := fv.Index(j)
				if e.Kind() == reflect.Struct {
					fmt.Fprintf(b, "%s  %d.\n", pad, j+1)
					dump(b, e, depth+2)
				} else {
					fmt.Fprintf(b, "%s  %d. %v\n", pad, j+1, e.Interface())
				}
			}
		case fv.Kind() == reflect.Struct || fv.Kind() == reflect.Pointer && fv.Elem().Kind() == reflect.Struct:
			fmt.Fprintf(b, "%s%s:\n", pad, f.Name)
			dump(b, fv, depth+1)
		default: // %v: an enum's String
			fmt.Fprintf(b, "%s%s: %v\n", pad, f.Name, fv.Interface())
		}
	}
}

func controlText(c Control) string {
	if c.Enabled {
		return "on"
	}
	if c.Reason == "" {
		return "off"
	}
	return "off (" + c.Reason + ")"
}
