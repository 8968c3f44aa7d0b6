package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/wireerr"
	"github.com/dialnexa/account/sync/wire"
)

// maxBodyBytes bounds every JSON request body.
const maxBodyBytes = 16 << 10

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

// statuses are the HTTP statuses of the kinds of refusal.
var statuses = map[account.Kind]int{
	account.Invalid:         http.StatusBadRequest,
	account.Unauthenticated: http.StatusUnauthorized,
	account.Forbidden:       http.StatusForbidden,
	account.NotFound:        http.StatusNotFound,
	account.Conflict:        http.StatusConflict,
	account.TooLarge:        http.StatusRequestEntityTooLarge,
	account.Unsupported:     http.StatusUnsupportedMediaType,
	account.Throttled:       http.StatusTooManyRequests,
	account.Busy:            http.StatusServiceUnavailable,
}

// fail answers a command's error: a refusal with its status, code and
// message (and Retry-After when it says when); anything else is logged as
// what failed and answered 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	var e *account.Error
	if !errors.As(err, &e) {
		s.log.Error(what, "err", err, "request_id", requestOf(r).id)
		writeError(w, http.StatusInternalServerError, errInternal())
		return
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	if e.Kind == account.Throttled {
		q := requestOf(r)
		s.log.Info("request throttled", "request_id", q.id, "route", r.Pattern, "client", q.clientIP, "account", q.account, "retry_after", e.RetryAfter)
		s.cfg.Metrics.Refused("http")
	}
	status, ok := statuses[e.Kind]
	if !ok {
		status = http.StatusBadRequest
	}
	we := wireerr.Of(e)
	if e.Passkey != nil {
		writeJSON(w, status, map[string]any{"error": we, "passkey": e.Passkey, "codes": e.Codes})
		return
	}
	if e.Blocking != nil {
		writeJSON(w, status, map[string]any{"error": we, "workspaces": e.Blocking})
		return
	}
	writeError(w, status, we)
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

// origin is where r comes from: the client's address (through trusted
// proxies) and its user agent.
func origin(r *http.Request) account.Origin {
	return account.Origin{IP: requestOf(r).clientIP, UserAgent: r.UserAgent()}
}
