// Command dialnexa-account is the DialNexa Account desktop app. It keeps
// the account in a local store under the user's config directory, works
// offline, and syncs with the server given by -server (or DIALNEXA_SERVER).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/dialnexa/account/app"
	"github.com/dialnexa/account/assets"
	"github.com/thlib/go-timezone-local/tzlocal"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/oskeychain"
)

func main() {
	server := flag.String("server", envOr("DIALNEXA_SERVER", "http://127.0.0.1:8080"), "sync server URL [$DIALNEXA_SERVER]")
	data := flag.String("data", os.Getenv("DIALNEXA_CLIENT_DATA"), "directory of the local store (default: the OS per-user config directory) [$DIALNEXA_CLIENT_DATA]")
	flag.Parse()
	englishForPlainLocale()
	if err := haveDisplay(); err != nil {
		fail(fmt.Errorf("%w; or use the browser panel at %s", err, *server))
	}
	// The windowing library panics when it cannot start (a display that
	// goes away, a server that refuses the connection): one line instead.
	defer func() {
		if r := recover(); r != nil {
			if msg := fmt.Sprint(r); strings.Contains(msg, "GLFW") || strings.Contains(msg, "X11") {
				fail(fmt.Errorf("the window cannot be opened (%s): check that DISPLAY names a running display you may use", msg))
			}
			panic(r)
		}
	}()

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
	// The computer's IANA time zone (a new account starts in it); unknown
	// leaves it to the server's default.
	zone, _ := tzlocal.RuntimeTZ()
	client, err := core.NewClient(core.Config{Server: *server, Store: st, Desktop: true, DeviceName: host, TimeZone: zone,
		Keychain: oskeychain.Keychain{}, OnChange: func() { ui.Refresh() }})
	if err != nil {
		fail(err)
	}
	ui = app.New(w, client)
	if err := trayAvailable(); err != nil {
		fmt.Fprintln(os.Stderr, "dialnexa-account: no system tray:", err)
	} else {
		ui.Tray(a, fyne.NewStaticResource("icon.png", assets.Icon))
	}
	// The client's sync, the signal watcher and the UI's work end before
	// the store closes (defers run last first).
	defer ui.Close()
	var bg sync.WaitGroup
	defer bg.Wait()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bg.Go(func() { client.Run(ctx) })
	// Interrupted or terminated (a logout, a service manager): quit as the
	// window's close would, whenever it comes.
	quit, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	bg.Go(func() {
		<-quit.Done()
		if ctx.Err() == nil {
			// The driver stops without closing the window first: a window
			// closing while the pointer moves over it crashes the toolkit
			// (fyne-io/fyne#5981). Its size is kept as a close would.
			fyne.Do(func() {
				app.SaveSize(w, a.Preferences())
				a.Driver().Quit()
			})
		}
	})
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

// englishForPlainLocale names English where the locale is the plain C or
// POSIX one, which names no language (the windowing toolkit logs an error
// for it on every start, and falls back to English anyway). Only the
// variable in effect for messages changes.
func englishForPlainLocale() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") {
			os.Setenv(k, "en_US.UTF-8")
		}
		return
	}
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
