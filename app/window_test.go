package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// Ctrl+1 … Ctrl+5 open the five tabs.
func TestShortcutsOpenTheTabs(t *testing.T) {
	c, _ := offlineClient(t)
	u := newTestUI(t, c)
	sc := u.win.Canvas().(fyne.Shortcutable)
	for i, want := range []string{"Profile", "Security", "Notifications", "Workspaces", "Danger Zone"} {
		sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyName(string(rune('1' + i))), Modifier: fyne.KeyModifierShortcutDefault})
		if got := u.tabs.Selected().Text; got != want {
			t.Errorf("Ctrl+%d opened %q, want %q", i+1, got, want)
		}
	}
}

// The window opens at the size it had when it was closed.
func TestWindowSizeIsRemembered(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("first")
	RememberSize(w, a.Preferences())
	if got := w.Canvas().Size(); got.Width < WindowSize.Width-1 || got.Height < WindowSize.Height-1 {
		t.Fatalf("first start: %v, want %v", got, WindowSize)
	}
	w.Resize(fyne.NewSize(1200, 800))
	w.Close()
	w2 := a.NewWindow("second")
	RememberSize(w2, a.Preferences())
	if got := w2.Canvas().Size(); got.Width < 1199 || got.Height < 799 {
		t.Fatalf("second start: %v, want the 1200×800 it was closed at", got)
	}
}

// The connection state has an icon and a colour of its own.
func TestConnectionStateLooks(t *testing.T) {
	c, _ := offlineClient(t)
	u := newTestUI(t, c)
	if u.status.Importance != widget.WarningImportance || u.statusIcon.Resource == nil {
		t.Errorf("offline: importance %v, icon %v", u.status.Importance, u.statusIcon.Resource)
	}
	seen := map[widget.Importance]bool{}
	for _, s := range []core.ConnState{core.Online, core.Syncing, core.Offline, core.Outdated} {
		icon, imp := connectionLook(s)
		if icon == nil || seen[imp] {
			t.Errorf("%v: icon %v, colour %v shared with another state", s, icon, imp)
		}
		seen[imp] = true
	}
}
