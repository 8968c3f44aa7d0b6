// Package account is the server's domain: one command per user action
// (SignIn, ChangePassword, RevokeSession, ApplyMutations, DeleteAccount,
// …). A command checks the shared account rules, runs in one store
// transaction, and hands the effects of its change (views to push,
// sessions to revoke, events to deliver, mail to send) to the Service's
// Applier once the transaction has committed, never before and never for
// one that failed. It knows no HTTP and no socket: refusals are *Error
// values saying what kind of refusal they are, which the adapters
// (httpapi, syncsrv) turn into statuses and messages.
package account
