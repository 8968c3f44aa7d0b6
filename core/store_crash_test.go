//go:build !js

package core_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

const crashChildEnv = "DIALNEXA_CRASH_CHILD_STORE"

// crashChild queues display-name changes offline forever, printing the
// count after each one is committed.
func crashChild(path string) {
	st, err := core.OpenStore(path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	c, err := core.NewClient(core.Config{Server: "http://127.0.0.1:1", Store: st, Desktop: true})
	if err != nil {
		fmt.Println("client:", err)
		os.Exit(2)
	}
	for i := 1; ; i++ {
		if err := c.SetDisplayName(fmt.Sprintf("Name %d", i)); err != nil {
			fmt.Println("set:", err)
			os.Exit(2)
		}
		fmt.Println("ok", i)
	}
}

// TestPendingQueueSurvivesSIGKILL kills a client with SIGKILL at random
// moments while it queues offline edits; every edit it reported as queued
// must be in the store afterwards, and the store must be consistent.
func TestPendingQueueSurvivesSIGKILL(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1))
	for round := range 4 {
		path := filepath.Join(t.TempDir(), "account.db")
		// A signed-in store, as after an earlier sync.
		st, err := core.OpenStore(path)
		if err != nil {
			t.Fatal(err)
		}
		meta := core.Meta{Schema: core.SchemaVersion, ClientID: "c", DeviceID: "d", AccountID: "a", SessionID: "s", Token: "t"}
		st.Commit(core.Change{Meta: &meta, Confirmed: &core.Confirmed{Version: 1, View: model.View{Profile: model.Profile{DisplayName: "Start"}}}})
		st.Close()

		cmd := exec.Command(os.Args[0], "-test.run=^TestPendingQueueSurvivesSIGKILL$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAfter := 1 + rng.IntN(200)
		acked := 0
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			n, ok := strings.CutPrefix(line, "ok ")
			if !ok {
				t.Fatalf("child: %s", line)
			}
			acked, _ = strconv.Atoi(n)
			if acked == killAfter {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
		cmd.Wait()

		st, err = core.OpenStore(path)
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		if err := st.Check(); err != nil {
			t.Errorf("round %d: consistency check: %v", round, err)
		}
		state, err := st.Load()
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(state.Pending) < acked {
			t.Fatalf("round %d (kill after %d): %d pending after SIGKILL, want at least %d", round, killAfter, len(state.Pending), acked)
		}
		for i, m := range state.Pending {
			if m.ID != uint64(i+1) {
				t.Fatalf("round %d: pending[%d] has id %d, want %d", round, i, m.ID, i+1)
			}
		}
		if state.Meta.LastMutationID < uint64(len(state.Pending)) {
			t.Errorf("round %d: last mutation id %d below the %d queued", round, state.Meta.LastMutationID, len(state.Pending))
		}
	}
}
