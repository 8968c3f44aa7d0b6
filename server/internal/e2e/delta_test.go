package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/wire"
)

// deltaSocket is a raw sync socket speaking a given protocol version.
type deltaSocket struct {
	t  testing.TB
	ws *websocket.Conn
}

func dialProtocol(t testing.TB, ts *testServer, token string, protocol int, clientID string, version uint64, held ...json.RawMessage) (*deltaSocket, *wire.Welcome) {
	t.Helper()
	ws, _, err := websocket.Dial(context.Background(), "ws://"+ts.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	hello := wire.Hello{ProtocolVersion: protocol, ClientID: clientID, SchemaVersion: wire.SchemaVersion, Version: version}
	if len(held) > 0 {
		hello.ViewHash = wire.ViewHash(held[0]) // the view at version, as the server sent it
	}
	send(t, ws, hello)
	w, ok := recvType[*wire.Welcome](t, ws)
	if !ok {
		t.Fatal("no welcome")
	}
	return &deltaSocket{t, ws}, w
}

// applyPatch applies an RFC 6902 patch to a view's JSON, as a client does,
// and checks the result against the digest the server sent.
func applyPatch(t *testing.T, base, patch json.RawMessage, hash string) json.RawMessage {
	t.Helper()
	p, err := jsonpatch.DecodePatch(patch)
	if err != nil {
		t.Fatalf("patch %s: %v", patch, err)
	}
	out, err := p.Apply(base)
	if err != nil {
		t.Fatalf("apply %s to %s: %v", patch, base, err)
	}
	var v model.View
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	canon, _ := json.Marshal(v)
	if wire.ViewHash(canon) != hash {
		t.Fatalf("patched view %s does not have the server's digest %s", canon, hash)
	}
	return canon
}

// sameView reports whether two view JSONs hold the same view.
func sameView(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var va, vb model.View
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		t.Fatalf("not views: %s, %s", a, b)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}

// Protocol 3: a change reaches a client as a patch against the view it
// holds, much smaller than the view, which applied gives the server's
// view; a protocol 2 client still gets the whole view. A reconnecting
// client whose view is current is welcomed without it, one a version
// behind gets a patch, one with a version the node never sent gets the
// whole view, and resync sends the whole view.
func TestViewPatches(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a := newClient(t, ts)
	signUp(t, a, "delta@example.com", "Delta Tester")
	tok := tokenOf(t, a)

	s3, w3 := dialProtocol(t, ts, tok, 3, "patching", 0)
	s2, w2 := dialProtocol(t, ts, tok, 2, "whole", 0)
	if w3.View == nil || w3.Patch != nil || w2.View == nil {
		t.Fatalf("first welcomes: %+v / %+v, want whole views", w3, w2)
	}
	held, version := w3.View, w3.Version

	send(t, s3.ws, wire.Push{Mutations: []wire.Mutation{nameMutation(1, "Delta Renamed")}})
	v3, ok := recvType[*wire.View](t, s3.ws)
	if !ok || v3.Patch == nil || v3.View != nil || v3.Base != version || v3.Version <= version {
		t.Fatalf("protocol 3 got %+v, want a patch from version %d", v3, version)
	}
	v2, ok := recvType[*wire.View](t, s2.ws)
	if !ok || v2.View == nil || v2.Patch != nil || v2.Version != v3.Version {
		t.Fatalf("protocol 2 got %+v, want the whole view %d", v2, v3.Version)
	}
	patched := applyPatch(t, held, v3.Patch, v3.ViewHash)
	if !sameView(t, patched, v2.View) {
		t.Fatalf("patched view\n%s\nis not the server's\n%s", patched, v2.View)
	}
	patchBytes, _ := wire.Encode(v3)
	wholeBytes, _ := wire.Encode(v2)
	if len(patchBytes)*2 > len(wholeBytes) {
		t.Errorf("a rename as a patch is %d bytes, the whole view %d: want under half", len(patchBytes), len(wholeBytes))
	}

	// Reconnecting: current → no view; one version behind → a patch; a
	// version this node never sent → the whole view.
	_, w := dialProtocol(t, ts, tok, 3, "patching", v3.Version)
	if w.View != nil || w.Patch != nil || w.Version != v3.Version {
		t.Errorf("welcome to a current client: %+v, want neither view nor patch", w)
	}
	_, w = dialProtocol(t, ts, tok, 3, "patching", version, held)
	if w.Patch == nil || w.Base != version || w.Version != v3.Version {
		t.Fatalf("welcome to a client a version behind: %+v, want a patch from %d", w, version)
	}
	if got := applyPatch(t, held, w.Patch, w.ViewHash); !sameView(t, got, v2.View) {
		t.Errorf("welcome patch gives\n%s\nwant\n%s", got, v2.View)
	}
	_, w = dialProtocol(t, ts, tok, 2, "whole", v3.Version)
	if w.View == nil {
		t.Errorf("welcome to a current protocol 2 client: %+v, want the whole view", w)
	}
	// A patch is made only against the content the client says it holds
	// (one version may have been built with other content): without its
	// digest, or with another content's, the whole view.
	_, w = dialProtocol(t, ts, tok, 3, "patching", version)
	if w.View == nil || w.Patch != nil {
		t.Errorf("welcome to a client a version behind that gives no digest: %+v, want the whole view", w)
	}
	_, w = dialProtocol(t, ts, tok, 3, "patching", version, json.RawMessage(`{"other":"content"}`))
	if w.View == nil || w.Patch != nil {
		t.Errorf("welcome to a client holding other content of a version: %+v, want the whole view", w)
	}

	// The node keeps the last two views it sent: after two more changes,
	// the first is gone and a client still holding it gets the whole view.
	send(t, s3.ws, wire.Push{Mutations: []wire.Mutation{nameMutation(2, "Delta Again"), nameMutation(3, "Delta Last")}})
	var last *wire.View
	for last == nil || !strings.Contains(string(last.View), "Delta Last") {
		if last, ok = recvType[*wire.View](t, s2.ws); !ok {
			t.Fatal("no view after two more changes")
		}
	}
	_, w = dialProtocol(t, ts, tok, 3, "patching", version, held)
	if w.View == nil || w.Patch != nil || !sameView(t, w.View, last.View) {
		t.Errorf("welcome to a client at a version no longer kept: %+v, want the whole view", w)
	}

	send(t, s3.ws, wire.Resync{})
	ts.resyncsSent++
	for {
		v, ok := recvType[*wire.View](t, s3.ws)
		if !ok {
			t.Fatal("no answer to resync")
		}
		if v.View != nil {
			if v.Version != last.Version || !sameView(t, v.View, last.View) {
				t.Errorf("resync answered %+v, want the whole view %d", v, last.Version)
			}
			break
		}
	}
}

// The apps take patches: edits on one device reach another as patches,
// and the view it builds from them is the server's, byte for byte.
func TestClientsStayInStepWithPatches(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	a := newClient(t, ts)
	signUp(t, a, "steps@example.com", "Step One")
	b := newClient(t, ts)
	signIn(t, b, "steps@example.com")
	a.run()
	b.run()
	waitFor(t, "both online", func() bool { return online(a)() && online(b)() })
	for _, name := range []string{"Step Two", "Step Three", "Step Four"} {
		if err := a.SetDisplayName(name); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "edit "+name+" on the other device", func() bool { return b.Snapshot().View.Profile.DisplayName == name })
	}
	if err := a.SetEmailNotification(model.NotifCampaignCompleted, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "online after the edits", func() bool { return online(a)() && online(b)() })
	_, w := dialProtocol(t, ts, tokenOf(t, a), 2, "checker", 0)
	waitFor(t, "the other device at the server's version", func() bool { return b.Snapshot().Version == w.Version })
	got, _ := json.Marshal(b.Snapshot().View)
	if !sameView(t, got, w.View) {
		t.Errorf("device built from patches\n%s\nserver\n%s", got, w.View)
	}
}
