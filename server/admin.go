package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

const adminUsage = `usage: server admin COMMAND [flags]

Commands:
  disable-2fa -email ADDRESS -note "how identity was verified"
      Turn off two-factor authentication for an account whose owner lost
      their authenticator and backup codes, after verifying their identity
      outside the system. The change is recorded in the account's security
      activity and the owner is told by mail.

  event -type TYPE [-email ADDRESS] [-fields JSON]
      Report an event as another DialNexa service would, raising its
      notification: wallet_low {"balance","threshold","currency"},
      auto_recharge {"amount","currency"}, campaign_completed
      {"campaignId","campaignName","calls"}, call_outcome
      {"agentId","agentName","failed"}, platform_status {"title","message"}
      (platform_status without -email goes to every account).

  backup -out FILE
      Save a consistent copy of the running server's bbolt store to FILE
      (checked before it replaces FILE). To restore, stop the server and
      put FILE in place of DATA/dialnexa.db. On PostgreSQL use pg_dump.

  copy-store -from DIR -to postgres://…
      Copy the bbolt store in DIR into an empty PostgreSQL database, to move
      a deployment. Stop the server first; start it again with -store.
      Signed-in clients sync on without signing in again.

Common flags:
  -server URL        the running server (default http://127.0.0.1:8080)
  -data DIR          the server's data directory, for its service token (default data)
`

// admin runs an operator command against a running server, authenticated
// with the service token in the data directory.
func admin(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		fmt.Print(adminUsage)
		return nil
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("admin "+cmd, flag.ContinueOnError)
	server := fs.String("server", envOr("DIALNEXA_SERVER", "http://127.0.0.1:8080"), "the running server")
	data := fs.String("data", envOr("DIALNEXA_DATA", "data"), "the server's data directory")
	email := fs.String("email", "", "the account's email address")
	note := fs.String("note", "", "how the owner's identity was verified")
	typ := fs.String("type", "", "event type")
	fields := fs.String("fields", "{}", "event fields as a JSON object")
	from := fs.String("from", "", "copy-store: the data directory of the bbolt store")
	out := fs.String("out", "", "backup: the file to write")
	to := fs.String("to", envOr("DIALNEXA_DATABASE_URL", ""), "copy-store: the PostgreSQL database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch cmd {
	case "backup":
		return backup(*server, *data, *out)
	case "copy-store":
		return copyStore(*from, *to)
	case "disable-2fa":
		if *email == "" || *note == "" {
			return errors.New("disable-2fa needs -email and -note")
		}
		return adminCall(*server, *data, "/internal/v1/support/disable-2fa", map[string]string{"email": *email, "note": *note})
	case "event":
		body := map[string]any{}
		if err := json.Unmarshal([]byte(*fields), &body); err != nil {
			return fmt.Errorf("-fields must be a JSON object: %w", err)
		}
		body["type"] = *typ
		if *email != "" {
			body["email"] = *email
		}
		return adminCall(*server, *data, "/internal/v1/events", body)
	}
	return fmt.Errorf("unknown admin command %q\n\n%s", cmd, adminUsage)
}

// adminToken is the service token: DIALNEXA_SERVICE_TOKEN, or the one in
// the data directory.
func adminToken(data string) (string, error) {
	if t := strings.TrimSpace(os.Getenv("DIALNEXA_SERVICE_TOKEN")); t != "" {
		return t, nil
	}
	b, err := os.ReadFile(filepath.Join(data, "service.token"))
	if err != nil {
		return "", fmt.Errorf("read the service token (is -data the server's data directory?): %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// answerError is the error a refused admin call reports: the server's
// message, or its status.
func answerError(resp *http.Response) error {
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var answer struct{ Error *struct{ Message string } }
	if json.Unmarshal(out, &answer) == nil && answer.Error != nil {
		return errors.New(answer.Error.Message)
	}
	return fmt.Errorf("server answered %s", resp.Status)
}

func adminCall(server, data, path string, body any) error {
	token, err := adminToken(data)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(server, "/")+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("reach the server at %s: %w", server, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var answer struct {
		Message string
		Error   *struct{ Message string }
	}
	json.Unmarshal(out, &answer)
	if resp.StatusCode >= 300 {
		if answer.Error != nil {
			return errors.New(answer.Error.Message)
		}
		return fmt.Errorf("server answered %s", resp.Status)
	}
	if answer.Message != "" {
		fmt.Println(answer.Message)
	} else {
		fmt.Println(strings.TrimSpace(string(out)))
	}
	return nil
}

// copyStore copies a bbolt store into an empty PostgreSQL database.
func copyStore(from, to string) error {
	if from == "" || to == "" {
		return errors.New("copy-store needs -from DIR (the bbolt store's data directory) and -to postgres://…")
	}
	if _, err := os.Stat(filepath.Join(from, "dialnexa.db")); err != nil {
		return fmt.Errorf("no bbolt store in %s (dialnexa.db): %w", from, err)
	}
	src, err := store.OpenBolt(from)
	if err != nil {
		return fmt.Errorf("%w (is a server still running on it? stop it first)", err)
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	dst, err := store.OpenPostgres(ctx, to)
	if err != nil {
		return err
	}
	defer dst.Close()
	counts, err := store.CopyToPostgres(ctx, src, dst)
	if err != nil {
		return err
	}
	fmt.Printf("copied %d accounts, %d sessions, %d workspaces, %d queued mails and everything stored with them to %s\n",
		counts["accounts"], counts["sessions"], counts["workspaces"], counts["outbox"], redact(to))
	return nil
}
