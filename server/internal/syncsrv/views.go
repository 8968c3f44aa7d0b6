package syncsrv

import (
	"sync"

	"github.com/dialnexa/account/sync/hub"
	"github.com/dialnexa/account/sync/viewpatch"
	"github.com/dialnexa/account/sync/wire"
)

// sentView is a view as this node sent it: its version, digest and JSON.
type sentView struct {
	version uint64
	hash    string
	json    []byte
}

// sentViews keeps, for each account with a socket on this node, the last
// two views it sent (two versions, or two contents of one version), so
// the next change can be sent as a patch against exactly what a client
// holds, found by its digest. An account's entry goes with its last
// socket.
type sentViews struct {
	mu sync.Mutex
	m  map[string][2]sentView
}

func newSentViews() *sentViews { return &sentViews{m: map[string][2]sentView{}} }

// get returns the account's view with the digest as sent, or nil.
func (v *sentViews) get(accountID, hash string) []byte {
	if hash == "" {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, s := range v.m[accountID] {
		if s.hash == hash && s.json != nil {
			return s.json
		}
	}
	return nil
}

// put records that the account's view at version, with the digest, was
// sent, keeping the newest two (for one version, the content sent last
// first).
func (v *sentViews) put(accountID string, version uint64, hash string, b []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	e := v.m[accountID]
	switch {
	case e[0].hash == hash || e[1].hash == hash:
		return
	case version >= e[0].version:
		e[0], e[1] = sentView{version, hash, b}, e[0]
	case version >= e[1].version:
		e[1] = sentView{version, hash, b}
	default:
		return
	}
	v.m[accountID] = e
}

// drop forgets the account's views (its last socket here closed).
func (v *sentViews) drop(accountID string) {
	v.mu.Lock()
	delete(v.m, accountID)
	v.mu.Unlock()
}

// viewFor is how a view reaches each socket of an account: the whole
// view, encoded once, or a patch against the content a socket holds,
// encoded once per such content.
type viewFor struct {
	s         *Server
	accountID string
	msg       wire.View
	held      *hub.Held // what a peer sent msg holds
	full      []byte
	patched   map[string][]byte // base digest → encoded patch message, or nil: none
}

func newViewFor(s *Server, accountID string, msg wire.View) *viewFor {
	return &viewFor{s: s, accountID: accountID, msg: msg, held: &hub.Held{Version: msg.Version, Hash: wire.ViewHash(msg.View)}, patched: map[string][]byte{}}
}

// encode returns what p is sent (nil: nothing, it holds this version or a
// newer one) and records that p holds the view.
func (f *viewFor) encode(p *hub.Peer) []byte {
	held := p.View()
	if held.Version >= f.msg.Version {
		return nil
	}
	p.SetView(f.held)
	if p.Patches() && held.Hash != "" {
		b, ok := f.patched[held.Hash]
		if !ok {
			b = f.patchFrom(held)
			f.patched[held.Hash] = b
		}
		if b != nil {
			return b
		}
	}
	if f.full == nil {
		f.full = mustEncode(f.msg)
	}
	return f.full
}

func (f *viewFor) patchFrom(base hub.Held) []byte {
	old := f.s.views.get(f.accountID, base.Hash)
	if old == nil {
		return nil
	}
	d := viewpatch.Make(old, f.msg.View)
	if d == nil {
		return nil
	}
	return mustEncode(wire.View{Version: f.msg.Version, Base: base.Version, Patch: d, ViewHash: f.held.Hash})
}

func mustEncode(msg any) []byte {
	b, err := wire.Encode(msg)
	if err != nil {
		panic(err) // programming error: not a wire message
	}
	return b
}
