package node

import (
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/bus"
	"github.com/dialnexa/account/server/internal/store"
)

// envelopes are the effects as the other nodes hear of them.
func envelopes(fx *account.Effects) []bus.Envelope {
	var out []bus.Envelope
	for _, r := range fx.Accounts {
		out = append(out, bus.Envelope{Kind: bus.EndAccount, ID: r.ID, Reason: r.Reason})
	}
	for _, r := range fx.Sessions {
		out = append(out, bus.Envelope{Kind: bus.EndSession, ID: r.ID, Reason: r.Reason})
	}
	seen := map[string]bool{}
	for _, id := range fx.Views {
		if !seen[id] {
			seen[id] = true
			out = append(out, bus.Envelope{Kind: bus.View, ID: id})
		}
	}
	for _, d := range fx.Events {
		out = append(out, bus.Envelope{Kind: bus.Event, ID: d.AccountID, Seq: d.Event.Seq})
	}
	if fx.Mail {
		out = append(out, bus.Envelope{Kind: bus.Mail})
	}
	if fx.Jobs {
		out = append(out, bus.Envelope{Kind: bus.Jobs})
	}
	return out
}

// announce tells the other nodes about a change, inside its transaction.
func (n *Server) announce(tx store.Tx, fx *account.Effects) error {
	return n.bus.Announce(tx, envelopes(fx))
}

// peers applies the other nodes' changes to this node.
type peers struct{ n *Server }

func (p peers) Deliver(e bus.Envelope) {
	s := p.n.sockets
	switch e.Kind {
	case bus.EndAccount:
		s.RevokeAccount(e.ID, e.Reason)
		p.n.revoked.Poke()
	case bus.EndSession:
		s.RevokeSession(e.ID, e.Reason)
		p.n.revoked.Poke()
	case bus.View:
		s.PushView(e.ID)
		p.n.revoked.Poke()
	case bus.Event:
		s.DeliverEvent(e.ID, e.Seq)
	case bus.Mail:
		if p.n.mail != nil {
			p.n.mail.Wake()
		}
	case bus.Jobs:
		p.n.jobs.Wake()
	}
}

func (p peers) Resync() {
	p.n.revoked.Poke()
	p.n.sockets.Resync()
}
