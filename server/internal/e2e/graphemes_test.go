package e2e

import (
	"errors"
	"strings"
	"testing"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// Display names count characters as people see them, the same on the
// client (checked before queuing) and on the server (checked again).
func TestDisplayNameCountsVisibleCharacters(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "family@example.com", "Family Name")
	c.run()
	waitFor(t, "online", online(c))

	family := "👨‍👩‍👧‍👦" // one character, seven code points
	if err := c.SetDisplayName(family); !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "at least 2") {
		t.Fatalf("one family emoji: %v, want refused as one character", err)
	}
	fifty := strings.Repeat(family, 50)
	if err := c.SetDisplayName(fifty); err != nil {
		t.Fatalf("fifty family emoji (350 code points): %v, want accepted", err)
	}
	waitFor(t, "synced", online(c))
	if acc, _ := ts.account("family@example.com"); acc.DisplayName != fifty {
		t.Fatalf("server has %q, want the fifty family emoji", acc.DisplayName)
	}
	if n := c.Snapshot().Notice; n != "" {
		t.Errorf("notice %q: the server refused what the client accepted", n)
	}

	// The server applies the same count to what a client pushes.
	ws := dialRaw(t, ts, tokenOf(t, c), "raw-graphemes")
	send(t, ws, wire.Push{Mutations: []wire.Mutation{nameMutation(1, fifty+family)}})
	ack, _ := recvType[*wire.PushAck](t, ws)
	if len(ack.Results) != 1 || ack.Results[0].Error == nil || !strings.Contains(ack.Results[0].Error.Message, "at most 50 characters (it has 51)") {
		t.Fatalf("51 family emoji pushed: %+v, want refused with the count people see", ack)
	}
}
