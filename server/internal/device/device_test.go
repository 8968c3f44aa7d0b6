package device

import "testing"

func TestMaskAddress(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.57":                  "203.0.113.x",
		"::ffff:198.51.100.7":           "198.51.100.x",
		"2001:db8:85a3:8d3:1319:8a2e::": "2001:db8:85a3:x",
		"::1":                           "0:0:0:x",
		"not an address":                "unknown address",
		"":                              "unknown address",
	} {
		if got := MaskAddress(in); got != want {
			t.Errorf("MaskAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		ua         string
		info       Info
		kind, desc string
	}{
		{"", Info{Kind: "desktop", OS: "linux", Name: "ada-laptop"}, "Desktop app", "ada-laptop (DialNexa desktop on Linux)"},
		{"", Info{Kind: "desktop", OS: "darwin"}, "Desktop app", "DialNexa desktop on macOS"},
		{"", Info{Kind: "desktop", OS: "windows", Name: "EVE\x00\u202e-PC"}, "Desktop app", "EVE-PC (DialNexa desktop on Windows)"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36", Info{}, "Desktop", "Chrome on Windows"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", Info{}, "Mobile", "Safari on iOS"},
		{"curl/8.5.0", Info{}, "Unknown device", "curl"},
		{"python-requests/2.31.0", Info{}, "Unknown device", "python-requests"},
		{"Go-http-client/1.1", Info{}, "Unknown device", "Go-http-client"},
		{"", Info{}, "Unknown device", "A program that did not name itself"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", Info{}, "Desktop", "Headless Chrome on Linux"},
	} {
		kind, desc := Describe(tc.ua, tc.info)
		if kind != tc.kind || desc != tc.desc {
			t.Errorf("Describe(%q, %+v) = %q, %q; want %q, %q", tc.ua, tc.info, kind, desc, tc.kind, tc.desc)
		}
	}
}
