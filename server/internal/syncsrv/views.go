package syncsrv

import (
	"github.com/dialnexa/account/sync/hub"
	"github.com/dialnexa/account/sync/viewpatch"
	"github.com/dialnexa/account/sync/wire"
)

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
	old := f.s.hub.SentView(f.accountID, base.Hash)
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
