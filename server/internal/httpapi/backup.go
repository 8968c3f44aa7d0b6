package httpapi

import (
	"net/http"
	"time"

	"github.com/dialnexa/account/sync/wire"
)

// backup streams a consistent copy of the bbolt store (GET
// /internal/v1/backup, service token): `server admin backup` saves it.
func (s *Server) backup(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Backup == nil {
		writeError(w, http.StatusNotImplemented, wire.Errorf(wire.CodeInvalidArgument,
			"This server keeps its data in PostgreSQL: back it up with pg_dump (or your database's own backups)."))
		return
	}
	// A large store takes longer than the server's usual write timeout.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Hour))
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="dialnexa.db"`)
	w.Header().Set("Cache-Control", "no-store")
	n, err := s.cfg.Backup(w)
	if err != nil {
		// The status is sent; the admin command sees a short or broken
		// copy fail its check.
		s.log.Error("backup", "err", err, "bytes", n, "request_id", requestOf(r).id)
		return
	}
	s.log.Info("backup taken", "bytes", n, "request_id", requestOf(r).id)
}
