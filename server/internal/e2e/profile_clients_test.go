package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/chromedp/chromedp"
)

// The desktop profile: initials without a picture, then the uploaded
// picture cropped to a circle; the email change asks for the password and
// says what happens next.
func TestDesktopAvatarAndEmail(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "deskpic@example.com", "Ada Lovelace")
	c.run()
	w, ui := desktopUI(t, c)
	ui.OpenFile = func(done func([]byte, error)) { done(pngBytes(testImage(300, 200)), nil) }
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })
	if find(w, func(tx *canvas.Text) bool { return tx.Text == "AL" }) == nil {
		t.Fatal("no initials without a picture")
	}
	test.Tap(button(w, "Change picture…"))
	var img *canvas.Image
	waitFor(t, "the picture", func() bool {
		ui.Refresh()
		img = find(w, func(i *canvas.Image) bool { return i.Image != nil })
		return img != nil
	})
	b := img.Image.Bounds()
	if _, _, _, a := img.Image.At(b.Min.X, b.Min.Y).RGBA(); a != 0 {
		t.Error("picture corner is not transparent: not cropped to a circle")
	}
	if _, _, _, a := img.Image.At(b.Dx()/2, b.Dy()/2).RGBA(); a == 0 {
		t.Error("picture centre is transparent")
	}
	// The UI renders on Fyne's goroutine: the initials are gone by the
	// time it has settled.
	waitFor(t, "the initials hidden under the picture", func() bool {
		ui.Refresh()
		return find(w, func(tx *canvas.Text) bool { return tx.Text == "AL" }) == nil
	})
	// The cache survives: the picture is in the local store.
	st, _ := c.store.Load()
	if st.Avatar == nil || len(st.Avatar.PNG) == 0 {
		t.Error("picture not cached locally")
	}

	test.Type(entry(w, "New email address"), "deskpic2@example.com")
	test.Type(entry(w, "Current password"), goodPassword)
	test.Tap(button(w, "Change Email"))
	if labelWith(w, "verification link") == nil {
		t.Fatal("no confirmation after Change Email")
	}
	ts.inbox.waitFor(t, "deskpic2@example.com", "Confirm your new")

	test.Tap(button(w, "Remove picture"))
	waitFor(t, "initials again", func() bool {
		ui.Refresh()
		return find(w, func(tx *canvas.Text) bool { return tx.Text == "AL" }) != nil
	})
}

// The panel's profile: upload a picture and see it as a circle; change the
// email address.
func TestPanelAvatarAndEmail(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	apiSignUp(t, ts, "panelpic@example.com", pw, "Grace Hopper", "d1")
	pic := filepath.Join(t.TempDir(), "me.png")
	os.WriteFile(pic, pngBytes(testImage(320, 240)), 0o600)
	ctx := newBrowser(t)
	within(t, ctx, "sign in and see the initials",
		chromedp.Navigate(ts.url()+"/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, "panelpic@example.com"),
		chromedp.SendKeys(`#password`, pw),
		chromedp.Click(`#auth-submit`),
		textIs("avatar-initials", "GH"),
		visible("avatar-initials"),
	)
	within(t, ctx, "upload and see the circle",
		chromedp.SetUploadFiles(`#avatar-file`, []string{pic}),
		visible("avatar-img"),
		poll(`(i => i.naturalWidth === 256 && getComputedStyle(i).borderRadius === "50%")(document.getElementById("avatar-img"))`),
		poll(`document.getElementById("avatar-initials").hidden`),
		textIs("avatar-status", "Picture updated."),
	)
	saveScreenshot(t, ctx, "panel-profile-avatar.png")
	within(t, ctx, "change the email",
		chromedp.SendKeys(`#new-email`, "panelpic2@example.com"),
		chromedp.SendKeys(`#email-password`, pw),
		chromedp.Click(`#email-save`),
		poll(`document.getElementById("email-info").textContent.includes("verification link")`),
	)
	m := ts.inbox.waitFor(t, "panelpic2@example.com", "Confirm your new")
	local := ts.url() + strings.TrimPrefix(m.link(t), "https://account.dialnexa.test")
	within(t, ctx, "open the verification link",
		chromedp.Navigate(local),
		chromedp.WaitVisible(`#verify-form`),
		poll(`document.getElementById("verify-status").textContent.includes("panelpic2@example.com")`),
	)
	if a, _ := apiSignIn(t, ts, "panelpic2@example.com", pw, "", "d1"); a.status != 200 {
		t.Errorf("new address after verification in the browser: %d", a.status)
	}
}
