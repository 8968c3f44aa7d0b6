package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/semver"

	"github.com/dialnexa/account/server/internal/envflag"
	"github.com/dialnexa/account/server/internal/httpapi"
	"github.com/dialnexa/account/server/internal/mail"
	"github.com/dialnexa/account/sync/wire"
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
	// release and download announce the desktop app's current release.
	release, download string
	// flight keeps an execution trace of the last seconds in memory.
	flight bool
}

func parseFlags(args []string) (*config, error) {
	c := &config{}
	fs, err := serverFlags(c)
	if err != nil {
		return nil, err
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return c.parsed(fs)
}

// serverFlags is the server's command line, its defaults from DIALNEXA_*
// variables; an error when one of them does not parse.
func serverFlags(c *config) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet(progName(), flag.ContinueOnError)
	e := envflag.Set{FS: fs}
	e.String(&c.addr, "addr", "DIALNEXA_ADDR", "127.0.0.1:8080", "listen address")
	e.String(&c.adminAddr, "admin-addr", "DIALNEXA_ADMIN_ADDR", "", "listen address for operators: /metrics (Prometheus), /debug/pprof/, /healthz, /readyz, /version; keep it off the public network (default: none)")
	e.String(&c.data, "data", "DIALNEXA_DATA", "data", "data directory (holds the bbolt store unless -store is set, mail files and the service token)")
	e.String(&c.dbURL, "store", "DIALNEXA_DATABASE_URL", "", "PostgreSQL database (postgres://user:password@host:5432/db) instead of the bbolt store in -data")
	e.String(&c.panel, "panel", "DIALNEXA_PANEL", "", "directory of a built browser panel to serve (default: the one built into this binary, else build/panel)")
	e.String(&c.origin, "public-origin", "DIALNEXA_PUBLIC_ORIGIN", "", "where users reach the server, such as https://account.example.com: links in mails, origin checks, passkeys, and (https) the __Host- cookie and HSTS (default: http://localhost:PORT on a loopback -addr, https://ADDR with -tls-cert, else http://ADDR; required with -trusted-proxies)")
	e.String(&c.dashboard, "dashboard-origin", "DIALNEXA_DASHBOARD_ORIGIN", "", "the DialNexa dashboard that notification mails link to (default https://app.dialnexa.com)")
	e.String(&c.tlsCert, "tls-cert", "DIALNEXA_TLS_CERT", "", "PEM certificate chain: serve HTTPS (and HTTP/2) directly; reread when the file changes")
	e.String(&c.tlsKey, "tls-key", "DIALNEXA_TLS_KEY", "", "PEM private key of -tls-cert")
	e.String(&c.proxies, "trusted-proxies", "DIALNEXA_TRUSTED_PROXIES", "", "reverse proxies (addresses or CIDR ranges, comma-separated) whose -proxy-header gives the client's address")
	e.String(&c.proxyHeader, "proxy-header", "DIALNEXA_PROXY_HEADER", "X-Forwarded-For", "the header the trusted proxies set: X-Forwarded-For or Forwarded")
	e.String(&c.smtpAddr, "smtp", "DIALNEXA_SMTP", "", "SMTP server host:port for mail (default: write .eml files under DATA/mail); the password is read from DIALNEXA_SMTP_PASSWORD")
	e.String(&c.smtpUser, "smtp-user", "DIALNEXA_SMTP_USER", "", "SMTP user name")
	e.String(&c.smtpSecurity, "smtp-security", "DIALNEXA_SMTP_SECURITY", "", "starttls, tls (implicit TLS) or none (default: tls on port 465, starttls elsewhere)")
	e.Bool(&c.smtpInsecure, "smtp-insecure", "DIALNEXA_SMTP_INSECURE", "same as -smtp-security none: an SMTP relay on loopback without TLS")
	e.String(&c.from, "mail-from", "DIALNEXA_MAIL_FROM", "DialNexa <no-reply@dialnexa.com>", "sender of the mails")
	e.String(&c.geo, "geoip", "DIALNEXA_GEOIP", "", "optional MaxMind GeoLite2/GeoIP2 City database for session locations")
	e.String(&c.logFormat, "log-format", "DIALNEXA_LOG_FORMAT", "text", "log format: text or json (durations in milliseconds, as KEY_ms)")
	e.String(&c.logLevel, "log-level", "DIALNEXA_LOG_LEVEL", "info", "least important log level written: debug, info, warn or error")
	e.Bool(&c.dev, "dev", "DIALNEXA_DEV", "development mode: the mail files' log lines carry their links (reset links are credentials: never in production)")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	e.Float(&c.msgRate, "message-rate", "DIALNEXA_MESSAGE_RATE", 20, "messages a second one sync socket may send (bursts of -message-burst); the rest are dropped and the client told when to retry")
	e.Int(&c.msgBurst, "message-burst", "DIALNEXA_MESSAGE_BURST", 40, "burst of messages one sync socket may send")
	e.String(&c.release, "desktop-release", "DIALNEXA_DESKTOP_RELEASE", "", "the desktop app's current release (such as 1.4.2), announced to every app that connects: an older one says it is available (with -desktop-download)")
	e.String(&c.download, "desktop-download", "DIALNEXA_DESKTOP_DOWNLOAD", "", "https address where -desktop-release is downloaded")
	e.Bool(&c.flight, "flight-recorder", "DIALNEXA_FLIGHT_RECORDER", "keep an execution trace of the last 10 seconds in memory, served on -admin-addr at /debug/flightrecorder (for the tails of latencies; costs a few percent of CPU)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s [flags]\n       %s admin COMMAND [flags]   (operator commands: %s admin -h)\n\nFlags, each also read from the environment variable in brackets:\n", fs.Name(), fs.Name(), fs.Name())
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `
Environment only:
  DIALNEXA_SMTP_PASSWORD   the SMTP password of -smtp-user
  DIALNEXA_SERVICE_TOKEN   the token other services and admin commands use on /internal/
                           (default: the one in DATA/service.token, created on first start)
  GOGC                     the garbage collector's target (default 50)
`)
	}
	return fs, e.Err
}

// parsed checks and completes the configuration after parsing.
func (c *config) parsed(fs *flag.FlagSet) (*config, error) {
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
		if c.proxies != "" {
			return nil, errors.New("-trusted-proxies is set, so users reach the server through a proxy, but not where: set -public-origin (DIALNEXA_PUBLIC_ORIGIN) to the address they use, such as https://account.example.com (links in mails and origin checks are built from it)")
		}
		c.origin = defaultOrigin(c.addr, c.tlsCert != "")
	}
	if c.flight && c.adminAddr == "" {
		return nil, errors.New("-flight-recorder serves its trace on the operators' listener: set -admin-addr too")
	}
	if (c.release == "") != (c.download == "") {
		return nil, errors.New("-desktop-release and -desktop-download go together: the version and the https address to download it from")
	}
	if c.release != "" {
		if !semver.IsValid("v" + strings.TrimPrefix(c.release, "v")) {
			return nil, fmt.Errorf("-desktop-release %q is not a release version; give one such as 1.4.2", c.release)
		}
		if u, err := url.Parse(c.download); err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("-desktop-download %q must be an https address, such as https://dialnexa.com/download", c.download)
		}
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

// defaultOrigin is the public origin when none is given: the listen
// address, named localhost when it is a loopback one (browsers treat
// localhost as secure, so passkeys work there; they never do at an IP
// address).
func defaultOrigin(addr string, tls bool) string {
	if tls {
		return "https://" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err == nil {
		if ip, perr := netip.ParseAddr(host); (perr == nil && ip.IsLoopback()) || host == "localhost" {
			return "http://localhost:" + port
		}
	}
	return "http://" + addr
}

// progName is the name the program was invoked by, for its usage and
// errors.
func progName() string { return filepath.Base(os.Args[0]) }

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
		opts.ReplaceAttr = durationsInMilliseconds
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json", c.logFormat)
}

// durationsInMilliseconds writes a duration in a JSON log as KEY_ms, a
// number of milliseconds ("took_ms": 12.5), instead of a bare number of
// nanoseconds whose unit a reader cannot see.
func durationsInMilliseconds(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.Float64(a.Key+"_ms", float64(a.Value.Duration())/float64(time.Millisecond))
	}
	return a
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

// desktopRelease is the desktop release the server announces (nil: none).
func (c *config) desktopRelease() *wire.Release {
	if c.release == "" {
		return nil
	}
	return &wire.Release{Version: strings.TrimPrefix(c.release, "v"), URL: c.download}
}
