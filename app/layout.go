package app

import "fyne.io/fyne/v2"

// columnLayout centres its single object horizontally, at most maxWidth
// wide and at its minimum height, a little below the top: the shape of a
// sign-in form.
type columnLayout struct{ maxWidth float32 }

func (l columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.NewSize(0, 0)
	}
	return objs[0].MinSize().AddWidthHeight(0, 32)
}

func (l columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	w := min(size.Width, l.maxWidth)
	objs[0].Resize(fyne.NewSize(w, objs[0].MinSize().Height))
	objs[0].Move(fyne.NewPos((size.Width-w)/2, 32))
}
