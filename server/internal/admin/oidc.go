package admin

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// oidcCommands adds the commands for OpenID Connect applications and keys.
func oidcCommands(cmds map[string]adminCommand, newFS func(string) *flag.FlagSet, remote func(*flag.FlagSet) (*string, *string)) {
	fs := newFS("oidc-client add")
	server, data := remote(fs)
	id := fs.String("id", "", "the client id (3 to 64 letters, digits, '-', '_' or '.')")
	name := fs.String("name", "", "the name users see on the consent screen and in Active Sessions")
	var redirects, logouts listFlag
	fs.Var(&redirects, "redirect-uri", "an exact redirect URI (repeat for several)")
	fs.Var(&logouts, "post-logout-redirect-uri", "where RP-initiated logout may end (repeat for several)")
	public := fs.Bool("public", false, "a public client (native or browser app): no secret, PKCE only")
	first := fs.Bool("first-party", false, "one of DialNexa's own applications: no consent screen")
	native := fs.Bool("native", false, "a native app: its loopback redirect URI may use any port (RFC 8252)")
	backchannel := fs.String("backchannel-logout-uri", "", "where logout tokens are posted when a session ends")
	cmds["oidc-client add"] = adminCommand{fs, func() error {
		if *id == "" || *name == "" || len(redirects) == 0 {
			return errors.New("oidc-client add needs -id, -name and at least one -redirect-uri")
		}
		body := map[string]any{"id": *id, "name": *name, "redirectUris": []string(redirects), "postLogoutRedirectUris": []string(logouts),
			"public": *public, "firstParty": *first, "native": *native, "backchannelLogoutUri": *backchannel}
		out, err := adminRequest(*server, *data, http.MethodPost, "/internal/v1/oidc/apps", body)
		if err != nil {
			return err
		}
		var app struct{ ID, Secret string }
		if err := json.Unmarshal(out, &app); err != nil {
			return err
		}
		fmt.Printf("registered %s\n", app.ID)
		if app.Secret != "" {
			fmt.Printf("client secret (shown once; keep it in the application's secret store):\n%s\n", app.Secret)
		}
		return nil
	}}

	fs = newFS("oidc-client list")
	lServer, lData := remote(fs)
	cmds["oidc-client list"] = adminCommand{fs, func() error {
		out, err := adminRequest(*lServer, *lData, http.MethodGet, "/internal/v1/oidc/apps", nil)
		if err != nil {
			return err
		}
		var list struct {
			Apps []struct {
				ID, Name, BackchannelLogoutURI string
				RedirectURIs                   []string
				Public, FirstParty, Native     bool
			}
		}
		if err := json.Unmarshal(out, &list); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tKIND\tREDIRECT URIS\tBACK-CHANNEL LOGOUT")
		for _, a := range list.Apps {
			kind := "confidential"
			if a.Public {
				kind = "public"
			}
			if a.Native {
				kind += ", native"
			}
			if a.FirstParty {
				kind += ", first-party"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.ID, a.Name, kind, strings.Join(a.RedirectURIs, " "), a.BackchannelLogoutURI)
		}
		return tw.Flush()
	}}

	fs = newFS("oidc-client remove")
	rServer, rData := remote(fs)
	rID := fs.String("id", "", "the client id")
	cmds["oidc-client remove"] = adminCommand{fs, func() error {
		if *rID == "" {
			return errors.New("oidc-client remove needs -id")
		}
		if _, err := adminRequest(*rServer, *rData, http.MethodDelete, "/internal/v1/oidc/apps/"+url.PathEscape(*rID), nil); err != nil {
			return err
		}
		fmt.Printf("removed %s\n", *rID)
		return nil
	}}

	fs = newFS("oidc-client rotate-secret")
	sServer, sData := remote(fs)
	sID := fs.String("id", "", "the client id")
	cmds["oidc-client rotate-secret"] = adminCommand{fs, func() error {
		if *sID == "" {
			return errors.New("oidc-client rotate-secret needs -id")
		}
		out, err := adminRequest(*sServer, *sData, http.MethodPost, "/internal/v1/oidc/apps/"+url.PathEscape(*sID)+"/secret", map[string]any{})
		if err != nil {
			return err
		}
		var ans struct{ Secret string }
		if err := json.Unmarshal(out, &ans); err != nil {
			return err
		}
		fmt.Printf("new client secret for %s (shown once; the old one no longer works):\n%s\n", *sID, ans.Secret)
		return nil
	}}

	fs = newFS("rotate-keys")
	kServer, kData := remote(fs)
	now := fs.Bool("immediately", false, "a key was exposed: sign with the new key at once and withdraw the others")
	cmds["rotate-keys"] = adminCommand{fs, func() error {
		out, err := adminRequest(*kServer, *kData, http.MethodPost, "/internal/v1/oidc/keys/rotate", map[string]bool{"immediately": *now})
		if err != nil {
			return err
		}
		var ans struct {
			Keys []struct{ ID, Created, Signs, Retire string }
		}
		if err := json.Unmarshal(out, &ans); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tPUBLISHED\tSIGNS FROM\tWITHDRAWN AT")
		for _, k := range ans.Keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, k.Created, k.Signs, k.Retire)
		}
		return tw.Flush()
	}}
}
