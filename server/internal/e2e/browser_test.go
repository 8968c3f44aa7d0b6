package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	panelOnce sync.Once
	panelDir  string
	panelErr  error
)

// builtPanel builds the browser panel once per test binary with the same
// script the run command uses.
func builtPanel(t testing.TB) string {
	t.Helper()
	panelOnce.Do(func() {
		root, err := filepath.Abs("../../..")
		if err != nil {
			panelErr = err
			return
		}
		dir, err := os.MkdirTemp("", "dialnexa-panel-")
		if err != nil {
			panelErr = err
			return
		}
		cmd := exec.Command("bash", filepath.Join(root, "scripts", "build-panel.sh"), dir)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			panelErr = err
			panelDir = string(out)
			return
		}
		panelDir = dir
	})
	if panelErr != nil {
		t.Fatalf("build panel: %v\n%s", panelErr, panelDir)
	}
	return panelDir
}

// newBrowser starts Debian's chromium, headless, with a fresh profile. The
// returned context has run once (the browser is up); derive per-step
// timeouts from it.
func newBrowser(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
	}
	opts = append(opts, extra...)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:], opts...)...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// within runs actions with a hang guard.
func within(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	// A hang guard, long enough for a busy machine: a first load compiles
	// the panel's module beside the service worker's copy of it.
	c, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 2000)`))
		t.Fatalf("%s: %v\npage text:\n%s", what, err, page)
	}
}

// poll waits for a JavaScript expression to become true.
func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(90*time.Second))
}

// clickInList clicks the element a selector finds in a list the panel
// rebuilds on every change (sessions, apps, passkeys, workspace cards):
// found, checked enabled and clicked in one step in the page, so a render
// between finding it and clicking it cannot leave the click on a node that
// is gone.
func clickInList(selector string) chromedp.Action[chromedp.Void] {
	return poll(`(e => !!e && !e.disabled && (e.click(), true))(document.querySelector(` + jsString(selector) + `))`)
}

func textIs(id, want string) chromedp.Action[chromedp.Void] {
	return poll(`(document.getElementById(` + jsString(id) + `)||{}).textContent === ` + jsString(want))
}

func jsString(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		switch r {
		case '"', '\\':
			b = append(b, '\\', byte(r))
		default:
			b = append(b, string(r)...)
		}
	}
	return string(append(b, '"'))
}

// clearInput empties an input field as a user selecting all and deleting would.
func clearInput(id string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](`(e => (e.value = "", e.dispatchEvent(new Event("input")), true))(document.getElementById(`+jsString(id)+`))`)(ctx, t)
		return chromedp.Void{}, err
	}
}

// saveScreenshot keeps a full-page screenshot when DIALNEXA_SCREENSHOTS
// names a directory.
func saveScreenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("DIALNEXA_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// evalAsync runs a script whose promise resolves to true, and waits for it.
func evalAsync(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](expr, chromedp.EvalAwaitPromise)(ctx, t)
		return chromedp.Void{}, err
	}
}

// fetchText fetches path from the page, as the page would (through its
// service worker), and returns the body.
func fetchText(t testing.TB, ctx context.Context, path string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Evaluate[string](`fetch(`+jsString(path)+`).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s in the page: %v", path, err)
	}
	return s
}

// screen opens one of the panel's screens (profile, security,
// notifications, workspaces, danger) from its navigation.
func screen(route string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := chromedp.Click(`#nav-`+route)(ctx, t); err != nil {
			return chromedp.Void{}, err
		}
		return visible(route)(ctx, t)
	}
}

// panelSignIn opens the panel at base, signs in and waits until it is
// online.
func panelSignIn(base, email, password string) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/"),
		chromedp.WaitVisible(`#auth-form`),
		chromedp.SendKeys(`#email`, email),
		chromedp.SendKeys(`#password`, password),
		chromedp.Click(`#auth-submit`),
		textIs("status", "Online"),
	}
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for _, s := range steps {
			if _, err := s(ctx, t); err != nil {
				return chromedp.Void{}, err
			}
		}
		return chromedp.Void{}, nil
	}
}
