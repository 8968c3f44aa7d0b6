package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/dialnexa/account/server/internal/store"
)

// received is what the test SMTP server got.
type received struct{ to, data string }

type session struct {
	got chan<- received
	to  string
}

func (s *session) Reset()                                    {}
func (s *session) Logout() error                             { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.got <- received{s.to, string(b)}
	return err
}

// tlsPair returns a certificate for 127.0.0.1 and a client config that
// trusts only it (httptest's, made for loopback).
func tlsPair(t *testing.T) (*tls.Config, *tls.Config) {
	ts := httptest.NewTLSServer(nil)
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return ts.TLS.Clone(), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

// A server on implicit TLS (port 465's way) receives the mail over TLS
// from the first byte; the same server refuses a client that expects
// STARTTLS, with an error rather than a plain-text send.
func TestSMTPImplicitTLS(t *testing.T) {
	srvTLS, cliTLS := tlsPair(t)
	got := make(chan received, 1)
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{got: got}, nil }))
	s.Domain, s.ReadTimeout, s.WriteTimeout = "localhost", 10*time.Second, 10*time.Second
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srvTLS)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	p := ln.Addr().(*net.TCPAddr).Port
	sec, err := ParseSecurity("tls", p)
	if err != nil || sec != ImplicitTLS {
		t.Fatalf("ParseSecurity(tls) = %v, %v", sec, err)
	}
	if sec, _ := ParseSecurity("", 465); sec != ImplicitTLS {
		t.Fatalf("port 465 chooses %v, want implicit TLS", sec)
	}
	if _, err := ParseSecurity("ssl-please", 25); err == nil || !strings.Contains(err.Error(), "starttls") {
		t.Fatalf("an unknown mode: %v; want an error naming the choices", err)
	}
	m := store.Mail{ID: 1, To: "ada@example.com", Subject: "Hello", Text: "over TLS\n", Created: time.Now()}
	tr := &SMTP{Host: "127.0.0.1", Port: p, Security: ImplicitTLS, TLS: cliTLS, From: "DialNexa <no-reply@dialnexa.test>"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tr.Send(ctx, m); err != nil {
		t.Fatalf("send over implicit TLS: %v", err)
	}
	if r := <-got; r.to != "ada@example.com" || !strings.Contains(r.data, "over TLS") {
		t.Fatalf("received %+v", r)
	}
	starttls := &SMTP{Host: "127.0.0.1", Port: p, Security: StartTLS, TLS: cliTLS, From: tr.From}
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if err := starttls.Send(sctx, m); err == nil {
		t.Fatal("a STARTTLS client sent to an implicit-TLS server")
	}
}
