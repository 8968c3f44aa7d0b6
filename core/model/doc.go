// Package model is the DialNexa account model and its rules: the view a
// client shows, the mutations that change it, and the validation of every
// user-supplied field (display names, passwords, email addresses).
//
// It imports nothing of the project, so the sync server and both clients
// judge input with the same code. Everything here is pure and safe for
// concurrent use.
package model
