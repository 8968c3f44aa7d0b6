package httpapi

import (
	"cmp"
	"net/http"
	"runtime/trace"
	"time"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/store"
)

// deletionPreview is GET /v1/account/deletion.
func (s *Server) deletionPreview(w http.ResponseWriter, r *http.Request, ss store.Session) {
	p, err := s.accounts.DeletionPreview(r.Context(), ss)
	if err != nil {
		s.fail(w, r, "deletion preview", err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

type deleteRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Code     string `json:"code"`
}

// deleteAccount is POST /v1/account/delete: refused, with the list, while
// the account owns a workspace with other members (409).
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req deleteRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.DeleteAccount(r.Context(), ss, account.DeleteAccount{Email: req.Email, Password: req.Password, Code: req.Code}); err != nil {
		s.fail(w, r, "delete account", err)
		return
	}
	s.setCookie(w, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

// serviceResources is POST /internal/v1/resources: other services report
// the account's agents, phone numbers, recordings, transcripts and wallet
// balance.
func (s *Server) serviceResources(w http.ResponseWriter, r *http.Request) {
	var req account.Resources
	if !decodeBody(w, r, &req) {
		return
	}
	s.done(w, r, "report resources", s.accounts.ReportResources(r.Context(), req))
}

// serviceEvents is POST /internal/v1/events: other DialNexa services report
// the events that trigger notifications.
func (s *Server) serviceEvents(w http.ResponseWriter, r *http.Request) {
	var e account.ServiceEvent
	if !decodeBody(w, r, &e) {
		return
	}
	if e.Type == "platform_status" && e.Email == "" && e.AccountID == "" {
		// Every account: a job, answered before it is done.
		j, err := s.accounts.Broadcast(r.Context(), e)
		if err != nil {
			s.fail(w, r, "broadcast", err)
			return
		}
		w.Header().Set("Location", "/internal/v1/jobs/"+j.ID)
		writeJSON(w, http.StatusAccepted, struct {
			jobStatus
			Message string `json:"message"`
		}{jobView(j), "Sending to every account in the background: job " + j.ID + "; GET /internal/v1/jobs/" + j.ID + " shows how far it is."})
		return
	}
	// A task in the execution trace, named by the account, so a slow
	// event can be taken apart (the load tool's -traces).
	ctx, task := trace.NewTask(r.Context(), "event")
	defer task.End()
	trace.Log(ctx, "account", cmp.Or(e.Email, e.AccountID))
	n, err := s.accounts.ReportEvent(ctx, e)
	if err != nil {
		s.fail(w, r, "service event", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"notifications": n})
}

// jobStatus is what the API says about a job.
type jobStatus struct {
	ID       string     `json:"id"`
	Kind     string     `json:"kind"`
	Done     bool       `json:"done"`
	Accounts int        `json:"accounts"` // accounts handled so far
	Count    int        `json:"count"`    // notifications raised, or records pruned
	Created  time.Time  `json:"created"`
	Finished *time.Time `json:"finished,omitempty"`
}

func jobView(j store.Job) jobStatus {
	v := jobStatus{ID: j.ID, Kind: j.Kind, Done: !j.Finished.IsZero(), Accounts: j.Accounts, Count: j.Count, Created: j.Created}
	if v.Done {
		v.Finished = &j.Finished
	}
	return v
}

// job is GET /internal/v1/jobs/{id...}: how far a job is.
func (s *Server) job(w http.ResponseWriter, r *http.Request) {
	j, err := s.accounts.Job(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, "read job", err)
		return
	}
	writeJSON(w, http.StatusOK, jobView(j))
}
