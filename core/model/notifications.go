package model

import "time"

// Notification types, in the order of the product documentation.
const (
	NotifLowBalance        = "low_wallet_balance"
	NotifAutoRecharge      = "auto_recharge"
	NotifCampaignCompleted = "campaign_completed"
	NotifAgentErrorRate    = "agent_error_rate"
	NotifTeamMemberJoined  = "team_member_joined"
	NotifPlatformStatus    = "platform_status"
	NotifMonthlySummary    = "monthly_usage_summary"
	NotifSecurityAlert     = "security_alert"
)

// NotifDataExport announces that "download my data" is ready: in-app only,
// not one of the types whose email can be set.
const NotifDataExport = "data_export"

// NotificationType describes one kind of notification.
type NotificationType struct {
	ID      string
	Name    string
	Trigger string
	// EmailDefault is whether email delivery is on for a new account.
	EmailDefault bool
	// Locked types are always delivered by email and in-app; their email
	// setting cannot be turned off.
	Locked bool
}

// NotificationTypes is the table of the product documentation.
var NotificationTypes = []NotificationType{
	{NotifLowBalance, "Low wallet balance", "Wallet balance drops below your threshold", true, false},
	{NotifAutoRecharge, "Auto-recharge triggered", "Automatic wallet top-up occurs", true, false},
	{NotifCampaignCompleted, "Call campaign completed", "A batch campaign finishes", true, false},
	{NotifAgentErrorRate, "Agent error rate alert", "More than 10% of calls fail in an hour", true, false},
	{NotifTeamMemberJoined, "New team member joined", "Someone accepts a workspace invitation", false, false},
	{NotifPlatformStatus, "Platform status updates", "Scheduled maintenance or incidents", true, false},
	{NotifMonthlySummary, "Monthly usage summary", "Summary of previous month's usage", true, false},
	{NotifSecurityAlert, "Security alerts", "New login from an unrecognized device", true, true},
}

// NotificationTypeByID returns the type with the given id.
func NotificationTypeByID(id string) (NotificationType, bool) {
	for _, t := range NotificationTypes {
		if t.ID == id {
			return t, true
		}
	}
	return NotificationType{}, false
}

// EmailEnabled reports whether notifications of type id go out by email
// with the given per-type overrides (missing: the default).
func EmailEnabled(prefs map[string]bool, id string) bool {
	t, ok := NotificationTypeByID(id)
	if !ok {
		return false
	}
	if t.Locked {
		return true
	}
	if v, set := prefs[id]; set {
		return v
	}
	return t.EmailDefault
}

// Notification is one in-app notification (the bell).
type Notification struct {
	ID    uint64    `json:"id"`
	Type  string    `json:"type"`
	Title string    `json:"title"`
	Body  string    `json:"body"`
	Link  string    `json:"link,omitempty"` // what it is about, in the dashboard
	At    time.Time `json:"at"`
	Read  bool      `json:"read"`
}

// InboxLimit is how many recent notifications the view carries.
const InboxLimit = 50

// Mutations of notification settings and the bell (queueable offline).
const (
	MutSetEmailNotification = "setEmailNotification"
	MutMarkRead             = "markNotificationRead"
	MutMarkAllRead          = "markAllNotificationsRead"
)

// SetEmailNotification is the argument of MutSetEmailNotification.
type SetEmailNotification struct {
	Type  string `json:"type"`
	Email bool   `json:"email"`
}

// MutDismissAlert answers a security alert "this was me" (or after its
// session was revoked): it goes from every device.
const MutDismissAlert = "dismissAlert"

// DismissAlert is the argument of MutDismissAlert.
type DismissAlert struct {
	ID uint64 `json:"id"`
}

// MarkRead is the argument of MutMarkRead.
type MarkRead struct {
	ID uint64 `json:"id"`
}

// MarkAllRead is the argument of MutMarkAllRead: every notification with
// an id up to UpTo.
type MarkAllRead struct {
	UpTo uint64 `json:"upTo"`
}
