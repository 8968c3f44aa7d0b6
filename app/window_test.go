package app

import (
	"strings"
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

// trayApp is a desktop driver's tray as the app sees it: what it was given.
type trayApp struct {
	fyne.App
	menu *fyne.Menu
	icon fyne.Resource
	win  fyne.Window
}

func (a *trayApp) SetSystemTrayMenu(m *fyne.Menu)    { a.menu = m }
func (a *trayApp) SetSystemTrayIcon(r fyne.Resource) { a.icon = r }
func (a *trayApp) SetSystemTrayWindow(w fyne.Window) { a.win = w }

// Where the driver has a tray, the app is in it with its icon, its
// connection state, kept current, and Open; a driver without one is left
// alone.
func TestTray(t *testing.T) {
	c, _ := offlineClient(t)
	u := newTestUI(t, c)
	u.Tray(test.NewTempApp(t), nil) // the test driver has no tray: nothing to do
	if u.trayMenu != nil {
		t.Fatal("a tray menu without a tray")
	}
	tray := &trayApp{App: test.NewTempApp(t)}
	icon := fyne.NewStaticResource("icon.png", []byte{1})
	u.Tray(tray, icon)
	if tray.menu == nil || tray.icon != icon || tray.win != u.win {
		t.Fatalf("tray given menu %v, icon %v, window %v", tray.menu, tray.icon, tray.win)
	}
	items := tray.menu.Items
	if len(items) != 3 || !items[0].Disabled || !items[1].IsSeparator || items[2].Label != "Open DialNexa Account" {
		t.Fatalf("tray menu %+v", items)
	}
	if !strings.HasPrefix(items[0].Label, "Offline") {
		t.Errorf("tray state %q, want Offline", items[0].Label)
	}
	if err := c.SetDisplayName("Ada Tray"); err != nil {
		t.Fatal(err)
	}
	u.Refresh()
	if want := "Offline — 1 change waiting"; items[0].Label != want {
		t.Errorf("tray state after an edit %q, want %q", items[0].Label, want)
	}
}
