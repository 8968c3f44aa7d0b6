package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// event reports a service event through the internal endpoint.
func event(t testing.TB, ts *testServer, body map[string]any) apiAnswer {
	t.Helper()
	return call(t, ts, "POST", "/internal/v1/events", ts.token, body)
}

type meView struct {
	View model.View
}

func view(t *testing.T, ts *testServer, token string) model.View {
	t.Helper()
	var m meView
	a := call(t, ts, "GET", "/v1/me", token, nil)
	a.decode(t, &m)
	return m.View
}

// pushMutation sends one mutation over a raw socket and returns its result.
func pushMutation(t *testing.T, ws *websocket.Conn, id uint64, name string, args any) wire.Result {
	t.Helper()
	b, _ := json.Marshal(args)
	send(t, ws, wire.Push{Mutations: []wire.Mutation{{ID: id, Name: name, Args: b}}})
	ack, _ := recvType[*wire.PushAck](t, ws)
	return ack.Results[0]
}

func TestNotificationsPreferencesAndTriggers(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "notif@example.com", pw, "Notif User", "d1")
	s2 := apiSignUp(t, ts, "other@example.com", pw, "Other User", "d2")

	if a := call(t, ts, "POST", "/internal/v1/events", "", map[string]any{"type": "wallet_low", "email": "notif@example.com"}); a.status != http.StatusUnauthorized {
		t.Fatalf("events without the service token: %d", a.status)
	}
	if a := event(t, ts, map[string]any{"type": "coffee_ready", "email": "notif@example.com"}); a.status != 400 || !strings.Contains(a.err.Message, "Unknown event type") {
		t.Fatalf("unknown event type: %d %s", a.status, a.body)
	}
	if a := event(t, ts, map[string]any{"type": "wallet_low", "email": "nobody@example.com", "balance": "1", "threshold": "2"}); a.status != 404 {
		t.Fatalf("event for a missing account: %d %s", a.status, a.body)
	}

	// Default: email on for wallet alerts.
	if a := event(t, ts, map[string]any{"type": "wallet_low", "email": "notif@example.com", "balance": "4.20", "threshold": "10.00", "currency": "USD"}); a.status != 200 {
		t.Fatalf("wallet_low: %d %s", a.status, a.body)
	}
	m := ts.inbox.waitFor(t, "notif@example.com", "Low wallet balance")
	if !strings.Contains(m.Body, "4.20 USD") || !strings.Contains(m.Body, "https://app.dialnexa.com/wallet") {
		t.Errorf("wallet mail:\n%s", m.Body)
	}
	v := view(t, ts, s.Token)
	if v.Unread != 1 || len(v.Inbox) != 1 || v.Inbox[0].Type != model.NotifLowBalance || v.Inbox[0].Link != "/wallet" {
		t.Fatalf("inbox after wallet_low: unread %d %+v", v.Unread, v.Inbox)
	}

	// Turn auto-recharge email off (a queued mutation); security alerts
	// cannot be turned off.
	ws := dialRaw(t, ts, s.Token, "prefs")
	if r := pushMutation(t, ws, 1, model.MutSetEmailNotification, model.SetEmailNotification{Type: model.NotifAutoRecharge, Email: false}); r.Error != nil {
		t.Fatalf("turn off auto-recharge email: %v", r.Error)
	}
	r := pushMutation(t, ws, 2, model.MutSetEmailNotification, model.SetEmailNotification{Type: model.NotifSecurityAlert, Email: false})
	if r.Error == nil || !strings.Contains(r.Error.Message, "cannot be turned off") {
		t.Fatalf("turning off security emails: %+v, want refused", r.Error)
	}
	if r := pushMutation(t, ws, 3, model.MutSetEmailNotification, model.SetEmailNotification{Type: model.NotifTeamMemberJoined, Email: true}); r.Error != nil {
		t.Fatalf("turn on team emails: %v", r.Error)
	}
	v = view(t, ts, s.Token)
	if model.EmailEnabled(v.EmailPrefs, model.NotifAutoRecharge) || !model.EmailEnabled(v.EmailPrefs, model.NotifSecurityAlert) || !model.EmailEnabled(v.EmailPrefs, model.NotifTeamMemberJoined) {
		t.Fatalf("prefs after toggles: %v", v.EmailPrefs)
	}
	event(t, ts, map[string]any{"type": "auto_recharge", "email": "notif@example.com", "amount": "50.00", "currency": "USD"})
	event(t, ts, map[string]any{"type": "campaign_completed", "email": "notif@example.com", "campaignId": "c-42", "campaignName": "Spring renewals", "calls": 120})
	ts.inbox.waitFor(t, "notif@example.com", "Call campaign completed")
	if n := ts.inbox.count("notif@example.com", "Auto-recharge"); n != 0 {
		t.Errorf("auto-recharge mailed %d times with its email off", n)
	}
	if v = view(t, ts, s.Token); v.Unread != 3 || v.Inbox[0].Link != "/campaigns/c-42" {
		t.Errorf("inbox: unread %d, newest %+v", v.Unread, v.Inbox[0])
	}

	// Agent error rate: more than 10% of the last hour's calls failed.
	// Exactly 10% (1 of 10) is not more.
	for i := range 10 {
		event(t, ts, map[string]any{"type": "call_outcome", "email": "notif@example.com", "agentId": "agent-7", "agentName": "Renewals bot", "failed": i == 9})
	}
	if v = view(t, ts, s.Token); v.Unread != 3 {
		t.Fatalf("10%% failures raised an alert (unread %d)", v.Unread)
	}
	event(t, ts, map[string]any{"type": "call_outcome", "email": "notif@example.com", "agentId": "agent-7", "failed": true})
	ts.inbox.waitFor(t, "notif@example.com", "Agent error rate alert")
	event(t, ts, map[string]any{"type": "call_outcome", "email": "notif@example.com", "agentId": "agent-7", "failed": true})
	if v = view(t, ts, s.Token); v.Unread != 4 || v.Inbox[0].Type != model.NotifAgentErrorRate || v.Inbox[0].Link != "/agents/agent-7" {
		t.Errorf("after the error-rate alert (once an hour): unread %d newest %+v", v.Unread, v.Inbox[0])
	}

	// Platform status without an address: every account, as a job
	// answered at once.
	a := event(t, ts, map[string]any{"type": "platform_status", "title": "Scheduled maintenance", "message": "Sunday 02:00–03:00 UTC"})
	var job struct {
		ID       string
		Done     bool
		Accounts int
		Count    int
	}
	a.decode(t, &job)
	if a.status != http.StatusAccepted || job.ID == "" || a.header.Get("Location") != "/internal/v1/jobs/"+job.ID {
		t.Fatalf("broadcast answered %d %s", a.status, a.body)
	}
	waitFor(t, "the broadcast job to finish", func() bool {
		call(t, ts, "GET", "/internal/v1/jobs/"+job.ID, ts.token, nil).decode(t, &job)
		return job.Done
	})
	if job.Accounts != 2 || job.Count != 2 {
		t.Errorf("broadcast job: %+v, want 2 accounts and 2 notifications", job)
	}
	if v2 := view(t, ts, s2.Token); v2.Unread != 1 || v2.Inbox[0].Title != "Scheduled maintenance" {
		t.Errorf("platform status on the other account: %+v", v2.Inbox)
	}
	if a := call(t, ts, "GET", "/internal/v1/jobs/broadcast/nope", ts.token, nil); a.status != http.StatusNotFound {
		t.Errorf("an unknown job: %d", a.status)
	}

	// The bell: mark one, then all, read.
	v = view(t, ts, s.Token)
	if r := pushMutation(t, ws, 4, model.MutMarkRead, model.MarkRead{ID: v.Inbox[0].ID}); r.Error != nil {
		t.Fatal(r.Error)
	}
	if v = view(t, ts, s.Token); v.Unread != 4 || !v.Inbox[0].Read {
		t.Errorf("after marking one read: unread %d, newest read %v", v.Unread, v.Inbox[0].Read)
	}
	pushMutation(t, ws, 5, model.MutMarkAllRead, model.MarkAllRead{UpTo: v.Inbox[0].ID})
	if v = view(t, ts, s.Token); v.Unread != 0 {
		t.Errorf("after marking all read: unread %d", v.Unread)
	}

	// The monthly usage summary, on schedule (a job): once November is
	// over, each account gets November's numbers, once.
	summaries := func() int {
		if err := ts.api.RunJobs(context.Background()); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tok := range []string{s.Token, s2.Token} {
			for _, in := range view(t, ts, tok).Inbox {
				if in.Type == model.NotifMonthlySummary {
					n++
				}
			}
		}
		return n
	}
	if n := summaries(); n != 0 {
		t.Fatalf("%d summaries during the accounts' first month; want none", n)
	}
	ts.clock.Advance(5 * 24 * time.Hour) // 2 December
	if n := summaries(); n != 2 {
		t.Fatalf("%d monthly summaries; want 2", n)
	}
	if n := summaries(); n != 2 {
		t.Errorf("%d summaries after running the jobs again; want still 2 (once a month)", n)
	}
	sum := ts.inbox.waitFor(t, "notif@example.com", "Monthly usage summary for November 2026")
	if !strings.Contains(sum.Body, "12 calls (3 failed), 1 campaigns completed") {
		t.Errorf("summary body:\n%s", sum.Body)
	}
}

var serverBin struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// builtServer builds the server binary once per test binary.
func builtServer(t *testing.T) string {
	t.Helper()
	serverBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "dialnexa-server-")
		if err != nil {
			serverBin.err = err
			return
		}
		serverBin.path = filepath.Join(dir, "server")
		cmd := exec.Command("go", "build", "-o", serverBin.path, ".")
		cmd.Dir = "../.."
		serverBin.out, serverBin.err = cmd.CombinedOutput()
	})
	if serverBin.err != nil {
		t.Fatalf("build server: %v\n%s", serverBin.err, serverBin.out)
	}
	return serverBin.path
}

func TestAdminEventCommand(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "cli@example.com", pw, "Cli User", "d1")
	cmd := exec.Command(builtServer(t), "admin", "event", "-server", ts.url(), "-type", "wallet_low", "-email", "cli@example.com",
		"-fields", `{"balance":"2.00","threshold":"5.00","currency":"EUR"}`)
	cmd.Env = append(os.Environ(), "DIALNEXA_SERVICE_TOKEN="+ts.token)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `"notifications":1`) {
		t.Fatalf("admin event: %v %s", err, out)
	}
	if v := view(t, ts, s.Token); v.Unread != 1 {
		t.Errorf("unread after the CLI event: %d", v.Unread)
	}
}

// The agent error-rate alert follows the product documentation: more than
// 10% of an agent's calls in the last hour failed, however few calls; at
// most one alert per agent per hour.
func TestAgentErrorRateWithFewCalls(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "agents@example.com", pw, "Agent Owner", "d1")
	outcome := func(failed bool) {
		t.Helper()
		if a := event(t, ts, map[string]any{"type": "call_outcome", "email": "agents@example.com", "agentId": "agent-9", "agentName": "Small bot", "failed": failed}); a.status != http.StatusOK {
			t.Fatalf("call outcome: %d %s", a.status, a.body)
		}
	}
	alerts := func() int {
		n := 0
		for _, m := range view(t, ts, s.Token).Inbox {
			if m.Type == model.NotifAgentErrorRate {
				n++
			}
		}
		return n
	}
	// 3 failed of 5: one alert, at the first call over 10% (1 of 3), none
	// repeated within the hour.
	for _, failed := range []bool{false, false, true, true, true} {
		outcome(failed)
	}
	if n := alerts(); n != 1 {
		t.Fatalf("%d error-rate alerts after 3 failed calls of 5, want 1", n)
	}
	ts.inbox.waitFor(t, "agents@example.com", "Agent error rate alert")

	// An hour later the agent still fails: a new alert.
	ts.clock.Advance(time.Hour + time.Minute)
	outcome(true)
	if n := alerts(); n != 2 {
		t.Fatalf("%d error-rate alerts an hour later, want 2", n)
	}
}
