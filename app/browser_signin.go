package app

import (
	"context"
	"errors"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// browserSignIn is the sign-in screen's "Sign in with your browser": the
// app opens the system browser on the panel's page, where the user signs
// in (with a passkey, which lives with the browser) and approves; the app
// waits for the approval and gets a session of its own.
type browserSignIn struct {
	a      *authScreen
	button *widget.Button
	box    *fyne.Container
	code   *widget.Label
	reopen *widget.Button
	stop   *widget.Button
	cancel context.CancelFunc
	link   *url.URL
}

func newBrowserSignIn(a *authScreen) *browserSignIn {
	b := &browserSignIn{a: a}
	b.button = widget.NewButton(core.TextBrowserSignIn, b.start)
	b.code = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	b.code.SizeName = theme.SizeNameHeadingText
	hint := widget.NewLabel(core.TextBrowserSignInWaiting)
	hint.Wrapping = fyne.TextWrapWord
	b.reopen = widget.NewButton("Open the browser again", func() {
		if b.link != nil {
			b.opened(b.a.u.OpenURL(b.link))
		}
	})
	b.stop = widget.NewButton("Cancel", b.end)
	b.box = container.NewVBox(hint, b.code, container.NewHBox(b.reopen, b.stop))
	b.box.Hidden = true
	return b
}

func (b *browserSignIn) start() {
	b.a.errLabel.SetText("")
	b.button.Disable()
	u := b.a.u
	u.async(func() {
		ctx, cancel := u.ctx()
		defer cancel()
		req, err := u.c.StartBrowserSignIn(ctx)
		fyne.Do(func() {
			b.button.Enable()
			if err != nil {
				b.a.errLabel.SetText(core.UserMessage(err))
				return
			}
			link, err := url.Parse(req.URL)
			if err != nil {
				b.a.errLabel.SetText("The server sent a page address that is not valid: " + err.Error())
				return
			}
			b.link = link
			b.code.SetText(req.Code)
			b.box.Show()
			b.button.Hide()
			b.opened(u.OpenURL(link))
			b.wait(req)
		})
	})
}

// opened tells, when the browser could not be opened, where to go instead.
func (b *browserSignIn) opened(err error) {
	if err != nil {
		b.a.errLabel.SetText("The browser could not be opened (" + err.Error() + "): open " + b.link.String() + " in a browser yourself.")
	}
}

// wait polls for the approval on a goroutine of its own (it lasts until
// the user answers, cancels, or the request expires).
func (b *browserSignIn) wait(req core.BrowserSignIn) {
	// The server says when the request expires; the wait is bounded on
	// this side too (this clock may differ from the server's).
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	b.cancel = cancel
	u := b.a.u
	u.waiting.Go(func() {
		defer cancel()
		err := u.c.FinishBrowserSignIn(ctx, req)
		fyne.Do(func() {
			if b.cancel == nil {
				return // cancelled by the user
			}
			b.end()
			switch {
			case errors.Is(err, context.DeadlineExceeded):
				b.a.errLabel.SetText("The sign-in was not approved in time. Start again.")
			case err != nil:
				b.a.errLabel.SetText(core.UserMessage(err))
			}
			u.render()
		})
	})
}

// end stops waiting and shows the button again.
func (b *browserSignIn) end() {
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
	b.box.Hide()
	b.button.Show()
}
