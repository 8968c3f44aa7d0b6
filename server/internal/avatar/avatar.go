// Package avatar turns an uploaded picture into the stored profile picture:
// the format sniffed from its first bytes (JPG, PNG or WebP), its
// dimensions checked from the header before anything is decoded, decodes
// bounded by a memory budget, and the centred square re-encoded as a
// 256×256 PNG, so nothing of the original file is kept.
package avatar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"runtime/debug"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
	"golang.org/x/sync/semaphore"
)

// Limits: the product allows JPG, PNG and WebP up to 2 MB; the stored
// picture is a square PNG.
const (
	MaxBytes = 2 << 20
	MaxSide  = 6000 // width and height, read from the header before decoding
	Size     = 256
	// DecodeBudget bounds the memory of the pictures being decoded at
	// once: each decode holds its decoded size (width × height × bytes per
	// pixel of its colour model) from this budget, so small pictures
	// decode side by side and the largest (6000×6000 at 16 bits a channel,
	// 288 MB) one at a time.
	DecodeBudget = 320 << 20
	// DefaultWait is how long a picture waits for room in the budget
	// before it is refused with ErrBusy.
	DefaultWait = 20 * time.Second
	// reclaimAbove is the decoded size above which the memory is returned
	// as soon as the picture is processed.
	reclaimAbove = 64 << 20
)

// Error is a picture refused for what it is; its message says why.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func refuse(format string, a ...any) error { return &Error{Msg: fmt.Sprintf(format, a...)} }

// ErrBusy refuses a picture while the decode budget stays full; the
// upload may be tried again shortly.
var ErrBusy = errors.New("many pictures are being processed right now")

// ErrFormat refuses a file that is not a JPG, PNG or WebP picture.
var ErrFormat = &Error{Msg: "Use a JPG, PNG or WebP image."}

// Processor processes pictures within one decode budget.
type Processor struct {
	budget *semaphore.Weighted
	wait   time.Duration
}

// New returns a Processor whose pictures wait up to wait for room in the
// decode budget.
func New(wait time.Duration) *Processor {
	return &Processor{budget: semaphore.NewWeighted(DecodeBudget), wait: wait}
}

// Known reports whether head (the file's first bytes) starts a JPG, PNG or
// WebP picture.
func Known(head []byte) bool {
	_, _, ok := sniff(head)
	return ok
}

// sniff returns the decoder for the image format b starts with, by its
// magic bytes (never by file name or declared type).
func sniff(b []byte) (config func(io.Reader) (image.Config, error), decode func(io.Reader) (image.Image, error), ok bool) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return png.DecodeConfig, png.Decode, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return jpeg.DecodeConfig, jpeg.Decode, true
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return webp.DecodeConfig, webp.Decode, true
	}
	return nil, nil, false
}

// decodedSize is the memory a decoded picture of cfg takes.
func decodedSize(cfg image.Config) int64 {
	bpp := int64(4)
	switch cfg.ColorModel {
	case color.GrayModel, color.AlphaModel:
		bpp = 1
	case color.Gray16Model, color.Alpha16Model:
		bpp = 2
	case color.RGBA64Model, color.NRGBA64Model:
		bpp = 8
	default:
		if _, ok := cfg.ColorModel.(color.Palette); ok {
			bpp = 1
		}
	}
	return int64(cfg.Width) * int64(cfg.Height) * bpp
}

// Process checks the header's dimensions, decodes (holding the decoded
// size from the decode budget, waiting for room as long as the Processor
// allows), crops and re-encodes an uploaded picture. A refused picture is
// an *Error or ErrBusy.
func (p *Processor) Process(ctx context.Context, data []byte) ([]byte, error) {
	config, decode, ok := sniff(data)
	if !ok {
		return nil, ErrFormat
	}
	cfg, err := config(bytes.NewReader(data))
	if err != nil {
		return nil, refuse("The picture is damaged or incomplete.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide {
		return nil, refuse("The picture is %d×%d pixels; use one of at most %d×%d.", cfg.Width, cfg.Height, MaxSide, MaxSide)
	}
	need := min(decodedSize(cfg), DecodeBudget)
	wctx, cancel := context.WithTimeout(ctx, p.wait)
	defer cancel()
	if err := p.budget.Acquire(wctx, need); err != nil {
		return nil, ErrBusy
	}
	defer p.budget.Release(need)
	if need > reclaimAbove {
		// Hand the decoded picture's memory back before the next large
		// decode may start; otherwise the collector's headroom lets the
		// heap hold two of them.
		defer debug.FreeOSMemory()
	}
	return processDecoded(data, decode)
}

// processDecoded decodes, crops and re-encodes a picture whose header was
// checked.
func processDecoded(data []byte, decode func(io.Reader) (image.Image, error)) ([]byte, error) {
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, refuse("The picture is damaged or incomplete.")
	}
	out, err := squarePNG(img, Size)
	if err != nil {
		return nil, refuse("The picture could not be processed.")
	}
	return out, nil
}

// squarePNG crops img to its centred square and scales it to size×size.
func squarePNG(img image.Image, size int) ([]byte, error) {
	b := img.Bounds()
	side := min(b.Dx(), b.Dy())
	src := image.Rect(b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2, 0, 0)
	src.Max = src.Min.Add(image.Pt(side, side))
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, src, draw.Src, nil)
	var buf bytes.Buffer
	if err := png.Encode(&buf, dst); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
