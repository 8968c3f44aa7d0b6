package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

// A desktop app signs in through the browser (for passkeys), in the manner
// of OAuth's device flow: it asks for a request and gets a secret to poll
// with and a short code; the user opens the panel's /link page with the
// code, signs in there and approves; the app's next poll gets a session of
// its own. The code is shown in both places so the user can check they
// match.

// browserRequestLifetime is how long a request waits for the browser.
const browserRequestLifetime = 10 * time.Minute

const (
	tokenBrowserRequest = "browser-signin"      // under the hash of the app's secret
	tokenBrowserCode    = "browser-signin-code" // under the hash of "code:" + the code
)

// codeAlphabet has no letters that read alike (0/O, 1/I/L, 5/S, 8/B).
const codeAlphabet = "ACDEFGHJKMNPQRTUVWXYZ2345679"

// BrowserRequest is a desktop app's request to sign in through the
// browser: the secret it polls with (shown to nobody else), the code the
// user checks, and until when.
type BrowserRequest struct {
	Secret  string    `json:"request"`
	Code    string    `json:"code"`
	Expires time.Time `json:"expires"`
}

// browserState is a request as stored.
type browserState struct {
	Code      string      `json:"code"`
	DeviceID  string      `json:"deviceId"`
	Device    device.Info `json:"device"`
	IP        string      `json:"ip"`
	UserAgent string      `json:"userAgent"`
	// Approved names the account that approved it and ApprovedBy the
	// session that did; Denied, that it was refused.
	Approved   string `json:"approved,omitempty"`
	ApprovedBy string `json:"approvedBy,omitempty"`
	Denied     bool   `json:"denied,omitempty"`
}

// BrowserApproval is what the approving page shows about a request.
type BrowserApproval struct {
	Code     string    `json:"code"`
	Device   string    `json:"device"`
	Location string    `json:"location"`
	Address  string    `json:"address"`
	Expires  time.Time `json:"expires"`
}

// newUserCode returns a code like "KXQ7-MWTD" (about 38 bits), each
// letter drawn uniformly from codeAlphabet: random bytes at or above the
// largest multiple of its length are skipped, since they would favour its
// first letters.
func newUserCode(r io.Reader) (string, error) {
	const usable = 256 - 256%len(codeAlphabet)
	var sb strings.Builder
	buf := make([]byte, 16)
	for n, round := 0, 0; n < 8; round++ {
		if round == 16 {
			return "", errors.New("the random source gives no usable bytes")
		}
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			if n == 8 || int(c) >= usable {
				continue
			}
			if n == 4 {
				sb.WriteByte('-')
			}
			sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
			n++
		}
	}
	return sb.String(), nil
}

// normalizeCode accepts a code as the user may type it.
func normalizeCode(code string) string {
	code = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), " ", ""))
	if len(code) == 8 && !strings.Contains(code, "-") {
		code = code[:4] + "-" + code[4:]
	}
	return code
}

// StartBrowserSignIn opens a request for a desktop app to sign in through
// the browser.
func (s *Service) StartBrowserSignIn(ctx context.Context, o Origin, deviceID string, info device.Info) (BrowserRequest, error) {
	if err := s.limit(ctx, "signin-ip", o.IP, 1, 20); err != nil {
		return BrowserRequest{}, err
	}
	secret, err := auth.NewToken(s.rand)
	if err != nil {
		return BrowserRequest{}, err
	}
	code, err := newUserCode(s.rand)
	if err != nil {
		return BrowserRequest{}, err
	}
	state, err := json.Marshal(browserState{Code: code, DeviceID: deviceID, Device: info, IP: o.IP, UserAgent: o.UserAgent})
	if err != nil {
		return BrowserRequest{}, err
	}
	expires := s.now().Add(browserRequestLifetime)
	h := auth.HashToken(secret)
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.PutToken(h, store.Token{Kind: tokenBrowserRequest, Expires: expires, Data: string(state)}); err != nil {
			return err
		}
		return tx.PutToken(auth.HashToken("code:"+code), store.Token{Kind: tokenBrowserCode, Expires: expires, Data: h})
	})
	return BrowserRequest{Secret: secret, Code: code, Expires: expires}, err
}

var errNoRequest = refuse(NotFound, Expired, "There is no sign-in request with this code, or it has expired. Start again in the DialNexa app.")

// browserRequest reads the request the code names, inside tx.
func (s *Service) browserRequest(tx linkTx, code string) (string, store.Token, browserState, error) {
	c, err := liveToken(tx, auth.HashToken("code:"+normalizeCode(code)), tokenBrowserCode, s.now())
	if err != nil {
		return "", store.Token{}, browserState{}, errNoRequest
	}
	t, err := liveToken(tx, c.Data, tokenBrowserRequest, s.now())
	if err != nil {
		return "", store.Token{}, browserState{}, errNoRequest
	}
	var st browserState
	err = json.Unmarshal([]byte(t.Data), &st)
	return c.Data, t, st, err
}

// Codes are about 38 bits and live 10 minutes: looking them up and
// answering them is limited per account and per address, so nobody can
// try enough to find someone else's (and sign that app in to their own
// account). A person looks up and answers one or two.
func (s *Service) limitCodeUse(ctx context.Context, ss store.Session, o Origin) error {
	return s.limitAll(ctx,
		rate{"browser-code-account", ss.AccountID, 0.1, 10},
		rate{"browser-code-ip", o.IP, 0.5, 20})
}

// Polls are limited per address (every app behind it, every secret) and
// per request: an app polling faster than every 2 seconds is told to
// slow down, as RFC 8628 says.
const (
	pollPerSecond      = 2
	pollBurst          = 30
	requestPollsPerSec = 0.5
	requestPollBurst   = 3
	slowDownBy         = 5 // seconds
)

var errSlowDown = func() *Error {
	e := refuse(Throttled, SlowDown, "Polling too often; wait %d seconds longer between polls.", slowDownBy)
	e.RetryAfter = slowDownBy
	return e
}()

// BrowserRequestFor describes the request with code to the signed-in
// user who is asked to approve it (any account may: approving signs the
// app in to the approver's).
func (s *Service) BrowserRequestFor(ctx context.Context, ss store.Session, o Origin, code string) (BrowserApproval, error) {
	if err := s.limitCodeUse(ctx, ss, o); err != nil {
		return BrowserApproval{}, err
	}
	var out BrowserApproval
	err := s.store.View(ctx, func(tx store.Tx) error {
		_, t, st, err := s.browserRequest(tx, code)
		if err != nil {
			return err
		}
		if st.Approved != "" || st.Denied {
			return errNoRequest
		}
		_, desc := device.Describe(st.UserAgent, st.Device)
		out = BrowserApproval{Code: st.Code, Device: desc, Location: s.geo.Locate(st.IP), Address: device.MaskAddress(st.IP), Expires: t.Expires}
		return nil
	})
	return out, err
}

// AnswerBrowserRequest approves (or denies) the request with code for the
// caller's account. Approving needs a session signed in or stepped up in
// the last few minutes, or the password.
func (s *Service) AnswerBrowserRequest(ctx context.Context, ss store.Session, o Origin, code, password string, approve bool) error {
	if err := s.limitCodeUse(ctx, ss, o); err != nil {
		return err
	}
	if approve && s.now().Sub(ss.Created) > model.StepUpWindow {
		_, release, err := s.stepUp(ctx, ss, password)
		if err != nil {
			return err
		}
		release()
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		h, t, st, err := s.browserRequest(tx, code)
		if err != nil {
			return err
		}
		if st.Approved != "" || st.Denied {
			return errNoRequest
		}
		if approve {
			// The approval is bound to the approver's credentials and
			// session: a credential change (endLinks) or the end of the
			// approving session before the app collects it ends it.
			a, err := tx.Account(ss.AccountID)
			if err != nil {
				return err
			}
			st.Approved, st.ApprovedBy = a.ID, ss.ID
			t.AccountID, t.Epoch = a.ID, a.LinkEpoch
		} else {
			st.Denied = true
		}
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		t.Data = string(b)
		return tx.PutToken(h, t)
	})
}

// Pending is the answer to a poll while the user has not answered.
var errPending = refuse(Conflict, NoReason, "Waiting for you to approve the sign-in in the browser.")

// errApprovalEnded answers a poll whose approval no longer holds: the
// account was deleted, one of its credentials changed, or the approving
// session ended before the app collected its session.
var errApprovalEnded = refuse(NotFound, Expired, "The approval of this sign-in no longer holds: the account's password or sign-in methods changed, or the session that approved it ended. Start again in the DialNexa app.")

// PollBrowserSignIn returns the app's new session once the request is
// approved (once: the request is then gone), errPending before, and a
// refusal when it was denied, has expired, or its approval no longer
// holds (errApprovalEnded). The approval is checked and used up in the
// transaction that creates the session.
func (s *Service) PollBrowserSignIn(ctx context.Context, o Origin, secret string) (NewSession, error) {
	h := auth.HashToken(strings.TrimSpace(secret))
	var st browserState
	// One transaction, committed whatever the answer, so that the poll
	// counts against its address and its request; refused tells the
	// answer.
	var refused error
	err := s.store.Update(ctx, func(tx store.Tx) error {
		refused = nil
		if wait, err := s.take(tx, "browser-poll-ip", o.IP, pollPerSecond, pollBurst); err != nil {
			return err
		} else if wait > 0 {
			refused = tooMany()
			return nil
		}
		t, err := unexpiredToken(tx, h, tokenBrowserRequest, s.now())
		if err != nil {
			refused = errNoRequest
			return nil
		}
		if wait, err := s.take(tx, "browser-poll", h, requestPollsPerSec, requestPollBurst); err != nil {
			return err
		} else if wait > 0 {
			refused = errSlowDown
			return nil
		}
		if !credentialsCurrent(tx, t) {
			refused = errApprovalEnded
			return nil
		}
		if err := json.Unmarshal([]byte(t.Data), &st); err != nil {
			return err
		}
		switch {
		case st.Denied:
			return deleteBrowserRequest(tx, h, st.Code)
		case st.Approved == "":
			refused = errPending
		}
		return nil
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return NewSession{}, err
	}
	if st.Denied {
		return NewSession{}, refuse(Forbidden, BadCredentials, "The sign-in was denied in the browser.")
	}
	claim := func(tx txn, ss *store.Session) error {
		t, err := liveToken(tx, h, tokenBrowserRequest, s.now())
		if err != nil {
			return errApprovalEnded
		}
		var now browserState
		if err := json.Unmarshal([]byte(t.Data), &now); err != nil {
			return err
		}
		if now.Approved != st.Approved {
			return errNoRequest
		}
		approver, err := tx.Session(now.ApprovedBy)
		if err != nil {
			if isNotFound(err) {
				return errApprovalEnded
			}
			return err
		}
		// The app's user proved who they are in the approving browser.
		ss.AuthTime, ss.AMR = approver.Authenticated(), approver.AMR
		return deleteBrowserRequest(tx, h, now.Code)
	}
	// The session is the app's: the address and agent it started from.
	app := Origin{IP: st.IP, UserAgent: st.UserAgent}
	ns, err := s.startSession(ctx, app, st.Approved, newSession{device: st.Device, deviceID: st.DeviceID, claim: claim})
	if isNotFound(err) {
		return NewSession{}, errApprovalEnded
	}
	if err != nil {
		return NewSession{}, fmt.Errorf("start the app's session: %w", err)
	}
	return ns, nil
}

// deleteBrowserRequest removes a request and its code.
func deleteBrowserRequest(tx store.Links, h, code string) error {
	if err := tx.DeleteToken(h); err != nil {
		return err
	}
	return tx.DeleteToken(auth.HashToken("code:" + code))
}
