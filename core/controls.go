package core

// Control is whether an action can be taken now and, when it cannot,
// why: both clients show the reason beside (or on) the disabled control.
type Control struct {
	Enabled bool
	Reason  string
}

// needsServer is the reason an action that only the server can carry out
// waits while offline.
const needsServer = "Needs a connection to the server; you are offline."

// ServerAction is an action that only the server can carry out.
func (s Snapshot) ServerAction() Control {
	if !s.Online() {
		return Control{Reason: needsServer}
	}
	return Control{Enabled: true}
}

// RemovePicture: there must be a picture, and the server must be reached.
func (s Snapshot) RemovePicture() Control {
	if s.View.Profile.Avatar == "" {
		return Control{Reason: "There is no picture to remove."}
	}
	return s.ServerAction()
}

// RevokeOthers: another session must be signed in, and the server
// reached.
func (s Snapshot) RevokeOthers() Control {
	if len(s.View.Sessions) < 2 {
		return Control{Reason: "No other device is signed in."}
	}
	return s.ServerAction()
}

// SavedText is what a client says after the user saved an edit that syncs
// (the display name, notification settings): whether it reached the
// server yet. pending is whether the edit still waits in the queue.
func (s Snapshot) SavedText(pending bool) string {
	switch {
	case !pending:
		return "Saved."
	case s.Online():
		return "Saving…"
	default:
		return "Saved on this device; it syncs when you are back online."
	}
}
