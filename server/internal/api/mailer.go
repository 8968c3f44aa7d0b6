package api

import (
	"time"

	"github.com/dialnexa/account/server/internal/mail"
	"github.com/dialnexa/account/server/internal/store"
)

// queueMail renders the mail template kind with data and adds it to the
// outbox inside tx, so it is sent if and only if the change commits; the
// worker is woken once it has.
func (s *Server) queueMail(tx txn, to, kind string, data map[string]any) error {
	subject, text, err := mail.Render(kind, data)
	if err != nil {
		return err
	}
	tx.wakeMail()
	link, _ := data["Link"].(string)
	now := s.now()
	return tx.Enqueue(store.Mail{To: to, Subject: subject, Text: text, Link: link, Created: now, Next: now})
}

func (s *Server) wakeMail() {
	if s.mail != nil {
		s.mail.Wake()
	}
}

// when formats a time for a mail.
func when(t time.Time) string { return t.UTC().Format("2 Jan 2006 at 15:04 UTC") }
