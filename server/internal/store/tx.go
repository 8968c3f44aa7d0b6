package store

import (
	"context"
	"time"
)

// Store is the server's storage: transactions over a Tx. Every backend
// (bbolt, PostgreSQL) passes the contract suite in store/storetest.
type Store interface {
	// Update runs fn in a read-write transaction, committed durably when
	// fn returns nil and rolled back when it returns an error (or ctx ends).
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Batch is Update that may share one commit with concurrent calls; fn
	// may run more than once, so it must have no effect outside the
	// transaction beyond resetting what it returns.
	Batch(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is one transaction. Everything written through one Tx is committed
// together and durably, or not at all. A Tx must not be used after the
// function it was given to returns. Lookups of something absent return
// ErrNotFound.
type Tx interface {
	Accounts
	Sessions
	Links
	Feeds
	Services
	Workspaces
	Outbox
	Guards
	Retention
	Platform
	Changes
}

// Accounts are the account records, their addresses and pictures.
type Accounts interface {
	Account(id string) (Account, error)
	AccountByEmail(email string) (Account, error)
	// CreateAccount stores a new account; ErrEmailTaken if its email is used.
	CreateAccount(Account) error
	// PutAccount stores a changed account (its email must not change here).
	PutAccount(Account) error
	// ChangeEmail moves the account to a new address; ErrEmailTaken if
	// another account holds it. The old address stops signing in.
	ChangeEmail(a *Account, email string) error
	// ClaimPasskey records that the WebAuthn credential id (a passkey's
	// ID) belongs to the account; ErrPasskeyTaken if another account's
	// holds it. A credential id is registered to one account at most.
	ClaimPasskey(credentialID, accountID string) error
	// ReleasePasskey forgets the credential id (its passkey was removed).
	// DeleteAccount releases the account's own.
	ReleasePasskey(credentialID string) error
	// AccountIDsAfter returns up to limit account ids greater than after,
	// in order (after "": from the first).
	AccountIDsAfter(after string, limit int) ([]string, error)
	// DeleteAccount removes the account and everything stored under it:
	// sessions end with reason (their ids are returned), events, activity,
	// notifications, devices, mutation ids, calls, resources, memberships,
	// its picture and its links; audit entries naming it name "a deleted
	// account" instead. Workspaces are the caller's business.
	DeleteAccount(a Account, reason string, at time.Time) ([]string, error)

	// PutAvatar, Avatar and DeleteAvatar keep the account's picture.
	PutAvatar(accountID string, png []byte) error
	Avatar(accountID string) ([]byte, error)
	DeleteAvatar(accountID string) error
}

// Sessions are the signed-in devices, the devices an account has used, and
// each client's last applied mutation.
type Sessions interface {
	Session(id string) (Session, error)
	// SessionByToken returns the live session with the token hash; a token
	// whose session ended returns *EndedError, an unknown one ErrNotFound.
	SessionByToken(tokenHash string) (Session, error)
	// Sessions returns the account's live sessions.
	Sessions(accountID string) ([]Session, error)
	// PutSession stores a new or changed session; a changed token
	// replaces the old one, which stops working.
	PutSession(Session) error
	// EndSession removes a live session, remembering why for a client that
	// comes back with its token. A session an application signed in to
	// (AppID) queues the application's back-channel logout in the outbox.
	EndSession(id, reason string, at time.Time) error

	// KnownDevice reports whether the account has signed in from the
	// device before; AddDevice remembers it.
	KnownDevice(accountID, deviceHash string) (bool, error)
	AddDevice(accountID, deviceHash string, at time.Time) error
	// HasDevices reports whether any device is known for the account.
	HasDevices(accountID string) (bool, error)

	// LastMutationID and SetLastMutationID track the last mutation id
	// applied per client (0 for a client never seen).
	LastMutationID(accountID, clientID string) (uint64, error)
	SetLastMutationID(accountID, clientID string, id uint64) error
}

// Links are single-use secret links (reset, email change, invitation),
// stored under the hash of their secret.
type Links interface {
	PutToken(hash string, t Token) error
	Token(hash string) (Token, error)
	DeleteToken(hash string) error
}

// Feeds are what an account's clients are told: events, the security
// activity and in-app notifications, each numbered per account through
// counters in the Account (the caller stores the account afterwards).
type Feeds interface {
	// AddEvent appends an event for the account, numbering it.
	AddEvent(a *Account, kind string, payload []byte, at time.Time) (Event, error)
	// EventsAfter returns up to limit events with Seq > seq, oldest first.
	EventsAfter(accountID string, seq uint64, limit int) ([]Event, error)

	// AddActivity appends a security activity entry for the account.
	AddActivity(a *Account, kind, detail string, at time.Time) error
	// Activity returns up to limit entries, newest first.
	Activity(accountID string, limit int) ([]Activity, error)

	// AddNotification stores a new in-app notification, numbering it and
	// counting it unread.
	AddNotification(a *Account, n Notification) (Notification, error)
	// Notifications returns up to limit notifications, newest first.
	Notifications(accountID string, limit int) ([]Notification, error)
	// MarkRead marks notifications with id in [from, to] read, adjusting
	// the account's unread count.
	MarkRead(a *Account, from, to uint64) error
}

// Services are what other DialNexa services report about an account: call
// outcomes and the resources they hold.
type Services interface {
	// AddCall records one call outcome of an agent.
	AddCall(accountID, agentID string, at time.Time, failed bool) error
	// CallStats counts an agent's calls and failures since a time.
	CallStats(accountID, agentID string, since time.Time) (calls, failed int, err error)

	// PutResource and Resources mirror the account's resources held by
	// other services (DeleteAccount removes them).
	PutResource(accountID string, r Resource) error
	Resources(accountID string) ([]Resource, error)
}

// Workspaces are teams, their members and their audit logs.
type Workspaces interface {
	// PutWorkspace stores a workspace and indexes its members (before is
	// the stored version, nil for a new one); DeleteWorkspace removes it
	// and its index entries.
	PutWorkspace(w Workspace, before *Workspace) error
	Workspace(id string) (Workspace, error)
	DeleteWorkspace(w Workspace) error
	// Workspaces returns the workspaces the account is a member of, oldest
	// first.
	Workspaces(accountID string) ([]Workspace, error)

	// AddAudit appends an entry to its workspace's audit log, numbering
	// it (numbers grow across all workspaces).
	AddAudit(e AuditEntry) (AuditEntry, error)
	// Audit returns up to limit entries of the workspace with Seq < before
	// (0: from the newest), newest first.
	Audit(workspaceID string, before uint64, limit int) ([]AuditEntry, error)
	// PruneAudit deletes up to limit entries, of any workspace, recorded
	// before a time, oldest first, and returns how many it deleted.
	PruneAudit(before time.Time, limit int) (int, error)
}

// Outbox is mail written in the transaction of the change that caused it,
// delivered by the mail worker.
type Outbox interface {
	// Enqueue adds a mail to the outbox, numbering it.
	Enqueue(Mail) error
	// DueMail returns up to limit outbox mails due at now, the earliest
	// due first (then in the order they were queued).
	DueMail(now time.Time, limit int) ([]Mail, error)
	// ClaimMail leases up to limit mails due at now to the caller until
	// until (their next attempt) and returns them, in the order they were
	// queued: a concurrent claim does not get them, so on several nodes
	// each mail is sent by one worker; one that is neither deleted nor
	// rescheduled (its sender died) is due again when the lease ends.
	ClaimMail(now, until time.Time, limit int) ([]Mail, error)
	// PutMail updates a mail (its retry state); ErrNotFound when it is gone.
	PutMail(Mail) error
	// DeleteMail removes a mail (delivered, or given up); removing one
	// already gone is not an error.
	DeleteMail(id uint64) error
	// OutboxStats returns how many mails wait in the outbox and when the
	// oldest was queued (zero when none waits).
	OutboxStats() (count int, oldest time.Time, err error)
}

// Guards are what protects accounts on every node at once: rate-limit
// buckets (per client address, email address or account), the failed
// attempts of addresses with no account, and leases (one sign-in attempt
// at a time per account; one node at a time for a job). Keys are opaque
// to the store. In a read-write transaction, reading a bucket or a count
// locks it until the commit, so concurrent transactions on several nodes
// count every event.
type Guards interface {
	// Bucket returns the rate-limit bucket key; ErrNotFound for one never
	// stored.
	Bucket(key string) (Bucket, error)
	PutBucket(key string, b Bucket) error
	// Failures returns the failed attempts counted under key (none: zero).
	Failures(key string) (Failures, error)
	PutFailures(key string, f Failures) error
	// TakeLease takes the lease key for holder until until if it is free
	// at now (never taken, dropped, or expired) or already holder's (which
	// renews it), and reports whether it did. DropLease frees it if holder
	// holds it.
	TakeLease(key, holder string, now, until time.Time) (bool, error)
	DropLease(key, holder string) error

	// AddJob stores a new job and reports true, or false (storing
	// nothing) when a job with its id exists.
	AddJob(Job) (bool, error)
	// Job returns the job with the id.
	Job(id string) (Job, error)
	// PutJob stores a job's progress.
	PutJob(Job) error
	// PendingJobs returns up to limit unfinished jobs, oldest first.
	PendingJobs(limit int) ([]Job, error)
}

// Retention deletes what is no longer needed, a bounded batch at a time.
// Each Prune method looks at or deletes at most limit records, starting
// at position from ("" for the start), and returns the position to go on
// from, "" once it has been through everything, and how many it deleted.
type Retention interface {
	// PruneCalls deletes call outcomes recorded before a time.
	PruneCalls(before time.Time, from string, limit int) (next string, deleted int, err error)
	// PruneLinks deletes link tokens that expired before a time.
	PruneLinks(before time.Time, from string, limit int) (next string, deleted int, err error)
	// PruneEnded deletes the records of sessions that ended before a
	// time: their tokens then read as unknown instead of ended.
	PruneEnded(before time.Time, from string, limit int) (next string, deleted int, err error)
	// PruneGuards deletes rate-limit buckets last used, failure counts
	// last counted and leases that ended before a time.
	PruneGuards(before time.Time, from string, limit int) (next string, deleted int, err error)
	// PruneJobs deletes jobs finished before a time.
	PruneJobs(before time.Time, from string, limit int) (next string, deleted int, err error)
	// TrimFeeds keeps the account's newest keep events, keep
	// notifications and keep security-activity entries and deletes the
	// older ones (unread notifications leave a's unread count), returning
	// how many it deleted.
	TrimFeeds(a *Account, keep int) (int, error)
}
