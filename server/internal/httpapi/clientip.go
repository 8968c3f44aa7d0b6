package httpapi

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/realclientip/realclientip-go"
)

// Proxies says which peers are reverse proxies whose forwarding header is
// believed. The zero value trusts none: the client is the TCP peer.
type Proxies struct {
	ranges []net.IPNet
	header string
	strat  realclientip.Strategy
}

// ParseProxies reads -trusted-proxies (addresses and CIDR ranges,
// separated by commas) and the header those proxies set: X-Forwarded-For
// (nginx's $proxy_add_x_forwarded_for, Caddy) or Forwarded (RFC 7239).
// Only the named header is read: a client can send the other through a
// proxy that does not overwrite it.
func ParseProxies(list, header string) (Proxies, error) {
	var items []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			items = append(items, s)
		}
	}
	if len(items) == 0 {
		return Proxies{}, nil
	}
	ranges, err := realclientip.AddressesAndRangesToIPNets(items...)
	if err != nil {
		return Proxies{}, fmt.Errorf("-trusted-proxies %q: want addresses or CIDR ranges separated by commas, such as 127.0.0.1,10.0.0.0/8 (%v)", list, err)
	}
	strat, err := realclientip.NewRightmostTrustedRangeStrategy(header, ranges)
	if err != nil {
		return Proxies{}, fmt.Errorf("-proxy-header %q: want X-Forwarded-For or Forwarded", header)
	}
	return Proxies{ranges: ranges, header: http.CanonicalHeaderKey(header), strat: strat}, nil
}

// Trusts reports whether the TCP peer of r is a trusted proxy.
func (p Proxies) Trusts(r *http.Request) bool {
	if p.strat == nil {
		return false
	}
	ip := net.ParseIP(peerIP(r))
	if ip == nil {
		return false
	}
	for _, n := range p.ranges {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// ClientIP is the address of the client that sent r: the rightmost
// address in the proxies' header that is not itself a trusted proxy when
// r comes from one, the TCP peer otherwise (or when the header names no
// such address).
func (p Proxies) ClientIP(r *http.Request) string {
	ip, _ := p.client(r)
	return ip
}

// client is ClientIP, and whether r came through a trusted proxy.
func (p Proxies) client(r *http.Request) (string, bool) {
	if !p.Trusts(r) {
		return peerIP(r), false
	}
	if ip := p.strat.ClientIP(r.Header, r.RemoteAddr); ip != "" {
		return ip, true
	}
	return peerIP(r), true
}

// peerIP is the address of r's TCP peer, without the port.
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
