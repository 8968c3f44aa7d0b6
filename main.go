// Command dialnexa-account is the DialNexa Account desktop app. It keeps
// the account in a local store under the user's config directory, works
// offline, and syncs with the server given by -server (or DIALNEXA_SERVER).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/dialnexa/account/app"
	"github.com/dialnexa/account/assets"
	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/oskeychain"
)

func main() {
	server := flag.String("server", envOr("DIALNEXA_SERVER", "http://127.0.0.1:8080"), "sync server URL")
	data := flag.String("data", os.Getenv("DIALNEXA_CLIENT_DATA"), "directory of the local store (default: the OS per-user config directory)")
	flag.Parse()

	path, err := storePath(*data)
	if err != nil {
		fail(err)
	}
	st, err := core.OpenStore(path)
	if err != nil {
		fail(err)
	}
	defer st.Close()

	a := fyneapp.NewWithID("com.dialnexa.account")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("DialNexa Account")
	var ui *app.UI
	host, _ := os.Hostname() // unnamed if the OS will not say
	client, err := core.NewClient(core.Config{Server: *server, Store: st, Desktop: true, DeviceName: host, Keychain: oskeychain.Keychain{}, OnChange: func() { ui.Refresh() }})
	if err != nil {
		fail(err)
	}
	ui = app.New(w, client)
	ui.Tray(a, fyne.NewStaticResource("icon.png", assets.Icon))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go client.Run(ctx)
	app.RememberSize(w, a.Preferences())
	w.ShowAndRun()
}

func storePath(dir string) (string, error) {
	if dir == "" {
		cfg, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the config directory: %w (pass -data)", err)
		}
		dir = filepath.Join(cfg, "DialNexa")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	return filepath.Join(dir, "account.db"), nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "dialnexa-account:", err)
	os.Exit(1)
}
