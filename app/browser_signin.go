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
	b.useCode = widget.NewButton(core.TextCodeSignIn, func() { b.startCode(core.TextBrowserSignInWaiting) })
	b.useCode.Importance = widget.LowImportance
	b.code = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	b.code.SizeName = theme.SizeNameHeadingText
	b.addr = widget.NewLabel("")
	b.addr.Wrapping = fyne.TextWrapBreak
	b.hint = widget.NewLabel(core.TextNativeSignInWaiting)
	b.hint.Wrapping = fyne.TextWrapWord
	b.reopen = widget.NewButton("Open the browser again", func() {
		if b.link != nil {
			b.opened(b.a.u.OpenURL(b.link))
		}
	})
	b.stop = widget.NewButton("Cancel", b.end)
	b.box = container.NewVBox(b.hint, b.addr, b.code, container.NewHBox(b.reopen, b.stop))
	b.box.Hidden = true
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
		n, err := u.c.StartNativeSignIn(ctx)
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
				b.startCode(core.TextNoBrowser)
				return
			}
			b.link = link
			b.show(core.TextNativeSignInWaiting, "", "")
			b.waitFor(func(ctx context.Context) error { return u.c.FinishNativeSignIn(ctx, n) }, n.Close)
		})
	})
}

// startCode signs in with a code checked and approved in a browser, on
// this computer or another; hint says which.
func (b *browserSignIn) startCode(hint string) {
	b.a.errLabel.SetText("")
	u := b.a.u
	u.async(func() {
		ctx, cancel := u.ctx()
		defer cancel()
		req, err := u.c.StartBrowserSignIn(ctx)
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
			addr := ""
			if hint == core.TextNoBrowser {
				addr = req.URL
			} else {
				b.opened(u.OpenURL(link))
			}
			b.show(hint, addr, req.Code)
			b.waitFor(func(ctx context.Context) error { return u.c.FinishBrowserSignIn(ctx, req) }, nil)
		})
	})
}

// show swaps the buttons for the waiting box.
func (b *browserSignIn) show(hint, addr, code string) {
	b.hint.SetText(hint)
	b.addr.SetText(addr)
	b.addr.Hidden = addr == ""
	b.code.SetText(code)
	b.code.Hidden = code == ""
	b.reopen.Hidden = addr != ""
	b.box.Show()
	b.button.Hide()
	b.useCode.Hide()
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
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	b.cancel = func() {
		cancel()
		if release != nil {
			release()
		}
	}
	u := b.a.u
	u.waiting.Go(func() {
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
	b.box.Hide()
	b.button.Show()
	b.useCode.Show()
}
