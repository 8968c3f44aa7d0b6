package api

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/dialnexa/account/assets"
	"github.com/dialnexa/account/server/internal/store"
)

var mailTemplates = template.Must(template.ParseFS(assets.Mail, "mail/*.tmpl"))

// queueMail renders the mail template kind with data and adds it to the
// outbox inside tx, so it is sent if and only if the change commits. Call
// s.wakeMail after the commit.
func (s *Server) queueMail(tx txn, to, kind string, data map[string]any) error {
	tx.wakeMail()
	var buf bytes.Buffer
	if err := mailTemplates.ExecuteTemplate(&buf, kind+".tmpl", data); err != nil {
		return fmt.Errorf("render mail %s: %w", kind, err)
	}
	head, body, ok := strings.Cut(buf.String(), "\n\n")
	subject, found := strings.CutPrefix(head, "Subject: ")
	if !ok || !found {
		return fmt.Errorf("mail template %s: no subject line", kind)
	}
	link, _ := data["Link"].(string)
	now := s.now()
	return tx.Enqueue(store.Mail{To: to, Subject: strings.TrimSpace(subject), Text: body, Link: link, Created: now, Next: now})
}

func (s *Server) wakeMail() {
	if s.mail != nil {
		s.mail.Wake()
	}
}

// when formats a time for a mail.
func when(t time.Time) string { return t.UTC().Format("2 Jan 2006 at 15:04 UTC") }
