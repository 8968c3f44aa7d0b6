//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"strings"
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// createPasskey asks the browser (and the user's authenticator) for a new
// passkey with the server's options, and returns it as JSON.
func createPasskey(c core.PasskeyCeremony) (json.RawMessage, error) {
	return credentials("create", "parseCreationOptionsFromJSON", c)
}

// usePasskey asks the browser for a passkey's answer to the server's
// options, and returns it as JSON.
func usePasskey(c core.PasskeyCeremony) (json.RawMessage, error) {
	return credentials("get", "parseRequestOptionsFromJSON", c)
}

func credentials(method, parse string, c core.PasskeyCeremony) (json.RawMessage, error) {
	pkc := js.Global().Get("PublicKeyCredential")
	if pkc.IsUndefined() || pkc.Get(parse).IsUndefined() {
		return nil, errors.New("This browser cannot use passkeys: update it, or use another browser.")
	}
	var o struct {
		PublicKey json.RawMessage `json:"publicKey"`
	}
	if err := json.Unmarshal(c.Options, &o); err != nil || o.PublicKey == nil {
		return nil, errors.New("The server's passkey request could not be read; reload the page and try again.")
	}
	opts := js.Global().Get("Object").New()
	opts.Set("publicKey", pkc.Call(parse, js.Global().Get("JSON").Call("parse", string(o.PublicKey))))
	cred, err := await(js.Global().Get("navigator").Get("credentials").Call(method, opts))
	if err != nil {
		return nil, passkeyError(err)
	}
	if cred.IsNull() || cred.IsUndefined() {
		return nil, errors.New("No passkey was chosen.")
	}
	return json.RawMessage(js.Global().Get("JSON").Call("stringify", cred.Call("toJSON")).String()), nil
}

// passkeyError says in the user's words why the browser gave no passkey.
func passkeyError(err error) error {
	switch msg := err.Error(); {
	case strings.HasPrefix(msg, "NotAllowedError"):
		return errors.New("The passkey request was cancelled or timed out. Try again when you are ready.")
	case strings.HasPrefix(msg, "InvalidStateError"):
		return errors.New("This authenticator already holds a passkey for your account.")
	case strings.HasPrefix(msg, "SecurityError"):
		return errors.New("Passkeys work only on this site's own address; open DialNexa at its usual address.")
	default:
		return errors.New("The browser could not use a passkey: " + msg)
	}
}
