package e2e

import (
	"bufio"
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
	bin := filepath.Join(t.TempDir(), "dialnexa-account")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "../../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build desktop app: %v\n%s", err, out)
	}

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
