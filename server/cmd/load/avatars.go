package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// avatars uploads the largest picture the server accepts (6000×6000 at 16
// bits a channel, 288 MB decoded) n times at once from one account and
// reports the server's peak resident memory (VmHWM) and what each upload
// was answered.
func avatars(ctx context.Context, r *run, n int) error {
	var out struct{ Token string }
	body := map[string]any{"email": "avatars@load.example.com", "password": "violet kettle 42?", "displayName": "Avatar Load", "bearer": true}
	if err := r.postFrom(ctx, 0, http.MethodPost, "/v1/signup", "", body, &out); err != nil {
		return err
	}
	img := image.NewNRGBA64(image.Rect(0, 0, 6000, 6000))
	for y := range 6000 {
		for x := range 6000 {
			img.SetNRGBA64(x, y, color.NRGBA64{R: uint16(x * 10), G: uint16(y * 10), B: 40000, A: 65535})
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return err
	}
	img = nil
	data := buf.Bytes()
	if len(data) > 2<<20 {
		return fmt.Errorf("the test picture is %d bytes, over the 2 MB limit", len(data))
	}
	base := r.srv.status("VmRSS:")
	fmt.Printf("uploading a 6000×6000 16-bit PNG (%d KB) %d times at once…\n", len(data)>>10, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, "http://"+r.srv.addr+"/v1/avatar", bytes.NewReader(data))
			req.Header.Set("Authorization", "Bearer "+out.Token)
			req.Header.Set("Content-Type", "image/png")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	fmt.Printf("avatar uploads: %d in %v, answered %v; server resident memory %.0f MB before, peak %.0f MB\n",
		n, time.Since(t0).Round(time.Millisecond), counts, float64(base)/1e6, float64(r.srv.status("VmHWM:"))/1e6)
	return nil
}

// status returns a memory figure of the server process from
// /proc/PID/status (VmRSS:, VmHWM:), in bytes.
func (s *server) status(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}
