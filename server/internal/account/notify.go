package account

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/store"
)

// notifyInApp adds an in-app notification (the bell) inside tx; the caller
// stores the account.
func (s *Service) notifyInApp(tx txn, a *store.Account, typ, title, body, link string, now time.Time) error {
	_, err := tx.AddNotification(a, store.Notification{Type: typ, Title: title, Body: body, Link: link, At: now})
	bump(a)
	tx.pushView(a.ID)
	return err
}

// notify adds an in-app notification and, when the account's settings say
// so for its type, queues the same as a mail.
func (s *Service) notify(tx txn, a *store.Account, typ, title, body, link string, now time.Time) error {
	if err := s.notifyInApp(tx, a, typ, title, body, link, now); err != nil {
		return err
	}
	if !model.EmailEnabled(a.EmailPrefs, typ) {
		return nil
	}
	t, _ := model.NotificationTypeByID(typ)
	return s.queueMail(tx, a.Email, "notification", map[string]any{
		"Name": a.DisplayName, "Title": title, "Body": body, "Link": s.dashboardLink(link), "Locked": t.Locked, "TypeName": t.Name,
	})
}

// dashboardLink makes a notification's link absolute for a mail: a path
// is on the DialNexa dashboard (/wallet, /usage, /status), as in the
// clients.
func (s *Service) dashboardLink(link string) string {
	if link == "" || strings.HasPrefix(link, "https://") || strings.HasPrefix(link, "http://") {
		return link
	}
	return s.dashboard + link
}

// ServiceEvent is what other DialNexa services report.
type ServiceEvent struct {
	Type      string `json:"type"`
	Email     string `json:"email"`
	AccountID string `json:"accountId"`
	// wallet_low, auto_recharge
	Balance   string `json:"balance"`
	Threshold string `json:"threshold"`
	Amount    string `json:"amount"`
	Currency  string `json:"currency"`
	// campaign_completed
	CampaignID   string `json:"campaignId"`
	CampaignName string `json:"campaignName"`
	Calls        int    `json:"calls"`
	// call_outcome
	AgentID   string    `json:"agentId"`
	AgentName string    `json:"agentName"`
	Failed    bool      `json:"failed"`
	At        time.Time `json:"at"`
	// platform_status (to every account when no email or account id)
	Title   string `json:"title"`
	Message string `json:"message"`
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Agent error-rate alert, as the product documentation states it: more
// than 10% of an agent's calls in the last hour failed, however few calls
// that is. Repeats are avoided instead: at most one alert per agent per
// hour.
const errorRateWindow = time.Hour

// errNoAccount answers a report about an account that does not exist.
var errNoAccount = notFound("No account has that email address or id.")

// ReportEvent turns an event another service reports into notifications
// for its account and returns how many it raised. (A platform status for
// every account is a broadcast: see Broadcast.)
func (s *Service) ReportEvent(ctx context.Context, e ServiceEvent) (int, error) {
	now := s.now()
	if e.At.IsZero() {
		e.At = now
	}
	var targets []string
	err := s.store.View(ctx, func(tx store.Tx) error {
		switch {
		case e.AccountID != "":
			a, err := tx.Account(e.AccountID)
			targets = []string{a.ID}
			return err
		case e.Email != "":
			email, err := model.NormalizeEmail(e.Email)
			if err != nil {
				return err
			}
			a, err := tx.AccountByEmail(email)
			targets = []string{a.ID}
			return err
		}
		return invalid("Say which account: email or accountId (only platform_status goes to every account).")
	})
	if isNotFound(err) {
		return 0, errNoAccount
	}
	if err != nil {
		return 0, ruleError(err)
	}
	if msg := validateEvent(e); msg != "" {
		return 0, invalid("%s", msg)
	}
	raised := 0
	for _, id := range targets {
		err := s.change(ctx, func(tx txn) error {
			a, err := tx.Account(id)
			if err != nil {
				return err
			}
			n, err := s.applyServiceEvent(tx, &a, e, now)
			if err != nil {
				return err
			}
			raised += n
			return tx.PutAccount(a)
		})
		if err != nil {
			return raised, err
		}
	}
	return raised, nil
}

func validateEvent(e ServiceEvent) string {
	switch e.Type {
	case "wallet_low":
		if e.Balance == "" || e.Threshold == "" {
			return "wallet_low needs balance and threshold."
		}
	case "auto_recharge":
		if e.Amount == "" {
			return "auto_recharge needs amount."
		}
	case "campaign_completed":
		if !idRE.MatchString(e.CampaignID) {
			return "campaign_completed needs a campaignId (letters, digits, - and _)."
		}
	case "call_outcome":
		if !idRE.MatchString(e.AgentID) {
			return "call_outcome needs an agentId (letters, digits, - and _)."
		}
	case "platform_status":
		if e.Title == "" || e.Message == "" {
			return "platform_status needs title and message."
		}
	default:
		return fmt.Sprintf("Unknown event type %q; use wallet_low, auto_recharge, campaign_completed, call_outcome or platform_status.", e.Type)
	}
	return ""
}

// applyServiceEvent turns one event into notifications for a, inside tx,
// and returns how many it raised.
func (s *Service) applyServiceEvent(tx txn, a *store.Account, e ServiceEvent, now time.Time) (int, error) {
	cur := func(v string) string { return strings.TrimSpace(v + " " + e.Currency) }
	// Usage is counted into the account's months, in its time zone.
	month := e.At.In(zone(a.TimeZone)).Format("2006-01")
	switch e.Type {
	case "wallet_low":
		return 1, s.notify(tx, a, model.NotifLowBalance, "Low wallet balance",
			fmt.Sprintf("Your wallet balance is %s, below your threshold of %s. Top up to keep your agents calling.", cur(e.Balance), cur(e.Threshold)), "/wallet", now)
	case "auto_recharge":
		return 1, s.notify(tx, a, model.NotifAutoRecharge, "Auto-recharge triggered",
			fmt.Sprintf("Your wallet was topped up automatically with %s.", cur(e.Amount)), "/wallet", now)
	case "campaign_completed":
		addUsage(a, month, store.Usage{Campaigns: 1})
		name := e.CampaignName
		if name == "" {
			name = e.CampaignID
		}
		return 1, s.notify(tx, a, model.NotifCampaignCompleted, "Call campaign completed",
			fmt.Sprintf("The campaign %q has finished (%d calls).", name, e.Calls), "/campaigns/"+e.CampaignID, now)
	case "call_outcome":
		failed := 0
		if e.Failed {
			failed = 1
		}
		addUsage(a, month, store.Usage{Calls: 1, Failed: failed})
		if err := tx.AddCall(a.ID, e.AgentID, e.At, e.Failed); err != nil {
			return 0, err
		}
		calls, fails, err := tx.CallStats(a.ID, e.AgentID, now.Add(-errorRateWindow))
		if err != nil || calls == 0 || fails*10 <= calls {
			return 0, err
		}
		if last, ok := a.AgentAlerted[e.AgentID]; ok && now.Sub(last) < errorRateWindow {
			return 0, nil
		}
		if a.AgentAlerted == nil {
			a.AgentAlerted = map[string]time.Time{}
		}
		a.AgentAlerted[e.AgentID] = now
		name := e.AgentName
		if name == "" {
			name = e.AgentID
		}
		return 1, s.notify(tx, a, model.NotifAgentErrorRate, "Agent error rate alert",
			fmt.Sprintf("%d of the last %d calls of agent %q failed in the past hour (%d%%).", fails, calls, name, fails*100/calls), "/agents/"+e.AgentID, now)
	case "platform_status":
		return 1, s.notify(tx, a, model.NotifPlatformStatus, e.Title, e.Message, "/status", now)
	}
	return 0, nil
}

func addUsage(a *store.Account, month string, u store.Usage) {
	if a.Usage == nil {
		a.Usage = map[string]store.Usage{}
	}
	cur := a.Usage[month]
	cur.Calls += u.Calls
	cur.Failed += u.Failed
	cur.Campaigns += u.Campaigns
	a.Usage[month] = cur
	if len(a.Usage) > 14 { // keep a little over a year
		oldest := month
		for m := range a.Usage {
			oldest = min(oldest, m)
		}
		delete(a.Usage, oldest)
	}
}
