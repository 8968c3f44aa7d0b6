package core

import (
	"strconv"

	"github.com/dialnexa/account/core/model"
)

// Words of "Download my data" and the Danger Zone.
const (
	TextYourData         = "Your data"
	TextExportFirst      = "Before you delete your account, you can take your data with you: "
	TextExportGoThere    = "Profile → Your data"
	TextPrepareExport    = "Prepare my data"
	TextDownloadExport   = "Download my data"
	TextBlockedIntro     = "You own these workspaces with other members. Transfer ownership or delete each first:"
	TextTransferOrDelete = "Transfer ownership or delete it"
)

// ExportView is "Download my data": prepared by the server, then
// downloaded as a zip.
type ExportView struct {
	// Status says where it stands ("" when nothing was asked for).
	Status string
	// Ready: the archive can be downloaded from Path.
	Ready bool
	ID    string
	Path  string
	// AskPassword: preparing needs the password (no step-up window open).
	AskPassword       bool
	Prepare, Download Control
	// Replace, when an archive is ready, is the question asked before
	// preparing another replaces it ("" otherwise), with its answers.
	Replace               string
	ReplaceYes, ReplaceNo string
}

// Export is the "Download my data" card; stepUpOpen is whether this
// session proved its password recently.
func (s Snapshot) Export(d Dates, stepUpOpen bool) ExportView {
	action := s.ServerAction()
	v := ExportView{AskPassword: !stepUpOpen, Prepare: action, Download: action}
	v.Status, v.Ready = ExportStatus(s.View.Export, d.Time)
	if v.Ready {
		v.ID, v.Path = s.View.Export.ID, ExportPath(s.View.Export.ID)
		v.Replace = "Your data is ready to download. Preparing it again replaces that archive with a new one."
		v.ReplaceYes, v.ReplaceNo = "Prepare a new one", "Keep the ready one"
	}
	return v
}

// DangerView is the Danger Zone: deleting the account.
type DangerView struct {
	// AskCode: the account has two-factor authentication, so deleting
	// asks for a code.
	AskCode         bool
	Preview, Delete Control
}

// Danger is the Danger Zone.
func (s Snapshot) Danger() DangerView {
	action := s.ServerAction()
	return DangerView{AskCode: s.View.TwoFactor.Enabled, Preview: action, Delete: action}
}

// BlockingText is a workspace that blocks the deletion: "Acme (3 members)".
func BlockingText(w model.BlockingWorkspace) string {
	return w.Name + " (" + strconv.Itoa(w.Members) + " members)"
}
