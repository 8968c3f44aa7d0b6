package app

import (
	"context"
	"net/url"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// UI is the desktop app's window content. Create it with New and call
// Refresh (from any goroutine) whenever the controller reports a change.
type UI struct {
	win fyne.Window
	c   Controller
	// async runs blocking actions on goroutines of work; tests make it
	// synchronous.
	async func(func())
	// work holds every goroutine the UI starts: actions, and what
	// outlives one (waiting for a browser sign-in to be approved). life
	// ends them: Close cancels it and waits for work.
	work sync.WaitGroup
	life context.Context
	stop context.CancelFunc
	// SaveFile offers data to the user as a file (backup codes). By
	// default it shows the system's save dialog.
	SaveFile func(name string, data []byte)
	// OpenFile asks the user for a file (the profile picture) and calls
	// done with its content. By default it shows the system's open dialog.
	OpenFile func(done func(data []byte, err error))
	// OpenURL opens a link (a notification's) in the browser.
	OpenURL func(*url.URL) error
	// Notify shows an OS notification (a security alert while the window
	// is in the background). By default fyne.App.SendNotification.
	Notify func(title, body string)

	// foreground: the app's window has the user's attention.
	foreground bool
	// trayMenu and trayState are the system tray's menu and its line
	// with the connection state (nil without a tray).
	trayMenu  *fyne.Menu
	trayState *fyne.MenuItem

	signedIn bool
	// snapshot is the one the screens show.
	snapshot core.Snapshot
	root     *fyne.Container

	auth          *authScreen
	status        *widget.Label
	statusIcon    *widget.Icon
	profile       *profileScreen
	security      *securityScreen
	sessions      *sessionsScreen
	alert         *alertPopup
	notifications *notificationsScreen
	workspaces    *workspacesScreen
	danger        *dangerScreen
	bell          *bell
	notice        *widget.Label
	noticeRow     *fyne.Container
	// update says a newer desktop app is available, with its link.
	update     *widget.Label
	updateLink *widget.Hyperlink
	updateRow  *fyne.Container
	tabs       *container.AppTabs
}

// New builds the UI in win for controller c.
func New(win fyne.Window, c Controller) *UI {
	u := &UI{win: win, c: c}
	u.life, u.stop = context.WithCancel(context.Background())
	u.async = func(f func()) { u.work.Go(f) }
	u.auth = newAuthScreen(u)
	u.status = widget.NewLabel("")
	u.statusIcon = widget.NewIcon(nil)
	u.notice = widget.NewLabel("")
	u.notice.Wrapping = fyne.TextWrapWord
	u.notice.Importance = widget.WarningImportance
	u.noticeRow = container.NewBorder(nil, nil, nil, widget.NewButton("Dismiss", func() { u.c.DismissNotice(); u.render() }), u.notice)
	u.update = widget.NewLabel("")
	u.update.Importance = widget.HighImportance
	u.updateLink = widget.NewHyperlink("", nil)
	u.updateRow = container.NewHBox(u.update, u.updateLink)
	u.updateRow.Hide()
	u.profile = newProfileScreen(u)
	u.sessions = newSessionsScreen(u)
	u.security = newSecurityScreen(u)
	u.alert = newAlertPopup(u)
	u.SaveFile = u.saveWithDialog
	u.OpenFile = u.openWithDialog
	u.OpenURL = fyne.CurrentApp().OpenURL
	u.Notify = func(title, body string) { fyne.CurrentApp().SendNotification(fyne.NewNotification(title, body)) }
	u.foreground = true
	lc := fyne.CurrentApp().Lifecycle()
	lc.SetOnEnteredForeground(func() { u.SetForeground(true) })
	lc.SetOnExitedForeground(func() { u.SetForeground(false) })
	u.notifications = newNotificationsScreen(u)
	u.workspaces = newWorkspacesScreen(u)
	u.danger = newDangerScreen(u)
	u.bell = newBell(u)
	content := map[string]fyne.CanvasObject{"profile": u.profile.content, "security": u.security.content,
		"notifications": u.notifications.content, "workspaces": u.workspaces.content, "danger": u.danger.content}
	u.tabs = container.NewAppTabs()
	for _, sc := range core.Screens {
		u.tabs.Append(container.NewTabItem(sc.Name, content[sc.Route]))
	}
	// Ctrl+1 … Ctrl+5 (Cmd on macOS) open the tabs.
	for i := range u.tabs.Items {
		win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyName(strconv.Itoa(i + 1)), Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) {
				if u.signedIn {
					u.tabs.SelectIndex(i)
				}
			})
	}
	u.root = container.NewStack()
	win.SetContent(u.root)
	u.render()
	return u
}

// Tray puts the app in the system tray where the desktop driver has one:
// its icon, a menu with the connection state and Open (Fyne adds Quit),
// and the window shown on a tap.
func (u *UI) Tray(a fyne.App, icon fyne.Resource) {
	desk, ok := a.(desktop.App)
	if !ok {
		return
	}
	u.trayState = fyne.NewMenuItem(u.c.Snapshot().StatusText(), nil)
	u.trayState.Disabled = true
	open := fyne.NewMenuItem("Open DialNexa Account", func() {
		u.win.Show()
		u.win.RequestFocus()
	})
	u.trayMenu = fyne.NewMenu("DialNexa Account", u.trayState, fyne.NewMenuItemSeparator(), open)
	desk.SetSystemTrayMenu(u.trayMenu)
	desk.SetSystemTrayIcon(icon)
	desk.SetSystemTrayWindow(u.win)
}

// SetForeground tells the UI whether its window has the user's attention
// (the app's lifecycle does); in the background a new security alert is
// also sent as an OS notification.
func (u *UI) SetForeground(fg bool) {
	fyne.Do(func() {
		u.foreground = fg
		if fg {
			return
		}
		u.render()
	})
}

// Refresh redraws the UI from the controller's current snapshot. It is safe
// to call from any goroutine.
func (u *UI) Refresh() { fyne.Do(u.render) }

// Wait returns once the work the UI started in the background (actions,
// waiting for a browser sign-in to be approved, denied or cancelled) has
// ended.
func (u *UI) Wait() { u.work.Wait() }

// Close ends what the UI started (a sign-in waiting for the browser, an
// action on its way) and waits for it: the app calls it before its store
// closes.
func (u *UI) Close() {
	u.stop()
	u.work.Wait()
}

// ctx bounds one user action, within the UI's life.
func (u *UI) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(u.life, 30*time.Second)
}

func (u *UI) render() {
	s := u.c.Snapshot()
	u.snapshot = s
	if !s.SignedIn() {
		if u.signedIn || len(u.root.Objects) == 0 {
			u.auth.reset()
			u.alert.render(s)
			if u.bell.shown {
				u.bell.toggle()
			}
			u.root.Objects = []fyne.CanvasObject{u.auth.content}
			u.signedIn = false
		}
		u.auth.render(s)
		u.root.Refresh()
		return
	}
	if !u.signedIn || len(u.root.Objects) == 0 {
		u.signedIn = true
		signOut := widget.NewButton("Sign out", func() {
			u.async(func() {
				ctx, cancel := u.ctx()
				defer cancel()
				u.c.SignOut(ctx)
				u.Refresh()
			})
		})
		header := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Settings → Account", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), container.NewHBox(u.bell.button, signOut), container.NewHBox(u.statusIcon, u.status))
		u.profile.reset()
		u.root.Objects = []fyne.CanvasObject{container.NewBorder(container.NewVBox(header, u.updateRow, u.noticeRow), nil, nil, nil, u.tabs)}
	}
	u.status.SetText(s.StatusText())
	if u.trayState != nil && u.trayState.Label != s.StatusText() {
		u.trayState.Label = s.StatusText()
		u.trayMenu.Refresh()
	}
	icon, importance := connectionLook(s.Conn)
	u.statusIcon.SetResource(icon)
	u.status.Importance = importance
	u.status.Refresh()
	up := s.UpdateNotice()
	u.update.SetText(up.Text)
	if link, err := url.Parse(up.URL); err == nil && up.Text != "" {
		u.updateLink.SetText(up.Link)
		u.updateLink.SetURL(link)
		u.updateRow.Show()
	} else {
		u.updateRow.Hide()
	}
	u.notice.SetText(s.Notice)
	if s.Notice == "" {
		u.noticeRow.Hide()
	} else {
		u.noticeRow.Show()
	}
	u.profile.render(s)
	u.security.render(s)
	u.notifications.render(s)
	u.workspaces.render(s)
	u.danger.render(s)
	u.bell.render(s)
	u.alert.render(s)
	u.root.Refresh()
}

// WindowSize is the desktop window's size on its first start; later starts
// take the size it had when it was closed (RememberSize).
var WindowSize = fyne.NewSize(900, 640)

// RememberSize opens win at the size it had when it was last closed (kept
// in prefs), and keeps it when it closes. Fyne does not expose a window's
// position, so the window manager places it.
func RememberSize(win fyne.Window, prefs fyne.Preferences) {
	w := prefs.FloatWithFallback("window.width", float64(WindowSize.Width))
	h := prefs.FloatWithFallback("window.height", float64(WindowSize.Height))
	win.Resize(fyne.NewSize(float32(max(w, 480)), float32(max(h, 400))))
	win.SetOnClosed(func() { SaveSize(win, prefs) })
}

// SaveSize remembers the window's size for the next start (RememberSize
// does when the window closes).
func SaveSize(win fyne.Window, prefs fyne.Preferences) {
	size := win.Canvas().Size()
	if size.Width > 0 && size.Height > 0 {
		prefs.SetFloat("window.width", float64(size.Width))
		prefs.SetFloat("window.height", float64(size.Height))
	}
}

// connectionLook is the icon and colour of a connection state: green and
// a tick online, blue and arrows while syncing, amber offline, red when the
// app must be updated.
func connectionLook(c core.ConnState) (fyne.Resource, widget.Importance) {
	switch c {
	case core.Online:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon()), widget.SuccessImportance
	case core.Syncing, core.Connecting:
		return theme.NewPrimaryThemedResource(theme.ViewRefreshIcon()), widget.HighImportance
	case core.Outdated:
		return theme.NewErrorThemedResource(theme.ErrorIcon()), widget.DangerImportance
	default:
		return theme.NewWarningThemedResource(theme.WarningIcon()), widget.WarningImportance
	}
}

// RunActionsInline makes the UI run its blocking actions on the calling
// goroutine instead of a new one, for headless drivers and tests.
func (u *UI) RunActionsInline() { u.async = func(f func()) { f() } }

// showTab switches to the screen with the route (core.Screens).
func (u *UI) showTab(route string) {
	for i, sc := range core.Screens {
		if sc.Route == route && i < len(u.tabs.Items) {
			u.tabs.SelectIndex(i)
		}
	}
}
