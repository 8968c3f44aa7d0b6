package model

import "fmt"

// BlockingWorkspace is a workspace the account owns with other members: it
// must be transferred or deleted before the account can be.
type BlockingWorkspace struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Members int    `json:"members"`
}

// DeletionPreview is what deleting the account removes and forfeits.
type DeletionPreview struct {
	Agents             int                 `json:"agents"`
	PhoneNumbers       int                 `json:"phoneNumbers"`
	Recordings         int                 `json:"recordings"`
	Transcripts        int                 `json:"transcripts"`
	WalletBalance      string              `json:"walletBalance"`
	TwoFactor          bool                `json:"twoFactor"`
	BlockingWorkspaces []BlockingWorkspace `json:"blockingWorkspaces"`
}

// Summary says in one sentence what will be deleted, with the advice about
// the wallet balance.
func (p DeletionPreview) Summary() string {
	s := fmt.Sprintf("Deleting your account deletes %d agents, %d phone numbers, %d call recordings and %d transcripts.", p.Agents, p.PhoneNumbers, p.Recordings, p.Transcripts)
	if p.WalletBalance != "" {
		s += " Your wallet balance of " + p.WalletBalance + " will be forfeited: contact support before deleting to request a refund."
	}
	return s + " This cannot be undone."
}
