package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
	"golang.org/x/sync/semaphore"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// Avatar limits: the product allows JPG, PNG and WebP up to 2 MB; the
// stored picture is a square PNG re-encoded by the server.
const (
	avatarMaxBytes = 2 << 20
	avatarMaxSide  = 6000 // width and height, read from the header before decoding
	avatarSize     = 256
	// avatarDecodeBudget bounds the memory of the pictures being decoded
	// at once: each decode holds its decoded size (width × height × bytes
	// per pixel of its colour model) from this budget, so small pictures
	// decode side by side and the largest (6000×6000 at 16 bits a channel,
	// 288 MB) one at a time.
	avatarDecodeBudget = 320 << 20
	// avatarDecodeWait is how long an upload waits for room in the budget
	// before it is answered 503 with Retry-After.
	avatarDecodeWait = 20 * time.Second
	// avatarReclaimAbove is the decoded size above which the memory is
	// returned as soon as the picture is processed.
	avatarReclaimAbove = 64 << 20
)

var errAvatarFormat = wire.Errorf(wire.CodeUnsupported, "Use a JPG, PNG or WebP image.")

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

// putAvatar is PUT /v1/avatar: the body is the image file. It is refused
// before it is read when it is declared over 2 MB, and while it is read
// when it turns out to be; the header's dimensions are checked before
// decoding; the picture is cropped to a square, scaled and re-encoded, so
// nothing of the original file (metadata, trailing data) is kept.
func (s *Server) putAvatar(w http.ResponseWriter, r *http.Request, ss store.Session) {
	tooBig := wire.Errorf(wire.CodeTooLarge, "The picture is over 2 MB. Choose a smaller file.")
	if r.ContentLength > avatarMaxBytes {
		writeError(w, http.StatusRequestEntityTooLarge, tooBig)
		return
	}
	body := http.MaxBytesReader(w, r.Body, avatarMaxBytes)
	// The format is judged from the first bytes, before the rest is read.
	head := make([]byte, 16)
	n, err := io.ReadFull(body, head)
	head = head[:n]
	if n == 0 {
		writeError(w, http.StatusBadRequest, errInvalid("The file is empty. Choose a JPG, PNG or WebP picture."))
		return
	}
	config, decode, ok := sniff(head)
	if !ok {
		writeError(w, http.StatusUnsupportedMediaType, errAvatarFormat)
		return
	}
	var data []byte
	if err == nil {
		var rest []byte
		rest, err = io.ReadAll(body)
		data = append(head, rest...)
	} else if errors.Is(err, io.ErrUnexpectedEOF) {
		data, err = head, nil // a tiny (truncated) file; decoding will say so
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		writeError(w, http.StatusRequestEntityTooLarge, tooBig)
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeBadMessage, "The upload was interrupted; try again."))
		return
	}
	out, werr := s.processAvatar(r.Context(), data, config, decode)
	if werr == errDecodeBusy {
		w.Header().Set("Retry-After", strconv.Itoa(int(avatarRetryAfter/time.Second)))
		writeError(w, http.StatusServiceUnavailable, werr)
		return
	}
	if werr != nil {
		writeError(w, http.StatusBadRequest, werr)
		return
	}
	sum := sha256.Sum256(out)
	hash := hex.EncodeToString(sum[:8])
	err = s.store.Update(r.Context(), func(tx store.Tx) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if err := tx.PutAvatar(a.ID, out); err != nil {
			return err
		}
		a.Avatar = hash
		bump(&a)
		return tx.PutAccount(a)
	})
	if err != nil {
		s.fail(w, "store avatar", err)
		return
	}
	s.pushView(ss.AccountID)
	writeJSON(w, http.StatusOK, map[string]string{"avatar": hash})
}

// avatarRetryAfter is what a 503 for a busy decoder asks clients to wait.
const avatarRetryAfter = 10 * time.Second

var errDecodeBusy = wire.Errorf(wire.CodeRateLimited, "Many pictures are being processed right now; try again in a few seconds.")

// newDecodeBudget returns the semaphore that bounds decoding memory.
func newDecodeBudget() *semaphore.Weighted { return semaphore.NewWeighted(avatarDecodeBudget) }

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

// processAvatar checks the header's dimensions, decodes (holding the
// decoded size from the decode budget, waiting for room up to
// avatarDecodeWait), crops and re-encodes an uploaded picture of a sniffed
// format.
func (s *Server) processAvatar(ctx context.Context, data []byte, config func(io.Reader) (image.Config, error), decode func(io.Reader) (image.Image, error)) ([]byte, *wire.Error) {
	cfg, err := config(bytes.NewReader(data))
	if err != nil {
		return nil, errInvalid("The picture is damaged or incomplete.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > avatarMaxSide || cfg.Height > avatarMaxSide {
		return nil, errInvalid("The picture is %d×%d pixels; use one of at most %d×%d.", cfg.Width, cfg.Height, avatarMaxSide, avatarMaxSide)
	}
	need := min(decodedSize(cfg), avatarDecodeBudget)
	wctx, cancel := context.WithTimeout(ctx, s.decodeWait)
	defer cancel()
	if err := s.decodes.Acquire(wctx, need); err != nil {
		return nil, errDecodeBusy
	}
	defer s.decodes.Release(need)
	if need > avatarReclaimAbove {
		// Hand the decoded picture's memory back before the next large
		// decode may start; otherwise the collector's headroom lets the
		// heap hold two of them.
		defer debug.FreeOSMemory()
	}
	return processDecoded(data, decode)
}

// processDecoded decodes, crops and re-encodes a picture whose header was
// checked.
func processDecoded(data []byte, decode func(io.Reader) (image.Image, error)) ([]byte, *wire.Error) {
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, errInvalid("The picture is damaged or incomplete.")
	}
	out, err := squarePNG(img, avatarSize)
	if err != nil {
		return nil, errInvalid("The picture could not be processed.")
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

// getAvatar is GET /v1/avatar: the account's picture as PNG.
func (s *Server) getAvatar(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var data []byte
	err := s.store.View(r.Context(), func(tx store.Tx) (err error) { data, err = tx.Avatar(ss.AccountID); return })
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, errNotFound("No profile picture."))
		return
	}
	if err != nil {
		s.fail(w, "read avatar", err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	w.Header().Set("Content-Disposition", "inline")
	w.Write(data)
}

// deleteAvatar is DELETE /v1/avatar.
func (s *Server) deleteAvatar(w http.ResponseWriter, r *http.Request, ss store.Session) {
	err := s.store.Update(r.Context(), func(tx store.Tx) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if err := tx.DeleteAvatar(a.ID); err != nil {
			return err
		}
		a.Avatar = ""
		bump(&a)
		return tx.PutAccount(a)
	})
	if err != nil {
		s.fail(w, "remove avatar", err)
		return
	}
	s.pushView(ss.AccountID)
	w.WriteHeader(http.StatusNoContent)
}
