package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startXvfb starts a virtual X display and returns its DISPLAY value. Xvfb
// picks a free display number itself (-displayfd) and is stopped with
// SIGTERM, so it removes its lock file and socket: a display left behind by
// an earlier run never makes this one fail.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1100x760x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		w.Close()
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	// Xvfb writes the display number once it accepts connections; the pipe
	// ends without one if it fails to start.
	line, err := bufio.NewReader(r).ReadString('\n')
	n := strings.TrimSpace(line)
	if _, convErr := strconv.Atoi(n); convErr != nil {
		cmd.Process.Kill()
		<-done
		t.Fatalf("Xvfb gave no display number (%v): %s", err, logs.String())
	}
	return ":" + n
}

// TestDesktopWindowUnderXvfb builds the real desktop app, opens it in a
// virtual display against a real server, and checks that it connects and
// draws its window (the screenshot is kept when DIALNEXA_SCREENSHOTS names
// a directory).
func TestDesktopWindowUnderXvfb(t *testing.T) {
	ts := startServer(t)
	bin := buildDesktopApp(t)

	// Sign in once with the core client on the app's own store, as a
	// previous run of the app would have.
	data := t.TempDir()
	pre := openClient(t, ts, filepath.Join(data, "account.db"))
	signUp(t, pre, "desk@example.com", "Desk Top")
	pre.close()

	disp := startXvfb(t)
	app := exec.Command(bin, "-server", ts.url(), "-data", data)
	app.Env = append(os.Environ(), "DISPLAY="+disp, "LANG=en_US.UTF-8")
	var logs bytes.Buffer
	app.Stdout, app.Stderr = &logs, &logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Process.Kill(); app.Wait() })

	waitFor(t, "the desktop window", func() bool {
		search := exec.Command("xdotool", "search", "--name", "DialNexa Account")
		search.Env = append(os.Environ(), "DISPLAY="+disp)
		out, err := search.Output()
		return err == nil && len(strings.TrimSpace(string(out))) > 0
	})
	waitFor(t, "the desktop app to connect", func() bool { return ts.api.Connections() == 1 })
	// The first frames may still be blank, and the first drawn one may
	// predate the welcome: take screenshots until one shows the drawn
	// window and the next, a moment later, is the same (a hang guard, not
	// a speed assertion).
	shot := filepath.Join(t.TempDir(), "desktop.png")
	colours := 0
	var last []byte
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		colours = screenshotColours(t, disp, shot)
		frame, _ := os.ReadFile(shot)
		if colours >= 20 && bytes.Equal(frame, last) {
			break
		}
		last = frame
		time.Sleep(300 * time.Millisecond)
	}
	if colours < 20 {
		t.Errorf("screenshot has %d colours: the window drew nothing (app output:\n%s)", colours, logs.String())
	}
	if dir := os.Getenv("DIALNEXA_SCREENSHOTS"); dir != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(filepath.Join(dir, "desktop-window-xvfb.png"), data, 0o644)
	}
}

// buildDesktopApp builds the desktop app's binary into a temporary
// directory.
func buildDesktopApp(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "dialnexa-account")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "../../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build desktop app: %v\n%s", err, out)
	}
	return bin
}

// desktopEnv is the environment without a display, a D-Bus session or a
// locale, plus extra.
func desktopEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "LANG", "LC_ALL", "LC_MESSAGES":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// The desktop app where it cannot open a window says so in one line and
// exits with a failure; where there is no D-Bus session (no system tray)
// it runs without a tray and quits cleanly; with the plain C locale it
// logs no locale errors.
func TestDesktopAppWithoutADisplayOrADBusSession(t *testing.T) {
	bin := buildDesktopApp(t)
	app := exec.Command(bin, "-data", t.TempDir(), "-server", "http://127.0.0.1:9")
	app.Env = desktopEnv("LANG=C")
	out, err := app.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("without a display: %v, want exit status 1", err)
	}
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "no display") {
		t.Errorf("without a display the app said:\n%s\nwant one line saying there is no display", out)
	}

	disp := startXvfb(t)
	app = exec.Command(bin, "-data", t.TempDir(), "-server", "http://127.0.0.1:9")
	app.Env = desktopEnv("DISPLAY="+disp, "LANG=C")
	var logs syncBuffer
	app.Stdout, app.Stderr = &logs, &logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	t.Cleanup(func() { app.Process.Kill() })
	waitFor(t, "the desktop window", func() bool {
		search := exec.Command("xdotool", "search", "--name", "DialNexa Account")
		search.Env = append(os.Environ(), "DISPLAY="+disp)
		out, err := search.Output()
		return err == nil && len(strings.TrimSpace(string(out))) > 0
	})
	app.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("quitting without a D-Bus session: %v, want a clean exit; output:\n%s", err, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the app did not quit on SIGTERM; output:\n%s", logs.String())
	}
	if got := logs.String(); strings.Contains(got, "panic") || strings.Contains(got, "locale") || !strings.Contains(got, "no system tray") {
		t.Errorf("without a D-Bus session, with LANG=C, the app said:\n%s\nwant only that there is no system tray", got)
	}
}

// syncBuffer is a bytes.Buffer a process writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// screenshotColours takes a screenshot of display disp into path and counts
// its colours (sampling every third pixel).
func screenshotColours(t *testing.T, disp, path string) int {
	t.Helper()
	imp := exec.Command("import", "-window", "root", path)
	imp.Env = append(os.Environ(), "DISPLAY="+disp)
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	colors := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
		}
	}
	return len(colors)
}
