// Package app is the DialNexa Account desktop UI built with Fyne. Every
// screen is a function of a core.Snapshot plus the actions of a Controller;
// the package does no I/O of its own, so it is tested headlessly with
// fyne.io/fyne/v2/test.
package app
