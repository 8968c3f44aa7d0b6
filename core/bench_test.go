//go:build !js

package core

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
)

func benchView() model.View {
	v := model.View{Profile: model.Profile{AccountID: "a", Email: "ada@example.com", DisplayName: "Ada"}}
	for i := range model.InboxLimit {
		v.Inbox = append(v.Inbox, model.Notification{ID: uint64(i + 1), Title: "Low wallet balance", Body: "Your wallet balance is low.", At: time.Unix(int64(i), 0)})
	}
	for i := range model.ActivityLimit {
		v.Activity = append(v.Activity, model.Activity{Kind: model.ActSignIn, Detail: "Signed in", At: time.Unix(int64(i), 0)})
	}
	for range 5 {
		v.Sessions = append(v.Sessions, model.Session{ID: "s", Device: "Chrome on Linux"})
	}
	return v
}

// BenchmarkOpenAndView is the desktop app's start offline: open the bbolt
// store and have the full account view (with pending edits rebased) ready.
func BenchmarkOpenAndView(b *testing.B) {
	path := filepath.Join(b.TempDir(), "account.db")
	st, err := OpenStore(path)
	if err != nil {
		b.Fatal(err)
	}
	r, err := openReplica(st, func() string { return "id" }, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	r.UpdateMeta(func(m *Meta) error { m.SessionID = testSession; return nil })
	r.Confirm(testSession, 1, benchView(), true)
	for i := range 10 {
		r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Ada " + string(rune('A'+i))})
	}
	st.Close()
	for b.Loop() {
		st, err := OpenStore(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := openReplica(st, func() string { return "id" }, time.Now)
		if err != nil {
			b.Fatal(err)
		}
		if v, _, _, ok := r.View(); !ok || v.Profile.DisplayName != "Ada J" {
			b.Fatalf("view %q", v.Profile.DisplayName)
		}
		st.Close()
	}
}

// benchReplica is a replica over a fresh bbolt store holding benchView.
func benchReplica(b *testing.B) *Replica {
	st, err := OpenStore(filepath.Join(b.TempDir(), "account.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	r, err := openReplica(st, func() string { return "id" }, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	r.UpdateMeta(func(m *Meta) error { m.SessionID = testSession; return nil })
	r.Confirm(testSession, 1, benchView(), true)
	return r
}

// BenchmarkRebase is the view recomputed with 100 pending edits on top.
func BenchmarkRebase(b *testing.B) {
	r := benchReplica(b)
	for range 100 {
		r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Ada L"})
	}
	for b.Loop() {
		r.View()
	}
}

// BenchmarkQueueEdit is one offline edit made durable (one fsync'd commit).
func BenchmarkQueueEdit(b *testing.B) {
	r := benchReplica(b)
	for b.Loop() {
		if _, err := r.Mutate(model.MutSetDisplayName, model.SetDisplayName{DisplayName: "Ada L"}); err != nil {
			b.Fatal(err)
		}
	}
}
