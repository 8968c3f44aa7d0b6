// Package device names the devices sessions are signed in from, for the
// session list and security alerts: the desktop app's own description or
// the browser's User-Agent, and a masked network address.
package device

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/mileusna/useragent"

	"github.com/dialnexa/account/core/model"
)

// Info is how the desktop app identifies itself at sign-in. Browsers
// send nothing and are described from their User-Agent.
type Info struct {
	Kind string `json:"kind"` // "desktop" for the desktop app
	OS   string `json:"os"`
	// Name is the computer's name (its host name), so two machines can
	// be told apart in the session list and in alerts.
	Name string `json:"name"`
}

// Describe returns the device type ("Desktop app", "Desktop", "Mobile",
// "Tablet", or "Unknown device" for a client that is not a browser: curl,
// a script) and a short description ("Chrome on Windows"; for a program,
// the product its User-Agent names: "curl") of a client that sent d (the
// desktop app) or the User-Agent userAgent.
func Describe(userAgent string, d Info) (kind, desc string) {
	if d.Kind == "desktop" {
		desc = "DialNexa desktop on " + osName(Printable(d.OS, 32))
		if name := Printable(d.Name, 40); name != "" {
			desc = name + " (" + desc + ")"
		}
		return "Desktop app", desc
	}
	ua := useragent.Parse(userAgent)
	switch {
	case ua.Tablet:
		kind = "Tablet"
	case ua.Mobile:
		kind = "Mobile"
	case ua.Desktop:
		kind = "Desktop"
	default:
		// Not a browser: what the User-Agent names, as the program
		// wrote it ("curl/8.5.0" is curl).
		product, _, _ := strings.Cut(strings.TrimSpace(userAgent), "/")
		product, _, _ = strings.Cut(product, " ")
		if product = Printable(product, 32); product == "" {
			product = "A program that did not name itself"
		}
		return "Unknown device", product
	}
	name := orUnknown(Printable(ua.Name, 32))
	if name == "Unknown" {
		name = "Unknown browser"
	}
	os := Printable(ua.OS, 32)
	if os == "" {
		return kind, name
	}
	return kind, name + " on " + os
}

// MaskAddress shows enough of an address to recognise a network, not a
// household: 203.0.113.x for IPv4, the first 48 bits for IPv6
// (2001:db8:85a3:x).
func MaskAddress(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return "unknown address"
	}
	ip = ip.Unmap()
	if ip.Is4() {
		b := ip.As4()
		return fmt.Sprintf("%d.%d.%d.x", b[0], b[1], b[2])
	}
	b := ip.As16()
	return fmt.Sprintf("%x:%x:%x:x", uint16(b[0])<<8|uint16(b[1]), uint16(b[2])<<8|uint16(b[3]), uint16(b[4])<<8|uint16(b[5]))
}

// Printable is s as a label a program wrote (a device's or a browser's
// name): only what a person can read, on one line, at most n characters
// (account.Clean, the rule every label follows).
func Printable(s string, n int) string { return model.Clean(s, n) }

func orUnknown(s string) string {
	if s == "" {
		return "Unknown"
	}
	return s
}

// osName names a Go GOOS value the way people do.
func osName(goos string) string {
	switch goos {
	case "linux":
		return "Linux"
	case "windows":
		return "Windows"
	case "darwin":
		return "macOS"
	case "freebsd":
		return "FreeBSD"
	}
	return orUnknown(goos)
}
