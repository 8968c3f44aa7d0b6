package e2e

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/app"
	"github.com/dialnexa/account/core"
)

// find returns the first visible widget of type T in the window (its
// content, then its pop-ups) for which match holds, looking through
// containers and widget renderers.
func find[T fyne.CanvasObject](w fyne.Window, match func(T) bool) T {
	var zero T
	roots := []fyne.CanvasObject{w.Content()}
	roots = append(roots, w.Canvas().Overlays().List()...)
	for _, root := range roots {
		if !root.Visible() {
			continue
		}
		for _, o := range test.LaidOutObjects(root) {
			if v, ok := o.(T); ok && o.Visible() && match(v) {
				return v
			}
		}
	}
	return zero
}

func entry(w fyne.Window, placeholder string) *widget.Entry {
	return find(w, func(e *widget.Entry) bool { return strings.HasPrefix(e.PlaceHolder, placeholder) })
}

func button(w fyne.Window, text string) *widget.Button {
	return find(w, func(b *widget.Button) bool { return b.Text == text })
}

func labelWith(w fyne.Window, sub string) *widget.Label {
	return find(w, func(l *widget.Label) bool { return strings.Contains(l.Text, sub) })
}

// TestDesktopScreensAgainstServer drives the desktop screens with Fyne's
// headless driver against a real server: sign in, see the profile, then be
// revoked from another device and land on sign-in with the reason.
func TestDesktopScreensAgainstServer(t *testing.T) {
	ts := startServer(t)
	other := newClient(t, ts)
	signUp(t, other, "fyne@example.com", "Fyne User")

	c := newClient(t, ts)
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(app.WindowSize)
	ui := app.New(w, c)
	ui.RunActionsInline()

	test.Type(entry(w, "Email"), "fyne@example.com")
	test.Type(entry(w, "Password"), goodPassword)
	test.Tap(button(w, "Sign in"))
	if l := find(w, func(l *widget.Label) bool { return l.Importance == widget.DangerImportance && l.Text != "" }); l != nil {
		t.Fatalf("sign-in error: %s", l.Text)
	}
	c.run()
	waitFor(t, "profile with the account's name", func() bool {
		ui.Refresh()
		return labelWith(w, "Fyne User") != nil && labelWith(w, "Online") != nil
	})

	if err := other.RevokeSession(context.Background(), c.Snapshot().SessionID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "sign-in screen with the reason", func() bool {
		ui.Refresh()
		return button(w, "Sign in") != nil && labelWith(w, "revoked") != nil
	})
	if c.Snapshot().Conn != core.SignedOut {
		t.Error("client still signed in")
	}
}

func TestDesktopSignInErrorIsShown(t *testing.T) {
	ts := startServer(t)
	other := newClient(t, ts)
	signUp(t, other, "fyne2@example.com", "Fyne Two")
	c := newClient(t, ts)
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	ui := app.New(w, c)
	ui.RunActionsInline()
	test.Type(entry(w, "Email"), "fyne2@example.com")
	test.Type(entry(w, "Password"), "wrong password 1!")
	test.Tap(button(w, "Sign in"))
	if labelWith(w, "Email or password is incorrect") == nil {
		t.Fatal("wrong password: no error shown")
	}
	if c.Snapshot().SignedIn() {
		t.Fatal("wrong password signed in")
	}
}
