package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	xff, err := ParseProxies("10.0.0.0/8, 127.0.0.1", "X-Forwarded-For")
	if err != nil {
		t.Fatal(err)
	}
	fwd, err := ParseProxies("10.0.0.1", "Forwarded")
	if err != nil {
		t.Fatal(err)
	}
	none, _ := ParseProxies("", "X-Forwarded-For")
	for _, c := range []struct {
		name    string
		p       Proxies
		peer    string
		headers map[string]string
		want    string
	}{
		{"no proxies: the peer", none, "203.0.113.9:5000", map[string]string{"X-Forwarded-For": "198.51.100.1"}, "203.0.113.9"},
		{"an untrusted peer's header is ignored", xff, "203.0.113.9:5000", map[string]string{"X-Forwarded-For": "198.51.100.1"}, "203.0.113.9"},
		{"a trusted proxy's header", xff, "10.1.2.3:5000", map[string]string{"X-Forwarded-For": "198.51.100.1"}, "198.51.100.1"},
		{"what the client wrote before the proxy's entry is not believed", xff, "10.1.2.3:5000", map[string]string{"X-Forwarded-For": "1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"proxies in a chain are skipped", xff, "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"only trusted addresses: the peer", xff, "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "10.9.9.9"}, "127.0.0.1"},
		{"no header: the peer", xff, "10.1.2.3:5000", nil, "10.1.2.3"},
		{"garbage: the peer", xff, "10.1.2.3:5000", map[string]string{"X-Forwarded-For": "not an address"}, "10.1.2.3"},
		{"the other header is not read", xff, "10.1.2.3:5000", map[string]string{"Forwarded": "for=198.51.100.1"}, "10.1.2.3"},
		{"Forwarded (RFC 7239)", fwd, "10.0.0.1:5000", map[string]string{"Forwarded": `for="[2001:db8::1]:4711", for=198.51.100.1;proto=https`}, "198.51.100.1"},
		{"IPv6 peer", none, "[2001:db8::2]:443", nil, "2001:db8::2"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		for k, v := range c.headers {
			r.Header.Set(k, v)
		}
		if got := c.p.ClientIP(r); got != c.want {
			t.Errorf("%s: ClientIP = %q, want %q", c.name, got, c.want)
		}
	}
	for _, bad := range []struct{ list, header string }{{"10.0.0.0/33", "X-Forwarded-For"}, {"localhost", "X-Forwarded-For"}, {"10.0.0.1", "X-Real-IP"}} {
		if _, err := ParseProxies(bad.list, bad.header); err == nil || !strings.Contains(err.Error(), "want") {
			t.Errorf("ParseProxies(%q, %q) = %v; want an error saying what is wanted", bad.list, bad.header, err)
		}
	}
}
