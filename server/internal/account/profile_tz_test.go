package account_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/account"
)

// A new account starts in its device's time zone (one the server does not
// know leaves it on UTC); the zone can be changed to one the server knows,
// and the view carries it.
func TestTimeZone(t *testing.T) {
	e := newEnv(t)
	ns, err := e.svc.SignUp(e.ctx, origin, account.SignUp{Email: "tz@example.com", Password: password, DisplayName: "Tess Zone", DeviceID: "d1", TimeZone: "America/Los_Angeles"})
	if err != nil {
		t.Fatal(err)
	}
	ss := e.session(ns)
	if v, _, err := e.svc.View(e.ctx, ss.AccountID); err != nil || v.Profile.TimeZone != "America/Los_Angeles" {
		t.Fatalf("view after sign-up: %q, %v", v.Profile.TimeZone, err)
	}
	odd, err := e.svc.SignUp(e.ctx, origin, account.SignUp{Email: "tz2@example.com", Password: password, DisplayName: "Odd Zone", DeviceID: "d2", TimeZone: "Mars/Olympus"})
	if err != nil {
		t.Fatalf("an unknown device zone refused the sign-up: %v", err)
	}
	if v, _, _ := e.svc.View(e.ctx, e.session(odd).AccountID); v.Profile.TimeZone != "" {
		t.Errorf("an unknown zone was kept: %q", v.Profile.TimeZone)
	}
	e.fx.take()
	if err := e.svc.SetTimeZone(e.ctx, ss, "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := e.svc.View(e.ctx, ss.AccountID); v.Profile.TimeZone != "Europe/Berlin" {
		t.Errorf("after the change: %q", v.Profile.TimeZone)
	}
	if fx := e.fx.take(); !views(fx)[ss.AccountID] {
		t.Error("the change did not push the account's view")
	}
	refused(t, e.svc.SetTimeZone(e.ctx, ss, "Mars/Olympus"), account.Invalid, account.NoReason)
}

// Mails give times in the account's time zone with its abbreviation, and
// usage is counted into the account's months.
func TestTimesAndMonthsInTheAccountsZone(t *testing.T) {
	e := newEnv(t) // the clock: 28 Nov 2026, 09:30 UTC
	ns, err := e.svc.SignUp(e.ctx, origin, account.SignUp{Email: "la@example.com", Password: password, DisplayName: "Lee Angel", DeviceID: "d1", TimeZone: "America/Los_Angeles"})
	if err != nil {
		t.Fatal(err)
	}
	ss := e.session(ns)
	if err := e.svc.ChangePassword(e.ctx, ss, account.ChangePassword{Current: password, New: "Another horse battery 77!"}); err != nil {
		t.Fatal(err)
	}
	ms := e.mails("la@example.com")
	if len(ms) == 0 || !strings.Contains(ms[len(ms)-1].Text, "28 Nov 2026 at 01:30 PST") {
		t.Fatalf("the mail does not give the time in Los Angeles: %v", ms)
	}
	// 1 Dec 03:00 UTC is still 30 November in Los Angeles.
	at := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	if _, err := e.svc.ReportEvent(e.ctx, account.ServiceEvent{Type: "call_outcome", AccountID: ss.AccountID, AgentID: "a1", AgentName: "Agent", At: at}); err != nil {
		t.Fatal(err)
	}
	a := e.account(ss.AccountID)
	if a.Usage["2026-11"].Calls != 1 || a.Usage["2026-12"].Calls != 0 {
		t.Errorf("usage %+v: the call belongs to November in Los Angeles", a.Usage)
	}
}

// A month's summaries are due once it has ended in every zone: not at
// midnight UTC, when it is still the afternoon before in the Americas.
func TestSummariesWaitForTheMonthToEndEverywhere(t *testing.T) {
	has := func(now time.Time, id string) bool {
		for _, j := range account.Scheduled(now) {
			if j.ID == id {
				return true
			}
		}
		return false
	}
	if has(time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), account.JobSummaries+"/2026-11") {
		t.Error("November's summaries are due while November goes on in Hawaii")
	}
	if !has(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), account.JobSummaries+"/2026-11") {
		t.Error("November's summaries are not due 12 hours into December")
	}
}
