package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// message is one mail received by the test SMTP server.
type message struct {
	From, To string
	Subject  string
	Body     string
	Raw      string
}

// inbox is a real SMTP server on a loopback port that keeps what it
// receives.
type inbox struct {
	mu   sync.Mutex
	msgs []message
	addr string
	srv  *smtp.Server
}

func startInbox(t testing.TB) *inbox {
	t.Helper()
	in := &inbox{addr: "127.0.0.1:0"}
	in.start(t)
	t.Cleanup(func() { in.srv.Close() })
	return in
}

// start (re)starts the SMTP server on the inbox's address.
func (in *inbox) start(t testing.TB) {
	t.Helper()
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &smtpSession{in: in}, nil }))
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", in.addr)
	if err != nil {
		t.Fatal(err)
	}
	in.addr, in.srv = ln.Addr().String(), s
	go s.Serve(ln)
}

type smtpSession struct {
	in       *inbox
	from, to string
}

func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(m.Body)
	dec := new(mimeDecoder)
	subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	secrets.addMail(string(raw))
	s.in.mu.Lock()
	s.in.msgs = append(s.in.msgs, message{From: s.from, To: s.to, Subject: subject, Body: decodeQP(m.Header.Get("Content-Transfer-Encoding"), body), Raw: string(raw)})
	s.in.mu.Unlock()
	return nil
}

// all returns the messages received so far.
func (in *inbox) all() []message {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]message(nil), in.msgs...)
}

// waitFor returns the first message to the address whose subject contains
// sub, waiting for it to arrive.
func (in *inbox) waitFor(t testing.TB, to, sub string) message { return in.waitForNth(t, to, sub, 1) }

// waitForNth returns the n-th message (from 1) to the address whose subject
// contains sub, waiting for it to arrive.
func (in *inbox) waitForNth(t testing.TB, to, sub string, n int) message {
	t.Helper()
	var found message
	waitFor(t, fmt.Sprintf("mail %d to %s about %s", n, to, sub), func() bool {
		k := 0
		for _, m := range in.all() {
			if strings.EqualFold(m.To, to) && strings.Contains(m.Subject, sub) {
				if k++; k == n {
					found = m
					return true
				}
			}
		}
		return false
	})
	return found
}

// count returns how many messages went to the address with sub in the subject.
func (in *inbox) count(to, sub string) int {
	n := 0
	for _, m := range in.all() {
		if strings.EqualFold(m.To, to) && strings.Contains(m.Subject, sub) {
			n++
		}
	}
	return n
}

var linkRE = regexp.MustCompile(`https?://[^\s]+`)

// link returns the first link in a message body.
func (m message) link(t testing.TB) string {
	t.Helper()
	l := linkRE.FindString(m.Body)
	if l == "" {
		t.Fatalf("no link in mail %q:\n%s", m.Subject, m.Body)
	}
	return l
}
