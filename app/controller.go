package app

import (
	"context"

	"github.com/dialnexa/account/core"
)

// Controller is what the UI needs of the account client: the snapshot the
// screens are drawn from, and each screen's actions. *core.Client
// implements it. Methods may block on the network; the UI calls them off
// the UI goroutine. Each screen holds only the part it uses, so a screen
// can be run against a fake of that part.
type Controller interface {
	Snapshot() core.Snapshot
	SignOut(ctx context.Context)
	DismissNotice()
	AuthActions
	ProfileActions
	SecurityActions
	NotificationActions
	WorkspaceActions
	DataActions
	AlertActions
}

// AuthActions are the signed-out screen's.
type AuthActions interface {
	SignIn(ctx context.Context, email, password, code string) error
	SignUp(ctx context.Context, email, password, displayName string) error
	ForgotPassword(ctx context.Context, email string) (string, error)
	StartBrowserSignIn(ctx context.Context) (core.BrowserSignIn, error)
	FinishBrowserSignIn(ctx context.Context, b core.BrowserSignIn) error
	StartNativeSignIn(ctx context.Context) (*core.NativeSignIn, error)
	FinishNativeSignIn(ctx context.Context, n *core.NativeSignIn) error
}

// ProfileActions are the Profile screen's.
type ProfileActions interface {
	SetDisplayName(name string) error
	ChangeEmail(ctx context.Context, newEmail, password string) (string, error)
	UploadAvatar(ctx context.Context, data []byte) error
	RemoveAvatar(ctx context.Context) error
	SetTimeZone(ctx context.Context, name string) error
}

// StepUp says whether this session entered its password recently, so
// takeover-grade actions do not ask for it again.
type StepUp interface{ StepUpOpen() bool }

// SecurityActions are the Security screen's: the password, two-factor
// authentication, passkeys, sessions and apps.
type SecurityActions interface {
	StepUp
	ChangePassword(ctx context.Context, current, next string, signOutOthers bool) error
	SetUpTwoFactor(ctx context.Context, password string) (core.TwoFactorSetup, error)
	EnableTwoFactor(ctx context.Context, password, code string) ([]string, error)
	DisableTwoFactor(ctx context.Context, password, code string) error
	RegenerateBackupCodes(ctx context.Context, password, code string) ([]string, error)
	RenamePasskey(ctx context.Context, id, name string) error
	RemovePasskey(ctx context.Context, id, password string) error
	RevokeSession(ctx context.Context, sessionID string) error
	RevokeOtherSessions(ctx context.Context) error
	RemoveApp(ctx context.Context, id string) error
}

// NotificationActions are the notification settings' and the bell's (which
// also answers invitations).
type NotificationActions interface {
	SetEmailNotification(typ string, email bool) error
	MarkNotificationRead(id uint64) error
	MarkAllNotificationsRead() error
	AcceptReceived(ctx context.Context, workspaceID, id string) (string, error)
	DeclineReceived(ctx context.Context, workspaceID, id string) (string, error)
}

// WorkspaceActions are the Workspaces screen's and its audit log's.
type WorkspaceActions interface {
	CreateWorkspace(ctx context.Context, name string) error
	Invite(ctx context.Context, workspaceID, email, role string) (string, error)
	AcceptInvitation(ctx context.Context, link string) (string, error)
	TransferOwnership(ctx context.Context, workspaceID, accountID string) error
	DeleteWorkspace(ctx context.Context, workspaceID string) error
	RemoveMember(ctx context.Context, workspaceID, accountID string) error
	WithdrawInvitation(ctx context.Context, workspaceID, invitationID string) error
	SetRole(ctx context.Context, workspaceID, accountID, role string) error
	AuditLog(ctx context.Context, workspaceID string, before uint64) (core.AuditPage, error)
	AcceptReceived(ctx context.Context, workspaceID, id string) (string, error)
	DeclineReceived(ctx context.Context, workspaceID, id string) (string, error)
}

// DataActions are the Danger Zone's: taking the data out, and deleting
// the account (and the owned workspaces that block it).
type DataActions interface {
	StepUp
	RequestExport(ctx context.Context, password string) error
	DownloadExport(ctx context.Context, id string) ([]byte, error)
	DeletionPreview(ctx context.Context) (core.DeletionPreview, error)
	DeleteAccount(ctx context.Context, email, password, code string) error
	DeleteWorkspace(ctx context.Context, workspaceID string) error
}

// AlertActions answer a security alert.
type AlertActions interface {
	RevokeFromAlert(ctx context.Context, a core.Alert) error
	DismissAlert(id uint64) error
}
