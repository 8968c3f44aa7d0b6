package httpapi

import (
	"net/http"
	"strconv"

	"github.com/dialnexa/account/server/internal/store"
)

// requestExport is POST /v1/account/export: prepare "download my data"
// (the password, or an open step-up window).
func (s *Server) requestExport(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req passwordRequest
	if !decodeBody(w, r, &req) {
		return
	}
	e, err := s.accounts.RequestExport(r.Context(), ss, req.Password)
	if err != nil {
		s.fail(w, r, "prepare a data export", err)
		return
	}
	writeJSON(w, http.StatusAccepted, e)
}

// downloadExport is GET /v1/account/export/{id}: the prepared archive, a
// zip of data.json and summary.txt.
func (s *Server) downloadExport(w http.ResponseWriter, r *http.Request, ss store.Session) {
	data, err := s.accounts.DownloadExport(r.Context(), ss, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, "download a data export", err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="dialnexa-account-data.zip"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}
