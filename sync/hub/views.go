package hub

// sentView is a view as this hub's server sent it: what peers hold, and
// its JSON, against which the next change is made a patch.
type sentView struct {
	held Held
	json []byte
}

// RememberView records that the account's view held, with its JSON, was
// sent, keeping the newest two (two versions, or two contents of one
// version), so the next change can be sent as a patch against exactly
// what a peer holds. The hub owns this with the account's peers: it is
// kept only while the account has a peer here, and goes with its last.
func (h *Hub) RememberView(accountID string, held Held, json []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.byAccount[accountID]) == 0 {
		return // its last peer left: nothing will be patched against it
	}
	e := h.sent[accountID]
	switch {
	case e[0].held.Hash == held.Hash || e[1].held.Hash == held.Hash:
		return
	case held.Version >= e[0].held.Version:
		e[0], e[1] = sentView{held, json}, e[0]
	case held.Version >= e[1].held.Version:
		e[1] = sentView{held, json}
	default:
		return
	}
	h.sent[accountID] = e
}

// SentView returns the JSON of the account's view with the digest hash as
// it was sent, or nil when the hub no longer has it.
func (h *Hub) SentView(accountID, hash string) []byte {
	if hash == "" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.sent[accountID] {
		if s.held.Hash == hash && s.json != nil {
			return s.json
		}
	}
	return nil
}
