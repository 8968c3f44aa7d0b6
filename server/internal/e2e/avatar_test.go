package e2e

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func upload(t *testing.T, ts *testServer, token string, data []byte) apiAnswer {
	t.Helper()
	req, _ := http.NewRequest("PUT", ts.url()+"/v1/avatar", bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "image/png") // claimed; the server looks at the bytes
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return parseAnswer(resp, b)
}

func parseAnswer(resp *http.Response, b []byte) apiAnswer {
	a := apiAnswer{status: resp.StatusCode, body: string(b), header: resp.Header}
	if e := errorOf(b); e != nil {
		a.err = e
	}
	return a
}

func testImage(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	return img
}

func pngBytes(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// jpegWithExif is a JPEG carrying an EXIF segment with a GPS marker and
// bytes appended after its end.
func jpegWithExif(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(300, 200), nil); err != nil {
		t.Fatal(err)
	}
	j := b.Bytes()
	exif := append([]byte("Exif\x00\x00"), []byte("GPSLatitude=52.52;GPSLongitude=13.40;SECRET-EXIF")...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(exif)+2))
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	out = append(out, exif...)
	out = append(out, j[2:]...)
	return append(out, []byte("APPENDED-SECRET<script>alert(1)</script>")...)
}

// hugePNGHeader is a PNG whose header claims 100000×100000 pixels.
func hugePNGHeader() []byte { return sizedPNGHeader(100000, 100000, 8) }

// sizedPNGHeader is the start of an RGBA PNG of w×h pixels at depth bits
// a channel: its header, nothing to decode.
func sizedPNGHeader(w, h uint32, depth byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = depth, 6
	binary.Write(&b, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// SECURITY 24–26 and the seed's avatar rules.
func TestAvatarUpload(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "pic@example.com", pw, "Pic Ture", "d1")

	// Declared over 2 MB: 413 before the body is sent at all.
	conn, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PUT /v1/avatar HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n", ts.addr, s.Token, 2<<20+1)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	conn.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("declared 2 MB + 1: %d, want 413", resp.StatusCode)
	}

	webpPath := filepath.Join(t.TempDir(), "x.webp")
	if out, err := exec.Command("/usr/bin/convert", "-size", "120x90", "gradient:blue-yellow", webpPath).CombinedOutput(); err != nil {
		t.Fatalf("make a WebP with ImageMagick: %v %s", err, out)
	}
	webpData, _ := os.ReadFile(webpPath)
	gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	good := pngBytes(testImage(400, 200))
	for _, tc := range []struct {
		name   string
		data   []byte
		status int
		msg    string
	}{
		{"empty", nil, 400, "empty"},
		{"2 MB + 1 sent", bytes.Repeat([]byte{0}, 2<<20+1), 413, "over 2 MB"},
		{"GIF named .png", gif, 415, "JPG, PNG or WebP"},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 415, "JPG, PNG or WebP"},
		{"HTML", []byte(`<!doctype html><script>alert(1)</script>`), 415, "JPG, PNG or WebP"},
		{"truncated PNG", good[:len(good)/2], 400, "damaged"},
		{"100000×100000 header", hugePNGHeader(), 400, "100000×100000"},
		{"10000×4000 at 16 bits (header only)", sizedPNGHeader(10000, 4000, 16), 400, "at most 6000×6000"},
		{"6001 wide", pngBytes(image.NewGray(image.Rect(0, 0, 6001, 2))), 400, "6001×2 pixels; use one of at most 6000×6000"},
	} {
		a := upload(t, ts, s.Token, tc.data)
		if a.status != tc.status || a.err == nil || !strings.Contains(a.err.Message, tc.msg) {
			t.Errorf("%s: %d %s, want %d mentioning %q", tc.name, a.status, a.body, tc.status, tc.msg)
		}
	}
	if strings.Contains(me(t, ts, s.Token), `"avatar"`) {
		t.Fatal("a refused upload set an avatar")
	}

	for _, tc := range []struct {
		name string
		data []byte
	}{{"PNG", good}, {"WebP", webpData}, {"JPEG with EXIF and appended bytes", jpegWithExif(t)}} {
		a := upload(t, ts, s.Token, tc.data)
		if a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.name, a.status, a.body)
		}
		got := call(t, ts, "GET", "/v1/avatar", s.Token, nil)
		if got.status != 200 || got.header.Get("Content-Type") != "image/png" || got.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s: served %d %q nosniff=%q", tc.name, got.status, got.header.Get("Content-Type"), got.header.Get("X-Content-Type-Options"))
		}
		img, err := png.Decode(strings.NewReader(got.body))
		if err != nil || img.Bounds().Dx() != 256 || img.Bounds().Dy() != 256 {
			t.Fatalf("%s: stored picture %v (%v), want a 256×256 PNG", tc.name, img.Bounds(), err)
		}
		for _, leak := range []string{"Exif", "GPS", "SECRET", "<script"} {
			if strings.Contains(got.body, leak) {
				t.Errorf("%s: stored picture still holds %q", tc.name, leak)
			}
		}
	}
	if !strings.Contains(me(t, ts, s.Token), `"avatar":"`) {
		t.Error("view does not carry the avatar hash")
	}
	if a := call(t, ts, "DELETE", "/v1/avatar", s.Token, nil); a.status != http.StatusNoContent {
		t.Fatalf("remove: %d", a.status)
	}
	if a := call(t, ts, "GET", "/v1/avatar", s.Token, nil); a.status != http.StatusNotFound {
		t.Errorf("after removal: %d, want 404", a.status)
	}
}
