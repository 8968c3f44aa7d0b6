package avatar

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"
)

func pngOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The decoded size is judged from the header's dimensions and colour
// model, before anything is decoded.
func TestDecodedSize(t *testing.T) {
	cases := []struct {
		name string
		img  image.Image
		want int64
	}{
		{"16-bit RGBA", image.NewNRGBA64(image.Rect(0, 0, 100, 10)), 8000},
		{"8-bit RGBA", image.NewNRGBA(image.Rect(0, 0, 100, 10)), 4000},
		{"16-bit grey", image.NewGray16(image.Rect(0, 0, 100, 10)), 2000},
		{"8-bit grey", image.NewGray(image.Rect(0, 0, 100, 10)), 1000},
		{"paletted", image.NewPaletted(image.Rect(0, 0, 100, 10), color.Palette{color.Black, color.White}), 1000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := png.DecodeConfig(bytes.NewReader(pngOf(t, tc.img)))
			if err != nil {
				t.Fatal(err)
			}
			if got := decodedSize(cfg); got != tc.want {
				t.Errorf("decodedSize = %d, want %d", got, tc.want)
			}
		})
	}
}

// An upload waits for room in the decode budget and is answered "busy"
// (503 with Retry-After, in the handler) when none comes in time.
func TestDecodeBudgetMakesUploadsWait(t *testing.T) {
	p := New(50 * time.Millisecond)
	data := pngOf(t, image.NewNRGBA64(image.Rect(0, 0, 64, 64)))

	if !p.budget.TryAcquire(DecodeBudget) { // the largest pictures fill it
		t.Fatal("budget not free at start")
	}
	if _, err := p.Process(context.Background(), data); err != ErrBusy {
		t.Fatalf("upload with the budget full: %v, want busy", err)
	}
	// Room appears while it waits: it goes through.
	p.wait = time.Minute
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := p.Process(context.Background(), data); err != nil {
			t.Errorf("upload once room appeared: %v", err)
		}
	}()
	p.budget.Release(DecodeBudget)
	<-done
	if !p.budget.TryAcquire(DecodeBudget) {
		t.Error("the upload did not give its share back")
	}
}
