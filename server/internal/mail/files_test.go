package mail

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// The file transport writes one .eml per mail; its log line names the
// file, and gives the link (a credential) only in development mode.
func TestFilesWritesOneEMLPerMailAndLogsTheLinkOnlyInDevelopment(t *testing.T) {
	dir := t.TempDir()
	var log bytes.Buffer
	f := &Files{Dir: dir, From: "DialNexa <no-reply@dialnexa.test>", Log: slog.New(slog.NewTextHandler(&log, nil))}
	m := store.Mail{ID: 7, To: "ada@example.com", Subject: "Reset your DialNexa password", Text: "Open https://x.test/reset#token=abc\n", Link: "https://x.test/reset#token=abc", Created: time.Unix(1800000000, 0)}
	if err := f.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d .eml files, want 1", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not a mail message: %v", err)
	}
	if got := msg.Header.Get("To"); !strings.Contains(got, "ada@example.com") {
		t.Errorf("To = %q", got)
	}
	if msg.Header.Get("Subject") != m.Subject || msg.Header.Get("Message-Id") == "" || msg.Header.Get("Date") == "" {
		t.Errorf("headers: %v", msg.Header)
	}
	body, _ := io.ReadAll(msg.Body)
	if !strings.Contains(string(body), "reset#token=abc") && !strings.Contains(string(body), "reset#token=3Dabc") {
		t.Errorf("body lacks the link: %s", body)
	}
	if strings.Contains(log.String(), "token=abc") || !strings.Contains(log.String(), files[0]) {
		t.Errorf("log line outside development mode: %s; want the file and no token", log.String())
	}
	log.Reset()
	f.LogLinks = true
	m.ID = 8
	if err := f.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "https://x.test/reset#token=abc") {
		t.Errorf("log line in development mode lacks the link: %s", log.String())
	}
}

func TestHeaderInjectionIsRefused(t *testing.T) {
	f := &Files{Dir: t.TempDir(), From: "no-reply@dialnexa.test", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	err := f.Send(context.Background(), store.Mail{To: "ada@example.com\r\nBcc: evil@example.com", Subject: "x", Text: "y"})
	if err == nil {
		t.Fatal("a recipient with CR/LF was accepted")
	}
}
