package syncsrv

import (
	gosync "sync"

	"github.com/dialnexa/account/sync/hub"
	"github.com/dialnexa/account/sync/viewpatch"
	"github.com/dialnexa/account/sync/wire"
)

// sentView is a view as this node sent it: its version and JSON.
type sentView struct {
	version uint64
	json    []byte
}

// sentViews keeps, for each account with a socket on this node, the last
// two views it sent, so the next change can be sent as a patch against
// what the clients hold. An account's entry goes with its last socket.
type sentViews struct {
	mu gosync.Mutex
	m  map[string][2]sentView
}

func newSentViews() *sentViews { return &sentViews{m: map[string][2]sentView{}} }

// get returns the account's view at version as sent, or nil.
func (v *sentViews) get(accountID string, version uint64) []byte {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, s := range v.m[accountID] {
		if s.version == version && s.json != nil {
			return s.json
		}
	}
	return nil
}

// put records that the account's view at version was sent, keeping the
// newest two.
func (v *sentViews) put(accountID string, version uint64, b []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	e := v.m[accountID]
	switch {
	case e[0].version == version || e[1].version == version:
		return
	case version > e[0].version:
		e[0], e[1] = sentView{version, b}, e[0]
	case version > e[1].version:
		e[1] = sentView{version, b}
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
// view, encoded once, or a patch against the version a socket holds,
// encoded once per such version.
type viewFor struct {
	s         *Server
	accountID string
	msg       wire.View
	full      []byte
	hash      string
	patched   map[uint64][]byte // base version → encoded patch message, or nil: none
}

// encode returns what p is sent (nil: nothing, it holds this version or a
// newer one) and records that p holds the view.
func (f *viewFor) encode(p *hub.Peer) []byte {
	held := p.View()
	if held >= f.msg.Version {
		return nil
	}
	p.SetView(f.msg.Version)
	if p.Patches() && held > 0 {
		b, ok := f.patched[held]
		if !ok {
			b = f.patchFrom(held)
			f.patched[held] = b
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

func (f *viewFor) patchFrom(base uint64) []byte {
	old := f.s.views.get(f.accountID, base)
	if old == nil {
		return nil
	}
	d := viewpatch.Make(old, f.msg.View)
	if d == nil {
		return nil
	}
	if f.hash == "" {
		f.hash = wire.ViewHash(f.msg.View)
	}
	return mustEncode(wire.View{Version: f.msg.Version, Base: base, Patch: d, ViewHash: f.hash})
}

func mustEncode(msg any) []byte {
	b, err := wire.Encode(msg)
	if err != nil {
		panic(err) // programming error: not a wire message
	}
	return b
}
