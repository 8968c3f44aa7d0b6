package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/sync/wire"
)

// SECURITY 21: a sign-in from a new device raises a security alert by mail
// and in-app (live on the other clients); a known device does not.
func TestNewDeviceAlert(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "alert@example.com", pw, "Alert User", "laptop")
	ws := dialRaw(t, ts, s.Token, "watcher")

	// The same device again: no alert.
	if a, _ := apiSignIn(t, ts, "alert@example.com", pw, "", "laptop"); a.status != http.StatusOK {
		t.Fatalf("sign-in: %d", a.status)
	}
	// A new device: alert.
	_, fresh := apiSignIn(t, ts, "alert@example.com", pw, "", "stolen-phone", "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36")
	ev, ok := recvType[*wire.Event](t, ws)
	if !ok || ev.Kind != wire.EventSecurityAlert {
		t.Fatalf("no security alert on the connected client: %+v", ev)
	}
	var alert wire.SecurityAlert
	json.Unmarshal(ev.Payload, &alert)
	if alert.SessionID != fresh.SessionID || !strings.Contains(alert.Device, "Windows") {
		t.Errorf("alert %+v, want the new session on Windows", alert)
	}
	m := ts.inbox.waitFor(t, "alert@example.com", "New sign-in")
	if !strings.Contains(m.Body, "Windows") || !strings.Contains(m.Body, "Location: Unknown") {
		t.Errorf("alert mail body:\n%s", m.Body)
	}
	// Mail goes out in the order it was caused: an alert for the known
	// device, signed in first, would have arrived before this one.
	if n := ts.inbox.count("alert@example.com", "New sign-in"); n != 1 {
		t.Errorf("%d alert mails, want 1 (the known device raised one?)", n)
	}
	if body := me(t, ts, s.Token); !strings.Contains(body, `"kind":"new_device"`) {
		t.Errorf("new device missing from the security activity")
	}
	// One sign-in, one row: the new-device entry is the sign-in's row.
	rows := 0
	for _, e := range view(t, ts, s.Token).Activity {
		if strings.Contains(e.Detail, "Windows") {
			rows++
		}
	}
	if rows != 1 {
		t.Errorf("the new device's sign-in shows as %d rows of the security activity, want 1", rows)
	}

	// A client that was offline gets the alert on its next hello.
	ctx := context.Background()
	h := http.Header{"Authorization": {"Bearer " + s.Token}}
	late, _, err := websocket.Dial(ctx, "ws://"+ts.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	defer late.CloseNow()
	send(t, late, wire.Hello{ClientID: "late", SchemaVersion: wire.SchemaVersion, Version: 1, LastEventSeq: ev.Seq - 1})
	if e, ok := recvType[*wire.Event](t, late); !ok || e.Seq != ev.Seq {
		t.Errorf("replayed event %+v, want seq %d", e, ev.Seq)
	}

	// One click from the alert: revoke that session.
	if a := call(t, ts, "DELETE", "/v1/sessions/"+alert.SessionID, s.Token, nil); a.status != http.StatusNoContent {
		t.Fatalf("revoke from alert: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "GET", "/v1/me", fresh.Token, nil); a.status != http.StatusUnauthorized {
		t.Errorf("alerted session after revoke: %d", a.status)
	}
}

// SECURITY 19: "revoke all other sessions" keeps the current one.
func TestRevokeAllOthers(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "many@example.com", pw, "Many Devices", "d1")
	var others []session
	for _, d := range []string{"d2", "d3", "d4"} {
		_, o := apiSignIn(t, ts, "many@example.com", pw, "", d)
		others = append(others, o)
	}
	ws := dialRaw(t, ts, others[0].Token, "other")
	a := call(t, ts, "POST", "/v1/sessions/revoke-others", s.Token, nil)
	if a.status != http.StatusOK || !strings.Contains(a.body, `"revoked":3`) {
		t.Fatalf("revoke others: %d %s", a.status, a.body)
	}
	cutOff(t, ts, ws, others[0].Token, "This session was revoked from another device.")
	for _, o := range others {
		if a := call(t, ts, "GET", "/v1/me", o.Token, nil); a.status != http.StatusUnauthorized {
			t.Errorf("other session: %d, want 401", a.status)
		}
	}
	if body := me(t, ts, s.Token); strings.Count(body, `"deviceKind"`) != 1 {
		t.Errorf("current session gone or others left: %s", body)
	}
}
