// Package mail delivers the server's outbox: mails are written to the store
// in the same transaction as the change that causes them, and a Worker
// sends them through a Transport (SMTP in production, a directory of .eml
// files by default), retrying with backoff until they are delivered.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/dialnexa/account/server/internal/store"
)

// Transport sends one message. It must be safe for concurrent use.
type Transport interface {
	Send(ctx context.Context, m store.Mail) error
}

// build turns an outbox mail into a MIME message from the given sender.
func build(from string, m store.Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("sender %q: %w", from, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return msg, nil
}

// Files writes each mail as an .eml file into Dir and logs a line saying
// where: the embedded default, for running without a mail server.
type Files struct {
	Dir  string
	From string
	Log  *slog.Logger
	// LogLinks adds the mail's link to the line (development mode only:
	// a reset link is a credential).
	LogLinks bool
}

// Send implements Transport.
func (f *Files) Send(ctx context.Context, m store.Mail) error {
	msg, err := build(f.From, m)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return err
	}
	if err := os.MkdirAll(f.Dir, 0o700); err != nil {
		return err
	}
	name := filepath.Join(f.Dir, fmt.Sprintf("%s-%06d.eml", m.Created.UTC().Format("20060102T150405"), m.ID))
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		return err
	}
	if f.LogLinks {
		f.Log.Info("mail written", "to", m.To, "subject", m.Subject, "file", name, "link", m.Link)
	} else {
		f.Log.Info("mail written", "to", m.To, "subject", m.Subject, "file", name)
	}
	return nil
}

// Security is how the connection to the SMTP server is protected.
type Security int

const (
	// StartTLS requires STARTTLS (submission, port 587).
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte (port 465).
	ImplicitTLS
	// Plain uses no TLS: only for a relay on loopback.
	Plain
)

// ParseSecurity reads "starttls", "tls" (implicit) or "none"; empty
// chooses by port: implicit TLS on 465, STARTTLS elsewhere.
func ParseSecurity(s string, port int) (Security, error) {
	switch s {
	case "":
		if port == 465 {
			return ImplicitTLS, nil
		}
		return StartTLS, nil
	case "starttls":
		return StartTLS, nil
	case "tls":
		return ImplicitTLS, nil
	case "none":
		return Plain, nil
	}
	return 0, fmt.Errorf("-smtp-security %q: want starttls (port 587), tls (implicit TLS, port 465) or none (a relay on loopback)", s)
}

// SMTP sends through an SMTP server.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	Security Security
	// TLS, when set, configures the TLS connection (its roots, say);
	// by default the system's roots verify the server as Host.
	TLS  *tls.Config
	From string
}

// Send implements Transport.
func (s *SMTP) Send(ctx context.Context, m store.Mail) error {
	msg, err := build(s.From, m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(30 * time.Second)}
	switch s.Security {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case Plain:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.TLS != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLS))
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// Route delivers each outbox message by what it is: a mail through Mail
// (nil: none is configured, the mail waits and is retried), a
// back-channel logout through Logout.
type Route struct {
	Mail   Transport
	Logout func(ctx context.Context, l store.AppLogout) error
}

// Send sends m the way its kind goes.
func (r Route) Send(ctx context.Context, m store.Mail) error {
	switch {
	case m.Logout != nil && r.Logout != nil:
		return r.Logout(ctx, *m.Logout)
	case m.Logout != nil:
		return nil // no provider: nobody to tell
	case r.Mail == nil:
		return errors.New("no mail transport is configured")
	}
	return r.Mail.Send(ctx, m)
}
