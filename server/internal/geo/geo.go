// Package geo finds a client's approximate location in an optional
// MaxMind GeoLite2/GeoIP2 City database.
package geo

import (
	"net"

	"github.com/oschwald/geoip2-golang"
)

// Locator looks addresses up; a nil *Locator (no database) knows none.
type Locator struct {
	db *geoip2.Reader
}

// Open opens the database at path; an empty path gives a nil Locator.
func Open(path string) (*Locator, error) {
	if path == "" {
		return nil, nil
	}
	db, err := geoip2.Open(path)
	if err != nil {
		return nil, err
	}
	return &Locator{db: db}, nil
}

// Locate returns "Berlin, Germany", "Germany", or "Unknown" (no database,
// a private or loopback address, or one the database does not know).
func (l *Locator) Locate(addr string) string {
	if l == nil {
		return "Unknown"
	}
	ip := net.ParseIP(addr)
	if ip == nil || ip.IsLoopback() || ip.IsPrivate() {
		return "Unknown"
	}
	rec, err := l.db.City(ip)
	if err != nil {
		return "Unknown"
	}
	city, country := rec.City.Names["en"], rec.Country.Names["en"]
	switch {
	case city != "" && country != "":
		return city + ", " + country
	case country != "":
		return country
	}
	return "Unknown"
}

// Close closes the database.
func (l *Locator) Close() error {
	if l == nil {
		return nil
	}
	return l.db.Close()
}
