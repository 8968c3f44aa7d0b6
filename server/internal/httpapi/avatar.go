package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/dialnexa/account/server/internal/avatar"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// putAvatar is PUT /v1/avatar: the body is the image file. It is refused
// before it is read when it is declared over 2 MB, and while it is read
// when it turns out to be; the header's dimensions are checked before
// decoding; the picture is cropped to a square, scaled and re-encoded, so
// nothing of the original file (metadata, trailing data) is kept.
func (s *Server) putAvatar(w http.ResponseWriter, r *http.Request, ss store.Session) {
	tooBig := wire.Errorf(wire.CodeTooLarge, "The picture is over 2 MB. Choose a smaller file.")
	if r.ContentLength > avatar.MaxBytes {
		writeError(w, http.StatusRequestEntityTooLarge, tooBig)
		return
	}
	body := http.MaxBytesReader(w, r.Body, avatar.MaxBytes)
	// The format is judged from the first bytes, before the rest is read.
	head := make([]byte, 16)
	n, err := io.ReadFull(body, head)
	head = head[:n]
	if n == 0 {
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeInvalidArgument, "The file is empty. Choose a JPG, PNG or WebP picture."))
		return
	}
	if !avatar.Known(head) {
		writeError(w, http.StatusUnsupportedMediaType, wire.Errorf(wire.CodeUnsupported, "%s", avatar.ErrFormat.Msg))
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
	out, err := s.avatars.Process(r.Context(), data)
	var refused *avatar.Error
	switch {
	case errors.Is(err, avatar.ErrBusy):
		w.Header().Set("Retry-After", strconv.Itoa(int(avatarRetryAfter/time.Second)))
		writeError(w, http.StatusServiceUnavailable, wire.Errorf(wire.CodeRateLimited, "Many pictures are being processed right now; try again in a few seconds."))
		return
	case errors.As(err, &refused):
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeInvalidArgument, "%s", refused.Msg))
		return
	case err != nil:
		s.fail(w, r, "process avatar", err)
		return
	}
	hash, err := s.accounts.SetAvatar(r.Context(), ss, out)
	if err != nil {
		s.fail(w, r, "store avatar", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"avatar": hash})
}

// avatarRetryAfter is what a 503 for a busy decoder asks clients to wait.
const avatarRetryAfter = 10 * time.Second

// getAvatar is GET /v1/avatar: the account's picture as PNG.
func (s *Server) getAvatar(w http.ResponseWriter, r *http.Request, ss store.Session) {
	data, err := s.accounts.Avatar(r.Context(), ss)
	if err != nil {
		s.fail(w, r, "read avatar", err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	w.Header().Set("Content-Disposition", "inline")
	w.Write(data)
}

// deleteAvatar is DELETE /v1/avatar.
func (s *Server) deleteAvatar(w http.ResponseWriter, r *http.Request, ss store.Session) {
	s.done(w, r, "remove avatar", s.accounts.RemoveAvatar(r.Context(), ss))
}
