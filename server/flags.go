package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dialnexa/account/server/internal/httpapi"
	"github.com/dialnexa/account/server/internal/mail"
)

// config is the server's command line, with defaults from DIALNEXA_*
// environment variables.
type config struct {
	addr, adminAddr, data, dbURL, panel string
	origin, dashboard                   string
	tlsCert, tlsKey                     string
	proxies, proxyHeader                string
	smtpAddr, smtpUser, smtpSecurity    string
	smtpInsecure                        bool
	from, geo                           string
	logFormat, logLevel                 string
	dev, version                        bool
	msgRate                             float64
	msgBurst                            int
}

func parseFlags(args []string) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", envOr("DIALNEXA_ADDR", "127.0.0.1:8080"), "listen address")
	fs.StringVar(&c.adminAddr, "admin-addr", os.Getenv("DIALNEXA_ADMIN_ADDR"), "listen address for operators: /metrics (Prometheus), /debug/pprof/, /readyz, /version; keep it off the public network (default: none)")
	fs.StringVar(&c.data, "data", envOr("DIALNEXA_DATA", "data"), "data directory (holds the bbolt store unless -store is set, mail files and the service token)")
	fs.StringVar(&c.dbURL, "store", os.Getenv("DIALNEXA_DATABASE_URL"), "PostgreSQL database (postgres://user:password@host:5432/db) instead of the bbolt store in -data")
	fs.StringVar(&c.panel, "panel", os.Getenv("DIALNEXA_PANEL"), "directory of a built browser panel to serve (default: the one built into this binary, else build/panel)")
	fs.StringVar(&c.origin, "public-origin", os.Getenv("DIALNEXA_PUBLIC_ORIGIN"), "where users reach the server, such as https://account.example.com: links in mails, origin checks, and (https) the __Host- cookie and HSTS (default http://ADDR, or https://ADDR with -tls-cert)")
	fs.StringVar(&c.dashboard, "dashboard-origin", os.Getenv("DIALNEXA_DASHBOARD_ORIGIN"), "the DialNexa dashboard that notification mails link to (default https://app.dialnexa.com)")
	fs.StringVar(&c.tlsCert, "tls-cert", os.Getenv("DIALNEXA_TLS_CERT"), "PEM certificate chain: serve HTTPS (and HTTP/2) directly; reread when the file changes")
	fs.StringVar(&c.tlsKey, "tls-key", os.Getenv("DIALNEXA_TLS_KEY"), "PEM private key of -tls-cert")
	fs.StringVar(&c.proxies, "trusted-proxies", os.Getenv("DIALNEXA_TRUSTED_PROXIES"), "reverse proxies (addresses or CIDR ranges, comma-separated) whose -proxy-header gives the client's address")
	fs.StringVar(&c.proxyHeader, "proxy-header", envOr("DIALNEXA_PROXY_HEADER", "X-Forwarded-For"), "the header the trusted proxies set: X-Forwarded-For or Forwarded")
	fs.StringVar(&c.smtpAddr, "smtp", os.Getenv("DIALNEXA_SMTP"), "SMTP server host:port for mail (default: write .eml files under DATA/mail)")
	fs.StringVar(&c.smtpUser, "smtp-user", os.Getenv("DIALNEXA_SMTP_USER"), "SMTP user name (the password is read from DIALNEXA_SMTP_PASSWORD)")
	fs.StringVar(&c.smtpSecurity, "smtp-security", os.Getenv("DIALNEXA_SMTP_SECURITY"), "starttls, tls (implicit TLS) or none (default: tls on port 465, starttls elsewhere)")
	fs.BoolVar(&c.smtpInsecure, "smtp-insecure", false, "same as -smtp-security none: an SMTP relay on loopback without TLS")
	fs.StringVar(&c.from, "mail-from", envOr("DIALNEXA_MAIL_FROM", "DialNexa <no-reply@dialnexa.com>"), "sender of the mails")
	fs.StringVar(&c.geo, "geoip", os.Getenv("DIALNEXA_GEOIP"), "optional MaxMind GeoLite2/GeoIP2 City database for session locations")
	fs.StringVar(&c.logFormat, "log-format", envOr("DIALNEXA_LOG_FORMAT", "text"), "log format: text or json")
	fs.StringVar(&c.logLevel, "log-level", envOr("DIALNEXA_LOG_LEVEL", "info"), "least important log level written: debug, info, warn or error")
	fs.BoolVar(&c.dev, "dev", false, "development mode: the mail files' log lines carry their links (reset links are credentials: never in production)")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	fs.Float64Var(&c.msgRate, "message-rate", 20, "messages a second one sync socket may send (bursts of -message-burst); the rest are dropped and the client told when to retry")
	fs.IntVar(&c.msgBurst, "message-burst", 40, "burst of messages one sync socket may send")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags start with -; see -h)", fs.Arg(0))
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return nil, fmt.Errorf("-tls-cert and -tls-key go together: give both, or neither")
	}
	if c.smtpInsecure {
		c.smtpSecurity = "none"
	}
	if c.origin == "" {
		scheme := "http://"
		if c.tlsCert != "" {
			scheme = "https://"
		}
		c.origin = scheme + c.addr
	}
	// A trailing slash is no part of an origin.
	c.origin, c.dashboard = strings.TrimSuffix(c.origin, "/"), strings.TrimSuffix(c.dashboard, "/")
	for _, o := range []struct{ flag, value string }{{"-public-origin", c.origin}, {"-dashboard-origin", c.dashboard}} {
		if err := checkOrigin(o.flag, o.value); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkOrigin refuses an origin that links and origin checks cannot use:
// it must be http(s)://host[:port], with no path ("" is the default).
func checkOrigin(flag, origin string) error {
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("%s %q: want https://host or https://host:port, such as https://account.example.com", flag, origin)
	}
	return nil
}

// logger builds the server's logger from -log-format and -log-level.
func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("-log-level %q: want debug, info, warn or error", c.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json", c.logFormat)
}

// trusted reads -trusted-proxies and -proxy-header.
func (c *config) trusted() (httpapi.Proxies, error) {
	return httpapi.ParseProxies(c.proxies, c.proxyHeader)
}

// mailer is the mail transport: SMTP when -smtp is given, files otherwise.
func (c *config) mailer(log *slog.Logger) (mail.Transport, error) {
	if c.smtpAddr == "" {
		return &mail.Files{Dir: filepath.Join(c.data, "mail"), From: c.from, Log: log, LogLinks: c.dev}, nil
	}
	host, port, err := net.SplitHostPort(c.smtpAddr)
	if err != nil {
		return nil, fmt.Errorf("-smtp %q: want host:port", c.smtpAddr)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("-smtp %q: bad port", c.smtpAddr)
	}
	sec, err := mail.ParseSecurity(strings.ToLower(c.smtpSecurity), p)
	if err != nil {
		return nil, err
	}
	return &mail.SMTP{Host: host, Port: p, Username: c.smtpUser, Password: os.Getenv("DIALNEXA_SMTP_PASSWORD"), Security: sec, From: c.from}, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
