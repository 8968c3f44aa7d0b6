package api

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/mileusna/useragent"
)

// deviceInfo is how the desktop app identifies itself at sign-in. Browsers
// send nothing and are described from their User-Agent.
type deviceInfo struct {
	Kind string `json:"kind"` // "desktop" for the desktop app
	OS   string `json:"os"`
}

// describeDevice returns the device type ("Desktop app", "Desktop",
// "Mobile", "Tablet") and a short description ("Chrome on Windows").
func describeDevice(r *http.Request, d deviceInfo) (kind, desc string) {
	if d.Kind == "desktop" {
		return "Desktop app", "DialNexa desktop on " + osName(clean(d.OS, 32))
	}
	ua := useragent.Parse(r.UserAgent())
	kind = "Desktop"
	switch {
	case ua.Tablet:
		kind = "Tablet"
	case ua.Mobile:
		kind = "Mobile"
	}
	name := orUnknown(clean(ua.Name, 32))
	if name == "Unknown" {
		name = "Unknown browser"
	}
	os := clean(ua.OS, 32)
	if os == "" {
		return kind, name
	}
	return kind, name + " on " + os
}

// clean keeps printable characters of s, at most n of them.
func clean(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if n == 0 {
			break
		}
		if unicode.IsPrint(r) {
			b.WriteRune(r)
			n--
		}
	}
	return strings.TrimSpace(b.String())
}

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
