package account

import "github.com/dialnexa/account/server/internal/store"

// The parts of a transaction the shared helpers touch: each helper names
// the store aggregates it reads and writes rather than all of store.Tx,
// so what a change to one aggregate can reach is in the signatures.
type (
	// linkTx reads single-use links and the accounts they are for.
	linkTx interface {
		store.Links
		store.Accounts
	}
	// factorTx checks second factors: the attempts' guards and the
	// security activity.
	factorTx interface {
		store.Guards
		store.Feeds
	}
	// teamTx changes workspaces and their invitation links.
	teamTx interface {
		store.Workspaces
		store.Links
	}
	// viewTx reads what an account's clients are shown.
	viewTx interface {
		store.Accounts
		store.Sessions
		store.Feeds
		store.Workspaces
		store.Platform
	}
	// factsTx reads what services are told about an account.
	factsTx interface {
		store.Accounts
		store.Workspaces
	}
)
