package app

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
)

const avatarSide = 96

// avatarView shows the profile picture cropped to a circle, or the
// initials on a coloured disc when there is none.
type avatarView struct {
	content  *fyne.Container
	picture  *canvas.Image
	disc     *canvas.Circle
	initials *canvas.Text
	shownPNG []byte
}

func newAvatarView() *avatarView {
	v := &avatarView{}
	v.picture = canvas.NewImageFromImage(nil)
	v.picture.FillMode = canvas.ImageFillContain
	v.picture.SetMinSize(fyne.NewSize(avatarSide, avatarSide))
	v.disc = canvas.NewCircle(theme.Color(theme.ColorNamePrimary))
	v.initials = canvas.NewText("", color.White)
	v.initials.TextSize = 32
	v.initials.TextStyle = fyne.TextStyle{Bold: true}
	v.initials.Alignment = fyne.TextAlignCenter
	box := container.NewGridWrap(fyne.NewSize(avatarSide, avatarSide), container.NewStack(v.disc, container.NewCenter(v.initials), v.picture))
	v.content = box
	return v
}

// show displays png (a square picture) or, when nil, the initials.
func (v *avatarView) show(png []byte, initials string) {
	v.initials.Text = initials
	if png == nil {
		v.picture.Hide()
		v.disc.Show()
		v.initials.Show()
		v.shownPNG = nil
	} else if !bytes.Equal(png, v.shownPNG) {
		if img := circle(png); img != nil {
			// The initials go before the picture comes: never both.
			v.disc.Hide()
			v.initials.Hide()
			v.picture.Image = img
			v.picture.Refresh()
			v.picture.Show()
			v.shownPNG = png
		}
	}
	v.initials.Refresh()
}

// circle decodes a PNG and makes everything outside its inscribed circle
// transparent.
func circle(data []byte) image.Image {
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b := src.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	mask := image.NewAlpha(out.Bounds())
	r := float64(min(b.Dx(), b.Dy())) / 2
	for y := range b.Dy() {
		for x := range b.Dx() {
			dx, dy := float64(x)+0.5-r, float64(y)+0.5-r
			if dx*dx+dy*dy <= r*r {
				mask.SetAlpha(x, y, color.Alpha{255})
			}
		}
	}
	draw.DrawMask(out, out.Bounds(), src, b.Min, mask, image.Point{}, draw.Src)
	return out
}

// openWithDialog is the default OpenFile: the system's file dialog,
// limited to the picture formats the server takes.
func (u *UI) openWithDialog(done func(data []byte, err error)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, 2<<20+1))
		done(data, err)
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".webp"}))
	d.Show()
}
