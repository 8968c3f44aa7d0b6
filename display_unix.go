//go:build linux || freebsd || openbsd || netbsd

package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/godbus/dbus/v5"
)

// haveDisplay says why no window can be opened: neither an X11 nor a
// Wayland display is named.
func haveDisplay() error {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display: the desktop app needs a graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set)")
	}
	return nil
}

// trayAvailable says why the system tray cannot be used: it is reached
// over the D-Bus session bus, and without one the tray library fails on
// quit.
func trayAvailable() error {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return fmt.Errorf("no D-Bus session bus (%w)", err)
	}
	return conn.Close()
}
