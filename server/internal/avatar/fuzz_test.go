package avatar

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
	"time"
)

// FuzzAvatar feeds arbitrary bytes to the upload pipeline: it never panics,
// and whatever it accepts comes out as a 256×256 PNG.
func FuzzAvatar(f *testing.F) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	img.Set(3, 3, color.RGBA{255, 0, 0, 255})
	var p, j bytes.Buffer
	png.Encode(&p, img)
	jpeg.Encode(&j, img, nil)
	f.Add(p.Bytes())
	f.Add(j.Bytes())
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Add([]byte("GIF89a"))
	f.Add(p.Bytes()[:20])
	proc := New(time.Minute)
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := proc.Process(context.Background(), data)
		if err != nil {
			var refused *Error
			if !errors.As(err, &refused) {
				t.Fatalf("a refusal that is not an *Error: %v", err)
			}
			return
		}
		got, err := png.Decode(bytes.NewReader(out))
		if err != nil || got.Bounds().Dx() != Size || got.Bounds().Dy() != Size {
			t.Fatalf("accepted picture came out as %v, %v", got.Bounds(), err)
		}
	})
}
