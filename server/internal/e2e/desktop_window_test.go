package e2e

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startXvfb starts a virtual X display and returns its DISPLAY value.
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 90 + os.Getpid()%50; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		disp := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", disp, "-screen", "0", "1100x760x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatalf("start Xvfb: %v", err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		waitFor(t, "Xvfb socket", func() bool {
			_, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n))
			return err == nil
		})
		return disp
	}
	t.Fatal("no free X display number")
	return ""
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
