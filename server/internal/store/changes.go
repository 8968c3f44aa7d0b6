package store

import "time"

// Changes is the log DialNexa's services follow to keep their session
// caches current (the revocation stream): what ended or changed, numbered
// across the store in commit order, so a follower that reconnects asks
// for what came after the last number it saw.
type Changes interface {
	// AddChange appends a change and returns it numbered. Transactions
	// that add changes commit in the order of their numbers: a follower
	// that has read number n never sees a smaller one appear later.
	AddChange(Change) (Change, error)
	// ChangesAfter returns up to limit changes with Seq > after, in order.
	ChangesAfter(after uint64, limit int) ([]Change, error)
	// ChangeBounds returns the first number kept (newest+1 when none is)
	// and the newest number given (0 when none was).
	ChangeBounds() (oldest, newest uint64, err error)
	// PruneChanges deletes up to limit changes recorded before a time,
	// oldest first, and returns how many it deleted.
	PruneChanges(before time.Time, limit int) (int, error)
}

// Kinds of Change.
const (
	// ChangeSession: the session (ID) ended.
	ChangeSession = "session"
	// ChangeAccount: what a session of the account says about it changed
	// (email, name, two-factor, workspaces and roles). ID is the
	// account's key, a digest of its id (the log keeps no account id).
	ChangeAccount = "account"
	// ChangeDeleted: the account (ID, its key) was deleted; its sessions
	// ended.
	ChangeDeleted = "deleted"
)

// Change is one entry of the Changes log.
type Change struct {
	Seq  uint64    `json:"seq"`
	Kind string    `json:"kind"`
	ID   string    `json:"id"`
	At   time.Time `json:"at"`
}
