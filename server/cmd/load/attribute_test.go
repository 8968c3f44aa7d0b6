package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime/trace"
	"testing"
)

// A revocation as the server runs it, traced for real: a goroutine woken
// by a message (the request arriving) runs a "revocation" task whose
// "cut off" step closes a file (the connection), and whose "commit" step
// syncs one. The
// analysis finds it by its session and takes its steps apart.
func TestAttributeRevocations(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "revocation.trace")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := trace.Start(f); err != nil {
		t.Fatal(err)
	}
	request := make(chan string)
	done := make(chan struct{})
	go func() {
		defer close(done)
		session := <-request // woken: the request arrived
		ctx, task := trace.NewTask(context.Background(), "revocation")
		defer task.End()
		trace.Log(ctx, "session", session)
		trace.WithRegion(ctx, "authorize", func() {})
		trace.WithRegion(ctx, "cut off", func() {
			if c, err := os.Create(filepath.Join(dir, "conn")); err == nil {
				c.Close() // the connection closed
			}
		})
		trace.WithRegion(ctx, "commit", func() {
			w, err := os.Create(filepath.Join(dir, "db"))
			if err == nil {
				w.Write([]byte("committed"))
				w.Sync()
				w.Close()
			}
		})
	}()
	request <- "sess-1"
	<-done
	trace.Stop()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	recs, err := attributeTasks(path, "revocation")
	if err != nil {
		t.Fatal(err)
	}
	r := recs["sess-1"]
	if r == nil {
		t.Fatalf("no revocation of sess-1 in %v", recs)
	}
	if r.noticed == 0 || r.noticed > r.begin || r.cutOff < r.begin || r.end < r.cutOff {
		t.Errorf("noticed %d, task %d–%d, cut off at %d", r.noticed, r.begin, r.end, r.cutOff)
	}
	for _, step := range []string{"request", "cut off", "commit"} {
		if sum(r.steps[step]) <= 0 {
			t.Errorf("step %q has no time: %v", step, r.steps)
		}
	}
	if r.window() <= 0 {
		t.Errorf("window %v", r.window())
	}
}
