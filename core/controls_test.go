package core

import (
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
)

func TestControlsSayWhy(t *testing.T) {
	on := Snapshot{Conn: Online, View: model.View{Profile: model.Profile{Avatar: "abc"}, Sessions: []model.Session{{ID: "a"}, {ID: "b"}}}}
	for name, c := range map[string]Control{"server": on.ServerAction(), "remove picture": on.RemovePicture(), "revoke others": on.RevokeOthers()} {
		if !c.Enabled || c.Reason != "" {
			t.Errorf("%s online with a picture and two sessions: %+v", name, c)
		}
	}
	off := on
	off.Conn = Offline
	if c := off.RemovePicture(); c.Enabled || c.Reason != needsServer {
		t.Errorf("remove picture offline: %+v", c)
	}
	bare := on
	bare.View.Profile.Avatar, bare.View.Sessions = "", bare.View.Sessions[:1]
	if c := bare.RemovePicture(); c.Enabled || c.Reason != "There is no picture to remove." {
		t.Errorf("remove picture without one: %+v", c)
	}
	if c := bare.RevokeOthers(); c.Enabled || c.Reason != "No other device is signed in." {
		t.Errorf("revoke others alone: %+v", c)
	}
}

func TestSavedTextSaysWhereTheEditIs(t *testing.T) {
	on, off := Snapshot{Conn: Online}, Snapshot{Conn: Offline}
	if got := on.SavedText(false); got != "Saved." {
		t.Errorf("synced: %q", got)
	}
	if got := on.SavedText(true); got != "Saving…" {
		t.Errorf("online, waiting: %q", got)
	}
	if got := off.SavedText(true); got != "Saved on this device; it syncs when you are back online." {
		t.Errorf("offline, waiting: %q", got)
	}
}

func TestSharedRules(t *testing.T) {
	if CheckSignUpConfirmation("a b c 1!", "a b c 1!") != "" || CheckSignUpConfirmation("a", "b") == "" {
		t.Error("sign-up confirmation")
	}
	if CheckNewPasswordConfirmation("x", "x") != "" || CheckNewPasswordConfirmation("x", "y") != "The two new passwords do not match." {
		t.Error("new password confirmation")
	}
	if got := BackupCodesText([]string{"aaaa-bbbb", "cccc-dddd"}); got != "DialNexa backup codes\nEach code works once. Keep them somewhere safe.\n\naaaa-bbbb\ncccc-dddd\n" {
		t.Errorf("backup codes file: %q", got)
	}
	if !ManagesWorkspace("owner") || !ManagesWorkspace("admin") || ManagesWorkspace("member") {
		t.Error("ManagesWorkspace")
	}
	if FewBackupCodesText(2) != "Only 2 backup codes left: generate a new set." {
		t.Error(FewBackupCodesText(2))
	}
}

func TestTwoFactorCard(t *testing.T) {
	off := Snapshot{Conn: Online}
	if v := off.TwoFactor(TwoFactorIdle, false); v.Panel != PanelEnable || !v.AskPassword || v.Status != TextTwoFactorOff || !v.Hint || !v.Actions.Enabled {
		t.Errorf("off, idle: %+v", v)
	}
	if v := off.TwoFactor(TwoFactorSettingUp, true); v.Panel != PanelSetup || v.AskPassword || v.Hint {
		t.Errorf("setting up within a step-up window: %+v", v)
	}
	on := Snapshot{Conn: Offline, View: model.View{TwoFactor: model.TwoFactor{Enabled: true, BackupCodesLeft: 2}}}
	v := on.TwoFactor(TwoFactorIdle, false)
	if v.Panel != PanelManage || v.Status != TextTwoFactorOn || v.Warning == "" || v.Actions.Enabled || v.Actions.Reason == "" {
		t.Errorf("on, offline, 2 codes left: %+v", v)
	}
	if v := on.TwoFactor(TwoFactorShowingCodes, false); v.Panel != PanelCodes || v.AskPassword {
		t.Errorf("showing codes: %+v", v)
	}
	if v := on.TwoFactor(TwoFactorSettingUp, false); v.Panel != PanelManage {
		t.Errorf("a setup step once it is on: %+v", v)
	}
}

func TestSessionsCard(t *testing.T) {
	at := time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	s := Snapshot{Conn: Offline, SessionID: "b", View: model.View{Sessions: []model.Session{
		{ID: "a", Device: "Chrome on Windows", DeviceKind: "Browser", Location: "Unknown", Created: at, LastActive: at},
		{ID: "b", Device: "ada-laptop (DialNexa desktop on Linux)", DeviceKind: "Desktop app", Location: "Berlin", Created: at, LastActive: at}}}}
	f := func(t time.Time) string { return t.Format("2006-01-02") }
	rows := s.Sessions(Dates{Time: f, Ago: f}).Rows
	if len(rows) != 2 || rows[0].ThisDevice || !rows[1].ThisDevice || rows[0].Revoke.Enabled || rows[0].Revoke.Reason == "" {
		t.Fatalf("rows %+v", rows)
	}
	if got := rows[1].Detail; got != "Desktop app · Berlin · signed in 2026-11-27 · last active 2026-11-27" {
		t.Errorf("detail %q", got)
	}
}
