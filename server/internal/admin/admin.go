package admin

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

	"github.com/dialnexa/account/server/internal/envflag"
	"github.com/dialnexa/account/server/internal/store"
)

// progName is the name the program was invoked by, for usage and errors.
func progName() string { return filepath.Base(os.Args[0]) }

const adminUsage = `Usage: %[1]s admin COMMAND [flags]   (%[1]s admin COMMAND -h: its flags)

Commands:
  disable-2fa -email ADDRESS -note "how identity was verified"
      Turn off two-factor authentication for an account whose owner lost
      their authenticator and backup codes, after verifying their identity
      outside the system (the note: at least 5 characters, such as a
      ticket number). The change is recorded in the account's security
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
      put FILE in place of DATA/dialnexa.db. The service token
      (DATA/service.token) is not in it. On PostgreSQL use pg_dump.

  copy-store -from DIR -to postgres://…
      Copy the bbolt store in DIR into an empty PostgreSQL database, to move
      a deployment. Stop the server first; start it again with -store.
      Signed-in clients sync on without signing in again.

  oidc-client add -id ID -name NAME -redirect-uri URI [-redirect-uri URI…]
      [-public] [-first-party] [-native] [-backchannel-logout-uri URI]
      [-post-logout-redirect-uri URI…]
      Register an application that signs users in through OpenID Connect
      (or update its registration). A confidential client (without
      -public) gets a secret, printed once. First-party applications skip
      the consent screen. See docs/OIDC.md.
  oidc-client list | remove -id ID | rotate-secret -id ID
      List the applications, remove one (it signs no one in and refreshes
      no token from then on), or give a confidential one a new secret (the
      old one stops working at once).

  rotate-keys [-immediately]
      Publish a new token-signing key now; it signs once every node and
      cache has it (10 minutes), and the old key stays published until
      what it signed has expired. -immediately (a key was exposed): the
      new key signs at once and the old ones are withdrawn, so tokens they
      signed stop verifying.

The commands that talk to the running server (all but copy-store) take
  -server URL   the running server [$DIALNEXA_SERVER] (default http://127.0.0.1:8080)
  -data DIR     the server's data directory, for its service token [$DIALNEXA_DATA] (default data)
and use DIALNEXA_SERVICE_TOKEN instead of DATA/service.token when it is set.
`

// adminCommand is one operator command: its flags and what it does.
type adminCommand struct {
	fs  *flag.FlagSet
	run func() error
}

// Run runs an operator command (args after "admin") against a running
// server, authenticated with the service token in the data directory.
func Run(args []string) error {
	usage := fmt.Sprintf(adminUsage, progName())
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("admin needs a command")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Print(usage)
		return nil
	}
	cmds := adminCommands()
	if args[0] == "oidc-client" && len(args) > 1 {
		args = append([]string{"oidc-client " + args[1]}, args[2:]...)
	}
	c, ok := cmds[args[0]]
	if !ok {
		return fmt.Errorf("unknown admin command %q\n\n%s", args[0], usage)
	}
	if err := c.fs.Parse(args[1:]); err != nil {
		return err
	}
	if c.fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags start with -; see %s -h)", c.fs.Arg(0), c.fs.Name())
	}
	return c.run()
}

// adminCommands are the operator commands, each with its own flags.
func adminCommands() map[string]adminCommand {
	newFS := func(cmd string) *flag.FlagSet {
		return flag.NewFlagSet(progName()+" admin "+cmd, flag.ContinueOnError)
	}
	remote := func(fs *flag.FlagSet) (server, data *string) {
		e := envflag.Set{FS: fs}
		server, data = new(string), new(string)
		e.String(server, "server", "DIALNEXA_SERVER", "http://127.0.0.1:8080", "the running server")
		e.String(data, "data", "DIALNEXA_DATA", "data", "the server's data directory, for its service token (DIALNEXA_SERVICE_TOKEN instead, when set)")
		return server, data
	}
	cmds := map[string]adminCommand{}

	fs := newFS("disable-2fa")
	server, data := remote(fs)
	email := fs.String("email", "", "the account's email address")
	note := fs.String("note", "", "how the owner's identity was verified: at least 5 characters (a ticket number, for example)")
	cmds["disable-2fa"] = adminCommand{fs, func() error {
		if *email == "" || *note == "" {
			return errors.New("disable-2fa needs -email and -note (how the owner's identity was verified: at least 5 characters, such as a ticket number)")
		}
		return adminCall(*server, *data, "/internal/v1/support/disable-2fa", map[string]string{"email": *email, "note": *note})
	}}

	fs = newFS("event")
	eServer, eData := remote(fs)
	typ := fs.String("type", "", "event type")
	eEmail := fs.String("email", "", "the account's email address (platform_status: none, for every account)")
	fields := fs.String("fields", "{}", "event fields as a JSON object")
	cmds["event"] = adminCommand{fs, func() error {
		body := map[string]any{}
		if err := json.Unmarshal([]byte(*fields), &body); err != nil {
			return fmt.Errorf("-fields must be a JSON object: %w", err)
		}
		body["type"] = *typ
		if *eEmail != "" {
			body["email"] = *eEmail
		}
		return adminCall(*eServer, *eData, "/internal/v1/events", body)
	}}

	fs = newFS("backup")
	bServer, bData := remote(fs)
	out := fs.String("out", "", "the file to write")
	cmds["backup"] = adminCommand{fs, func() error { return backup(*bServer, *bData, *out) }}

	fs = newFS("copy-store")
	from := fs.String("from", "", "the data directory of the bbolt store")
	to := new(string)
	(&envflag.Set{FS: fs}).String(to, "to", "DIALNEXA_DATABASE_URL", "", "the PostgreSQL database")
	cmds["copy-store"] = adminCommand{fs, func() error { return copyStore(*from, *to) }}
	oidcCommands(cmds, newFS, remote)
	return cmds
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
	out, err := adminRequest(server, data, http.MethodPost, path, body)
	if err != nil {
		return err
	}
	var answer struct{ Message string }
	json.Unmarshal(out, &answer)
	if answer.Message != "" {
		fmt.Println(answer.Message)
	} else {
		fmt.Println(strings.TrimSpace(string(out)))
	}
	return nil
}

// adminRequest sends an authenticated request to the running server and
// returns its answer, or the server's refusal as an error.
func adminRequest(server, data, method, path string, body any) ([]byte, error) {
	token, err := adminToken(data)
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, strings.TrimRight(server, "/")+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("reach the server at %s: %w", server, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		var answer struct{ Error *struct{ Message string } }
		if json.Unmarshal(out, &answer) == nil && answer.Error != nil {
			return nil, errors.New(answer.Error.Message)
		}
		return nil, fmt.Errorf("server answered %s", resp.Status)
	}
	return out, nil
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
		counts["accounts"], counts["sessions"], counts["workspaces"], counts["outbox"], store.Redact(to))
	return nil
}
