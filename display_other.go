//go:build !(linux || freebsd || openbsd || netbsd)

package main

// haveDisplay: Windows and macOS always have one for a desktop app.
func haveDisplay() error { return nil }

// trayAvailable: Windows and macOS always have one.
func trayAvailable() error { return nil }
