package api

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

var cryptoRand io.Reader = rand.Reader

// maxBodyBytes bounds every JSON request body.
const maxBodyBytes = 16 << 10

func errInvalid(format string, a ...any) *wire.Error {
	return wire.Errorf(wire.CodeInvalidArgument, format, a...)
}
func errNotFound(format string, a ...any) *wire.Error {
	return wire.Errorf(wire.CodeNotFound, format, a...)
}
func errForbidden(format string, a ...any) *wire.Error {
	return wire.Errorf(wire.CodeForbidden, format, a...)
}
func errInternal() *wire.Error {
	return wire.Errorf(wire.CodeInternal, "Something went wrong on the server; try again in a moment.")
}

type errorBody struct {
	Error *wire.Error `json:"error"`
}

func writeError(w http.ResponseWriter, status int, e *wire.Error) {
	writeJSON(w, status, errorBody{Error: e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decodeBody reads a JSON request body of at most maxBodyBytes into v.
// Unknown keys, keys differing only in case, duplicate keys and trailing
// data are refused. On failure it writes the error and returns false.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.ContentLength > maxBodyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, wire.Errorf(wire.CodeTooLarge, "Request body is over the %d-byte limit.", maxBodyBytes))
		return false
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, wire.Errorf(wire.CodeTooLarge, "Request body is over the %d-byte limit.", maxBodyBytes))
			return false
		}
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeBadMessage, "Could not read the request body."))
		return false
	}
	if err := jsonv2.Unmarshal(b, v, jsonv2.RejectUnknownMembers(true)); err != nil {
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeBadMessage, "Malformed JSON request: %v.", err))
		return false
	}
	return true
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
