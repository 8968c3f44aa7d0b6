package api

import (
	"net"
	"net/http"

	"github.com/oschwald/geoip2-golang"
)

// locate returns the approximate location of the request's client from the
// optional GeoIP database: "Berlin, Germany", or "Unknown".
func (s *Server) locate(r *http.Request) string {
	if s.geo == nil {
		return "Unknown"
	}
	ip := net.ParseIP(clientIP(r))
	if ip == nil || ip.IsLoopback() || ip.IsPrivate() {
		return "Unknown"
	}
	rec, err := s.geo.City(ip)
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

func openGeo(path string) (*geoip2.Reader, error) {
	if path == "" {
		return nil, nil
	}
	return geoip2.Open(path)
}
