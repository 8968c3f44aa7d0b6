package mail

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"github.com/dialnexa/account/assets"
)

var templates = template.Must(template.New("mail").ParseFS(assets.Mail, "mail/*.tmpl"))

// Render fills the mail template kind (assets/mail/KIND.tmpl: a "Subject:"
// line, a blank line, the text) with data and returns the subject and the
// text.
func Render(kind string, data map[string]any) (subject, text string, err error) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, kind+".tmpl", data); err != nil {
		return "", "", fmt.Errorf("render mail %s: %w", kind, err)
	}
	head, body, ok := strings.Cut(buf.String(), "\n\n")
	subject, found := strings.CutPrefix(head, "Subject: ")
	if !ok || !found {
		return "", "", fmt.Errorf("mail template %s: no subject line", kind)
	}
	return strings.TrimSpace(subject), body, nil
}
