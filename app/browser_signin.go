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
// app signs in as a native OAuth client (RFC 8252): it opens the system
// browser on the server's sign-in page, where the user signs in (with a
// passkey, which lives with the browser), and the code comes back to the
// app on a loopback port. Where no browser can be opened here, the app
// says so and falls back to a code the user checks and approves on
// another device.
type browserSignIn struct {
	a       *authScreen
	button  *widget.Button
	useCode *widget.Button
	box     *fyne.Container
	hint    *widget.Label
	code    *widget.Label
	addr    *widget.Label
	reopen  *widget.Button
	stop    *widget.Button
	cancel  context.CancelFunc
	link    *url.URL
}

func newBrowserSignIn(a *authScreen) *browserSignIn {
	b := &browserSignIn{a: a}
	b.button = widget.NewButton(core.TextBrowserSignIn, b.start)
	b.useCode = widget.NewButton(core.TextCodeSignIn, func() { b.startCode(core.HandOffCode) })
	b.useCode.Importance = widget.LowImportance
	b.code = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	b.code.SizeName = theme.SizeNameHeadingText
	b.addr = widget.NewLabel("")
	b.addr.Wrapping = fyne.TextWrapBreak
	b.hint = widget.NewLabel("")
	b.hint.Wrapping = fyne.TextWrapWord
	b.reopen = widget.NewButton("", func() {
		if b.link != nil {
			b.opened(b.a.u.OpenURL(b.link))
		}
	})
	b.stop = widget.NewButton("", b.end)
	b.box = container.NewVBox(b.hint, b.addr, b.code, container.NewHBox(b.reopen, b.stop))
	b.show(core.HandOff(core.HandOffNone, "", ""))
	return b
}

// start signs in through the system browser as a native client.
func (b *browserSignIn) start() {
	b.a.errLabel.SetText("")
	b.button.Disable()
	u := b.a.u
	u.async(func() {
		ctx, cancel := u.ctx()
		defer cancel()
		n, err := b.a.c.StartNativeSignIn(ctx)
		fyne.Do(func() {
			b.button.Enable()
			if err != nil {
				b.a.errLabel.SetText(core.UserMessage(err))
				return
			}
			link, err := url.Parse(n.URL)
			if err != nil {
				n.Close()
				b.a.errLabel.SetText("The sign-in address is not valid: " + err.Error())
				return
			}
			if err := u.OpenURL(link); err != nil {
				// No browser here: the code, approved on another device.
				n.Close()
				b.startCode(core.HandOffNoBrowser)
				return
			}
			b.link = link
			b.show(core.HandOff(core.HandOffBrowser, "", ""))
			b.waitFor(func(ctx context.Context) error { return b.a.c.FinishNativeSignIn(ctx, n) }, n.Close)
		})
	})
}

// startCode signs in with a code checked and approved in a browser, on
// this computer or another; step says which.
func (b *browserSignIn) startCode(step core.HandOffStep) {
	b.a.errLabel.SetText("")
	u := b.a.u
	u.async(func() {
		ctx, cancel := u.ctx()
		defer cancel()
		req, err := b.a.c.StartBrowserSignIn(ctx)
		fyne.Do(func() {
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
			if step != core.HandOffNoBrowser {
				b.opened(u.OpenURL(link))
			}
			b.show(core.HandOff(step, req.URL, req.Code))
			b.waitFor(func(ctx context.Context) error { return b.a.c.FinishBrowserSignIn(ctx, req) }, nil)
		})
	})
}

// show lays out the hand-off at its step: the buttons that start it, or
// the waiting box.
func (b *browserSignIn) show(v core.HandOffView) {
	b.hint.SetText(v.Hint)
	b.addr.SetText(v.Address)
	b.addr.Hidden = v.Address == ""
	b.code.SetText(v.Code)
	b.code.Hidden = v.Code == ""
	b.reopen.SetText(v.Reopen)
	b.reopen.Hidden = v.Reopen == ""
	b.stop.SetText(v.Cancel)
	setShown(b.box, v.Waiting)
	setShown(b.button, v.Start != "")
	setShown(b.useCode, v.UseCode != "")
}

// opened tells, when the browser could not be opened, where to go instead.
func (b *browserSignIn) opened(err error) {
	if err != nil {
		b.a.errLabel.SetText("The browser could not be opened (" + err.Error() + "): open " + b.link.String() + " in a browser yourself.")
	}
}

// waitFor waits for the sign-in on a goroutine of its own (it lasts until
// the user finishes, cancels, or it expires); release, if set, is called
// when the user cancels.
func (b *browserSignIn) waitFor(finish func(ctx context.Context) error, release func()) {
	// The server bounds the sign-in too; this side bounds the wait.
	ctx, cancel := context.WithTimeout(b.a.u.life, 15*time.Minute)
	b.cancel = func() {
		cancel()
		if release != nil {
			release()
		}
	}
	u := b.a.u
	u.work.Go(func() {
		defer cancel()
		err := finish(ctx)
		fyne.Do(func() {
			if b.cancel == nil {
				return // cancelled by the user
			}
			b.end()
			switch {
			case errors.Is(err, context.DeadlineExceeded):
				b.a.errLabel.SetText("The sign-in was not finished in time. Start again.")
			case err != nil:
				b.a.errLabel.SetText(core.UserMessage(err))
			}
			u.render()
		})
	})
}

// end stops waiting and shows the buttons again.
func (b *browserSignIn) end() {
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
	b.show(core.HandOff(core.HandOffNone, "", ""))
}
