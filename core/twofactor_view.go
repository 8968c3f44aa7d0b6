package core

import (
	"fmt"

	"github.com/dialnexa/account/core/model"
)

// TwoFactorStep is where the user is in the two-factor card: looking at
// it, setting it up (QR code shown), or reading new backup codes.
type TwoFactorStep int

const (
	TwoFactorIdle TwoFactorStep = iota
	TwoFactorSettingUp
	TwoFactorShowingCodes
)

// TwoFactorPanel is the part of the card a client shows.
type TwoFactorPanel int

const (
	PanelEnable TwoFactorPanel = iota // off: "Enable 2FA"
	PanelSetup                        // the QR code, the key and the first code
	PanelManage                       // on: turn off, or new backup codes
	PanelCodes                        // new backup codes, shown once
)

func (p TwoFactorPanel) String() string {
	switch p {
	case PanelEnable:
		return "enable"
	case PanelSetup:
		return "setup"
	case PanelManage:
		return "manage"
	case PanelCodes:
		return "codes"
	}
	return fmt.Sprintf("TwoFactorPanel(%d)", int(p))
}

// Instructions on the two-factor card's panels.
const (
	TextTwoFactorScan   = "Scan this QR code with an authenticator app (Google Authenticator, Authy, 1Password…), or type the key:"
	TextTwoFactorCodes  = "Your backup codes. Each works once if you lose your authenticator. They will not be shown again:"
	TextTwoFactorManage = "To turn it off or get new backup codes, confirm with a code from your authenticator app or a backup code:"
)

// TwoFactorView is the two-factor card, as both clients show it.
type TwoFactorView struct {
	Status string
	// Warning is shown when few backup codes are left ("" otherwise).
	Warning string
	Panel   TwoFactorPanel
	// AskPassword: the panel needs the password (no step-up window is
	// open for this session; reading new codes needs none).
	AskPassword bool
	// Hint: the explanation of what two-factor authentication is.
	Hint bool
	// Actions are the card's buttons (enable, confirm, disable, new codes).
	Actions Control
}

// TwoFactor is the card for the step the user is at; stepUpOpen is whether
// this session proved its password recently.
func (s Snapshot) TwoFactor(step TwoFactorStep, stepUpOpen bool) TwoFactorView {
	tf := s.View.TwoFactor
	v := TwoFactorView{Status: TextTwoFactorOff, Actions: s.ServerAction(), Hint: step == TwoFactorIdle}
	if tf.Enabled {
		v.Status = TextTwoFactorOn
		if tf.BackupCodesLeft <= model.FewBackupCodes {
			v.Warning = FewBackupCodesText(tf.BackupCodesLeft)
		}
	}
	switch {
	case step == TwoFactorShowingCodes:
		v.Panel = PanelCodes
	case step == TwoFactorSettingUp && !tf.Enabled:
		v.Panel = PanelSetup
	case tf.Enabled:
		v.Panel = PanelManage
	default:
		v.Panel = PanelEnable
	}
	v.AskPassword = v.Panel != PanelCodes && !stepUpOpen
	return v
}
