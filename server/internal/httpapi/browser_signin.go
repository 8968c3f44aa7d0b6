package httpapi

import (
	"net/http"
	"net/url"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

type browserStart struct {
	DeviceID string      `json:"deviceId"`
	Device   device.Info `json:"device"`
	// Bearer is accepted for symmetry with sign-in: the session is always
	// answered in the poll's body (it is an app's).
	Bearer bool `json:"bearer"`
}

type browserStarted struct {
	account.BrowserRequest
	// URL is the page the app opens in the system browser.
	URL string `json:"url"`
}

type browserPoll struct {
	Request string `json:"request"`
}

// startBrowserSignIn is POST /v1/signin/browser: a desktop app asks to
// sign in through the browser.
func (s *Server) startBrowserSignIn(w http.ResponseWriter, r *http.Request) {
	var req browserStart
	if !decodeBody(w, r, &req) {
		return
	}
	br, err := s.accounts.StartBrowserSignIn(r.Context(), origin(r), req.DeviceID, req.Device)
	if err != nil {
		s.fail(w, r, "start a browser sign-in", err)
		return
	}
	link := s.cfg.PublicOrigin + "/link#code=" + url.QueryEscape(br.Code)
	writeJSON(w, http.StatusCreated, browserStarted{BrowserRequest: br, URL: link})
}

// browserRequest is GET /v1/signin/browser/{code}: what the approving page
// shows.
func (s *Server) browserRequest(w http.ResponseWriter, r *http.Request, ss store.Session) {
	out, err := s.accounts.BrowserRequestFor(r.Context(), ss, origin(r), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, "read a browser sign-in", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// approveBrowserSignIn is POST /v1/signin/browser/{code}/approve.
func (s *Server) approveBrowserSignIn(w http.ResponseWriter, r *http.Request, ss store.Session) {
	s.answerBrowserSignIn(w, r, ss, true)
}

// denyBrowserSignIn is POST /v1/signin/browser/{code}/deny.
func (s *Server) denyBrowserSignIn(w http.ResponseWriter, r *http.Request, ss store.Session) {
	s.answerBrowserSignIn(w, r, ss, false)
}

func (s *Server) answerBrowserSignIn(w http.ResponseWriter, r *http.Request, ss store.Session, approve bool) {
	var req passwordRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.AnswerBrowserRequest(r.Context(), ss, origin(r), r.PathValue("code"), req.Password, approve); err != nil {
		s.fail(w, r, "answer a browser sign-in", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pollBrowserSignIn is POST /v1/signin/browser/poll: the app's session
// once the browser approved (409 until then).
func (s *Server) pollBrowserSignIn(w http.ResponseWriter, r *http.Request) {
	var req browserPoll
	if !decodeBody(w, r, &req) {
		return
	}
	ns, err := s.accounts.PollBrowserSignIn(r.Context(), origin(r), req.Request)
	s.started(w, r, "finish a browser sign-in", ns, err, true, http.StatusOK)
}
