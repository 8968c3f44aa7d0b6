package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/descope/virtualwebauthn"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/sync/wire"
)

// The test servers' public origin is https://account.dialnexa.test: a
// passkey for it is made for that relying party and answers from it.
var (
	passkeySite = virtualwebauthn.RelyingParty{Name: "DialNexa", ID: "account.dialnexa.test", Origin: "https://account.dialnexa.test"}
	foreignSite = virtualwebauthn.RelyingParty{Name: "DialNexa", ID: "account.dialnexa.test", Origin: "https://account-dialnexa.example"}
)

// ceremony is a passkey ceremony as the API answers it.
type ceremony struct {
	ID      string          `json:"ceremony"`
	Options json.RawMessage `json:"options"`
}

// softKey is a software authenticator holding one passkey.
type softKey struct {
	auth virtualwebauthn.Authenticator
	cred virtualwebauthn.Credential
}

func newSoftKey(accountID string) *softKey {
	k := &softKey{
		auth: virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte(accountID)}),
		cred: virtualwebauthn.NewCredentialWithImportedKey(virtualwebauthn.KeyTypeEC2, fullLengthP256Key()),
	}
	k.auth.AddCredential(k.cred)
	return k
}

// fullLengthP256Key returns a new P-256 key (PKCS #8) whose coordinates
// both take 32 bytes: the software authenticator writes them without
// their leading zero bytes (one key in 128 has one), which a correct
// relying party refuses as malformed.
func fullLengthP256Key() []byte {
	for {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		point, err := k.PublicKey.Bytes() // 0x04, X, Y: 32 bytes each
		if err != nil {
			panic(err)
		}
		if point[1] == 0 || point[33] == 0 {
			continue
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			panic(err)
		}
		return der
	}
}

// register answers an add-passkey ceremony from site.
func (k *softKey) register(t *testing.T, c ceremony, site virtualwebauthn.RelyingParty) json.RawMessage {
	t.Helper()
	opts, err := virtualwebauthn.ParseAttestationOptions(string(c.Options))
	if err != nil {
		t.Fatalf("creation options %s: %v", c.Options, err)
	}
	if opts.RelyingPartyID != passkeySite.ID {
		t.Fatalf("relying party %q, want the public origin's host", opts.RelyingPartyID)
	}
	return json.RawMessage(virtualwebauthn.CreateAttestationResponse(site, k.auth, k.cred, *opts))
}

// sign answers a sign-in ceremony from site with the signature counter at
// counter.
func (k *softKey) sign(t *testing.T, c ceremony, site virtualwebauthn.RelyingParty, counter uint32) json.RawMessage {
	t.Helper()
	opts, err := virtualwebauthn.ParseAssertionOptions(string(c.Options))
	if err != nil {
		t.Fatalf("request options %s: %v", c.Options, err)
	}
	k.cred.Counter = counter
	return json.RawMessage(virtualwebauthn.CreateAssertionResponse(site, k.auth, k.cred, *opts))
}

func hasActivity(v model.View, kind string) bool {
	for _, e := range v.Activity {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

// addPasskey adds a passkey named name through the API (with the password).
func addPasskey(t *testing.T, ts *testServer, token, name string, k *softKey) {
	t.Helper()
	var c ceremony
	a := call(t, ts, "POST", "/v1/passkeys/options", token, map[string]string{"password": goodPassword})
	if a.status != http.StatusOK {
		t.Fatalf("passkey options: %d %s", a.status, a.body)
	}
	a.decode(t, &c)
	a = call(t, ts, "POST", "/v1/passkeys", token, map[string]any{"name": name, "ceremony": c.ID, "credential": k.register(t, c, passkeySite)})
	if a.status != http.StatusCreated {
		t.Fatalf("add passkey: %d %s", a.status, a.body)
	}
}

// signUpWithPasskey signs up an account (on a laptop) and adds a passkey
// named Laptop to it.
func signUpWithPasskey(t *testing.T, ts *testServer, email, name string) (session, *softKey) {
	t.Helper()
	owner := apiSignUp(t, ts, email, goodPassword, name, "laptop")
	key := newSoftKey(owner.AccountID)
	addPasskey(t, ts, owner.Token, "Laptop", key)
	return owner, key
}

func passkeySignIn(t *testing.T, ts *testServer, k *softKey, site virtualwebauthn.RelyingParty, counter uint32) apiAnswer {
	t.Helper()
	var c ceremony
	call(t, ts, "POST", "/v1/signin/passkey/options", "", map[string]any{}).decode(t, &c)
	return call(t, ts, "POST", "/v1/signin/passkey", "", map[string]any{"ceremony": c.ID, "credential": k.sign(t, c, site, counter), "bearer": true, "deviceId": "passkey-device"})
}

// Passkeys through the API with a software authenticator: added only with
// the password (step-up), each ceremony used once; a sign-in with the
// passkey alone, or as the second factor after the password; an answer
// made for another origin is refused; a signature counter going back
// flags the passkey and refuses it; rename, remove; the activity and the
// mails say what happened.
func TestPasskeysThroughTheAPI(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	owner := apiSignUp(t, ts, "keys@example.com", goodPassword, "Key Holder", "laptop")
	key := newSoftKey(owner.AccountID)

	if a := call(t, ts, "POST", "/v1/passkeys/options", owner.Token, map[string]string{}); a.code() != wire.CodeStepUp {
		t.Fatalf("passkey options without the password: %d %s, want step_up", a.status, a.body)
	}
	var c ceremony
	call(t, ts, "POST", "/v1/passkeys/options", owner.Token, map[string]string{"password": goodPassword}).decode(t, &c)
	answer := key.register(t, c, passkeySite)
	if a := call(t, ts, "POST", "/v1/passkeys", owner.Token, map[string]any{"name": "  ", "ceremony": c.ID, "credential": answer}); a.status != http.StatusBadRequest || !strings.Contains(a.body, "Name the passkey") {
		t.Fatalf("unnamed passkey: %d %s", a.status, a.body)
	}
	forged := "Laptop\u202e\r\n\r\nUrgent: confirm your account at http://evil.example/"
	if a := call(t, ts, "POST", "/v1/passkeys", owner.Token, map[string]any{"name": forged, "ceremony": c.ID, "credential": answer}); a.status != http.StatusBadRequest || !strings.Contains(a.body, "Passkey name cannot contain") {
		t.Fatalf("a passkey name that forges mail lines: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/passkeys", owner.Token, map[string]any{"name": "Work laptop", "ceremony": c.ID, "credential": answer}); a.status != http.StatusCreated {
		t.Fatalf("add passkey: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/passkeys", owner.Token, map[string]any{"name": "Again", "ceremony": c.ID, "credential": answer}); a.code() != wire.CodeExpired {
		t.Fatalf("a ceremony used twice: %d %s, want expired", a.status, a.body)
	}
	v := view(t, ts, owner.Token)
	if len(v.Passkeys) != 1 || v.Passkeys[0].Name != "Work laptop" || v.Passkeys[0].Created.IsZero() || !v.Passkeys[0].LastUsed.IsZero() {
		t.Fatalf("passkeys in the view: %+v", v.Passkeys)
	}
	if !hasActivity(v, model.ActPasskeyAdded) {
		t.Errorf("no passkey_added in the activity: %+v", v.Activity)
	}
	ts.inbox.waitFor(t, "keys@example.com", "A passkey was added")

	// Made for another origin: refused, and no session.
	var other ceremony
	call(t, ts, "POST", "/v1/passkeys/options", owner.Token, map[string]string{"password": goodPassword}).decode(t, &other)
	stranger := newSoftKey(owner.AccountID)
	if a := call(t, ts, "POST", "/v1/passkeys", owner.Token, map[string]any{"name": "Phish", "ceremony": other.ID, "credential": stranger.register(t, other, foreignSite)}); a.status != http.StatusBadRequest {
		t.Fatalf("a passkey created for another origin: %d %s, want refused", a.status, a.body)
	}
	if a := passkeySignIn(t, ts, key, foreignSite, 1); a.status != http.StatusUnauthorized || a.code() != wire.CodeBadCredentials {
		t.Fatalf("a sign-in answered for another origin: %d %s, want 401", a.status, a.body)
	}

	// The passkey alone signs in, as its own device.
	a := passkeySignIn(t, ts, key, passkeySite, 1)
	if a.status != http.StatusOK {
		t.Fatalf("passkey sign-in: %d %s", a.status, a.body)
	}
	var byKey session
	a.decode(t, &byKey)
	if byKey.AccountID != owner.AccountID || byKey.Token == "" {
		t.Fatalf("passkey sign-in gave %+v", byKey)
	}
	v = view(t, ts, byKey.Token)
	if len(v.Sessions) != 2 || v.Passkeys[0].LastUsed.IsZero() {
		t.Errorf("after the passkey sign-in: sessions %d, passkey %+v", len(v.Sessions), v.Passkeys[0])
	}

	// With a passkey, a password sign-in asks for it as the second factor.
	a, _ = apiSignIn(t, ts, "keys@example.com", goodPassword, "", "tablet")
	var refusal struct {
		Error   *wire.Error
		Passkey *ceremony
	}
	a.decode(t, &refusal)
	if a.code() != wire.CodeSecondFactor || refusal.Passkey == nil || !strings.Contains(refusal.Error.Message, "passkey") {
		t.Fatalf("password sign-in with a passkey: %d %s, want second_factor with a passkey ceremony", a.status, a.body)
	}
	if a, _ := apiSignIn(t, ts, "keys@example.com", goodPassword, "123456", "tablet"); a.status != http.StatusUnauthorized {
		t.Fatalf("a code with no authenticator app: %d %s, want refused", a.status, a.body)
	}
	a = call(t, ts, "POST", "/v1/signin", "", map[string]any{"email": "keys@example.com", "password": goodPassword, "bearer": true, "deviceId": "tablet",
		"passkey": map[string]any{"ceremony": refusal.Passkey.ID, "credential": key.sign(t, *refusal.Passkey, passkeySite, 2)}})
	if a.status != http.StatusOK {
		t.Fatalf("password and passkey: %d %s", a.status, a.body)
	}

	// A counter that goes back: a copy of the passkey exists.
	if a := passkeySignIn(t, ts, key, passkeySite, 2); a.status != http.StatusUnauthorized || !strings.Contains(a.body, "copy") {
		t.Fatalf("a replayed counter: %d %s, want refused as a copy", a.status, a.body)
	}
	v = view(t, ts, owner.Token)
	if !v.Passkeys[0].Suspect || !hasActivity(v, model.ActPasskeySuspect) {
		t.Fatalf("after the counter went back: %+v, activity %+v", v.Passkeys, v.Activity)
	}
	ts.inbox.waitFor(t, "keys@example.com", "A passkey was refused")
	if a := passkeySignIn(t, ts, key, passkeySite, 50); a.status != http.StatusUnauthorized {
		t.Fatalf("a flagged passkey signed in: %d %s", a.status, a.body)
	}

	// Rename, then remove (with the password).
	id := v.Passkeys[0].ID
	if a := call(t, ts, "PATCH", "/v1/passkeys/"+id, owner.Token, map[string]string{"name": "Old laptop"}); a.status != http.StatusNoContent {
		t.Fatalf("rename: %d %s", a.status, a.body)
	}
	if v := view(t, ts, owner.Token); v.Passkeys[0].Name != "Old laptop" {
		t.Errorf("renamed passkey: %+v", v.Passkeys)
	}
	if a := call(t, ts, "PATCH", "/v1/passkeys/"+id, owner.Token, map[string]string{"name": "\u0000\u0007\u200b"}); a.status != http.StatusBadRequest || !strings.Contains(a.body, "control characters") {
		t.Fatalf("rename to control characters: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/passkeys/"+id+"/remove", owner.Token, map[string]string{"password": "not my password 1"}); a.status != http.StatusForbidden {
		t.Fatalf("remove with a wrong password: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/passkeys/"+id+"/remove", owner.Token, map[string]string{"password": goodPassword}); a.status != http.StatusNoContent {
		t.Fatalf("remove: %d %s", a.status, a.body)
	}
	v = view(t, ts, owner.Token)
	if len(v.Passkeys) != 0 || !hasActivity(v, model.ActPasskeyRemoved) {
		t.Fatalf("after removing: %+v", v.Passkeys)
	}
	ts.inbox.waitFor(t, "keys@example.com", "A passkey was removed")
	if a, s := apiSignIn(t, ts, "keys@example.com", goodPassword, "", "phone"); a.status != http.StatusOK || s.Token == "" {
		t.Fatalf("password sign-in with no second factor left: %d %s", a.status, a.body)
	}
}

// Deleting the account removes its passkeys: one no longer signs in.
func TestDeletedAccountsPasskeysStopWorking(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	owner, key := signUpWithPasskey(t, ts, "gone-keys@example.com", "Gone Keys")
	if a := passkeySignIn(t, ts, key, passkeySite, 1); a.status != http.StatusOK {
		t.Fatalf("passkey sign-in: %d %s", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/account/delete", owner.Token, map[string]string{"email": "gone-keys@example.com", "password": goodPassword}); a.status != http.StatusOK && a.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", a.status, a.body)
	}
	if a := passkeySignIn(t, ts, key, passkeySite, 2); a.status != http.StatusUnauthorized {
		t.Fatalf("a deleted account's passkey: %d %s, want refused", a.status, a.body)
	}
}

// A password reset never bypasses a passkey: the link alone gets the
// second-factor refusal with a passkey ceremony, and the passkey's answer
// completes the reset.
func TestPasswordResetAsksForThePasskey(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	_, key := signUpWithPasskey(t, ts, "reset-keys@example.com", "Reset Keys")
	token := resetLink(t, ts, "reset-keys@example.com", 1)
	const newPassword = "brand new lantern 42?"
	a := call(t, ts, "POST", "/v1/password/reset", "", map[string]any{"token": token, "newPassword": newPassword})
	var refusal struct{ Passkey *ceremony }
	a.decode(t, &refusal)
	if a.code() != wire.CodeSecondFactor || refusal.Passkey == nil {
		t.Fatalf("reset with only the link: %d %s, want second_factor with a passkey ceremony", a.status, a.body)
	}
	a = call(t, ts, "POST", "/v1/password/reset", "", map[string]any{"token": token, "newPassword": newPassword,
		"passkey": map[string]any{"ceremony": refusal.Passkey.ID, "credential": key.sign(t, *refusal.Passkey, passkeySite, 1)}})
	if a.status != http.StatusOK {
		t.Fatalf("reset with the passkey: %d %s", a.status, a.body)
	}
	if a, _ := apiSignIn(t, ts, "reset-keys@example.com", newPassword, "", "laptop"); a.code() != wire.CodeSecondFactor {
		t.Fatalf("sign-in with the new password: %d %s, want the passkey asked for", a.status, a.body)
	}
}

// A server reached by an IP address cannot be a WebAuthn relying party: it
// runs, and says passkeys are not available there.
func TestNoPasskeysOnAnIPAddress(t *testing.T) {
	t.Parallel()
	ts := startServerTuned(t, "", func(c *node.Config) { c.PublicOrigin = "http://127.0.0.1:8080" })
	owner := apiSignUp(t, ts, "ip-keys@example.com", goodPassword, "Ip Keys", "laptop")
	for _, path := range []string{"/v1/signin/passkey/options", "/v1/passkeys/options"} {
		a := call(t, ts, "POST", path, owner.Token, map[string]string{"password": goodPassword})
		if a.status != http.StatusBadRequest || !strings.Contains(a.body, "domain name") {
			t.Errorf("%s on an IP origin: %d %s", path, a.status, a.body)
		}
	}
}

// An account whose only second factor is a passkey, on a server that is
// then reached by an IP address (where no passkey can answer): a password
// sign-in and a password reset are refused, saying why, never let through
// on the password alone; at the domain again, the passkey works.
func TestPasskeyOnlyAccountOnAnIPAddress(t *testing.T) {
	ts := startServer(t)
	_, key := signUpWithPasskey(t, ts, "moved-keys@example.com", "Moved Keys")

	ts.stop()
	ts.tune = func(c *node.Config) { c.PublicOrigin = "http://127.0.0.1:8080" }
	ts.start()
	if a, s := apiSignIn(t, ts, "moved-keys@example.com", goodPassword, "", "laptop"); a.code() != wire.CodeSecondFactor || s.Token != "" || !strings.Contains(a.body, "IP address") {
		t.Fatalf("password sign-in at an IP address: %d %s, want the second factor asked for, saying passkeys need the domain", a.status, a.body)
	}
	token := resetLink(t, ts, "moved-keys@example.com", 1)
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]any{"token": token, "newPassword": "brand new lantern 42?"}); a.code() != wire.CodeSecondFactor {
		t.Fatalf("reset at an IP address: %d %s, want the second factor asked for", a.status, a.body)
	}

	ts.stop()
	ts.tune = nil
	ts.start()
	a, _ := apiSignIn(t, ts, "moved-keys@example.com", goodPassword, "", "laptop")
	var refusal struct{ Passkey *ceremony }
	a.decode(t, &refusal)
	if a.code() != wire.CodeSecondFactor || refusal.Passkey == nil {
		t.Fatalf("password sign-in at the domain: %d %s, want a passkey ceremony", a.status, a.body)
	}
	a = call(t, ts, "POST", "/v1/signin", "", map[string]any{"email": "moved-keys@example.com", "password": goodPassword, "bearer": true, "deviceId": "laptop",
		"passkey": map[string]any{"ceremony": refusal.Passkey.ID, "credential": key.sign(t, *refusal.Passkey, passkeySite, 1)}})
	if a.status != http.StatusOK {
		t.Fatalf("sign-in with the passkey at the domain: %d %s", a.status, a.body)
	}
}

// A ceremony id that names something else, here a password reset link's
// token, is refused as a passkey request and leaves that thing alone: the
// link still works.
func TestCeremonyIDOfAnotherKindIsLeftAlone(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	_, key := signUpWithPasskey(t, ts, "other-kind@example.com", "Other Kind")
	token := resetLink(t, ts, "other-kind@example.com", 1)
	var c ceremony
	call(t, ts, "POST", "/v1/signin/passkey/options", "", map[string]any{}).decode(t, &c)
	a := call(t, ts, "POST", "/v1/signin/passkey", "", map[string]any{"ceremony": token, "credential": key.sign(t, c, passkeySite, 1), "bearer": true})
	if a.code() != wire.CodeExpired {
		t.Fatalf("a reset token as a passkey ceremony: %d %s, want the expired-request refusal", a.status, a.body)
	}
	a = call(t, ts, "POST", "/v1/password/reset", "", map[string]any{"token": token, "newPassword": "brand new lantern 42?"})
	if a.code() != wire.CodeSecondFactor {
		t.Fatalf("the reset link after its token was offered as a ceremony: %d %s, want it still live (asking for the passkey)", a.status, a.body)
	}
}

// SECURITY (WebAuthn §7.1, step 22): a credential id already registered
// to one account is refused to another, with a clear reason and nothing
// stored; the holder's passkey keeps signing in; once the holder removes
// it, the other account may register it.
func TestPasskeyOfAnotherAccountIsRefused(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	holder, key := signUpWithPasskey(t, ts, "holder@example.com", "Holder")
	taker := apiSignUp(t, ts, "taker@example.com", goodPassword, "Taker", "laptop")
	register := func() apiAnswer {
		t.Helper()
		var c ceremony
		call(t, ts, "POST", "/v1/passkeys/options", taker.Token, map[string]string{"password": goodPassword}).decode(t, &c)
		// The same authenticator credential, its id the holder's.
		return call(t, ts, "POST", "/v1/passkeys", taker.Token, map[string]any{"name": "Copied", "ceremony": c.ID, "credential": key.register(t, c, passkeySite)})
	}
	if a := register(); a.status != http.StatusConflict || !strings.Contains(a.body, "already registered to another account") {
		t.Fatalf("a credential id of another account: %d %s, want 409 saying so", a.status, a.body)
	}
	if v := view(t, ts, taker.Token); len(v.Passkeys) != 0 || hasActivity(v, model.ActPasskeyAdded) {
		t.Fatalf("the refused passkey was stored: %+v", v.Passkeys)
	}
	if a := passkeySignIn(t, ts, key, passkeySite, 1); a.status != http.StatusOK {
		t.Fatalf("the holder's passkey after the refused copy: %d %s", a.status, a.body)
	}
	id := view(t, ts, holder.Token).Passkeys[0].ID
	if a := call(t, ts, "POST", "/v1/passkeys/"+id+"/remove", holder.Token, map[string]string{"password": goodPassword}); a.status != http.StatusNoContent {
		t.Fatalf("remove: %d %s", a.status, a.body)
	}
	if a := register(); a.status != http.StatusCreated {
		t.Fatalf("the credential after its holder removed it: %d %s", a.status, a.body)
	}
}
