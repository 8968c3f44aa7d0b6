package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

type envelope struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Encode returns the wire form of msg, which must be one of the message
// types of this package (a value or pointer).
func Encode(msg any) ([]byte, error) {
	t, err := typeOf(msg)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", t, err)
	}
	return json.Marshal(envelope{Type: t, Data: data})
}

// Decode parses one wire message and returns a pointer to its typed value
// (*Hello, *Push, ...). Errors are *Error values with CodeBadMessage,
// CodeUnknownType or CodeTooLarge.
func Decode(b []byte) (any, error) {
	if len(b) > MaxMessageBytes {
		return nil, Errorf(CodeTooLarge, "message of %d bytes is over the %d-byte limit", len(b), MaxMessageBytes)
	}
	var env envelope
	if err := strict(b, &env); err != nil {
		return nil, Errorf(CodeBadMessage, "malformed message: %v", err)
	}
	msg := newOf(env.Type)
	if msg == nil {
		return nil, Errorf(CodeUnknownType, "unknown message type %q", env.Type)
	}
	data := env.Data
	if len(data) == 0 {
		data = []byte("{}")
	}
	if err := strict(data, msg); err != nil {
		return nil, Errorf(CodeBadMessage, "malformed %s message: %v", env.Type, err)
	}
	return msg, nil
}

// DecodeLenient is Decode for a client reading the server's messages,
// which a newer server may extend: unknown fields are ignored, and a
// message of an unknown type is returned as a nil message with a nil error.
// ignored names the first thing skipped ("field \"x\" of welcome",
// "message type \"y\""), or is empty. Messages that are not JSON, or whose
// known fields have the wrong type, are still errors.
func DecodeLenient(b []byte) (msg any, ignored string, err error) {
	if len(b) > MaxMessageBytes {
		return nil, "", Errorf(CodeTooLarge, "message of %d bytes is over the %d-byte limit", len(b), MaxMessageBytes)
	}
	// One strict pass in the common case; a second, lenient one only for a
	// message that carries something unknown.
	var env envelope
	if err := strict(b, &env); err != nil {
		if ignored = unknownField(err, "the envelope"); ignored == "" {
			return nil, "", Errorf(CodeBadMessage, "malformed message: %v", err)
		}
		env = envelope{}
		if err := json.Unmarshal(b, &env); err != nil {
			return nil, "", Errorf(CodeBadMessage, "malformed message: %v", err)
		}
	}
	msg = newOf(env.Type)
	if msg == nil {
		return nil, fmt.Sprintf("message type %q", env.Type), nil
	}
	data := env.Data
	if len(data) == 0 {
		data = []byte("{}")
	}
	if err := strict(data, msg); err == nil {
		return msg, ignored, nil
	} else if f := unknownField(err, env.Type); f != "" && ignored == "" {
		ignored = f
	}
	msg = newOf(env.Type)
	if err := json.Unmarshal(data, msg); err != nil {
		return nil, "", Errorf(CodeBadMessage, "malformed %s message: %v", env.Type, err)
	}
	return msg, ignored, nil
}

// unknownField names the unknown field a strict decode stopped at, or
// returns "" for any other error.
func unknownField(err error, of string) string {
	const prefix = "json: unknown field "
	if s := err.Error(); strings.HasPrefix(s, prefix) {
		return "field " + strings.TrimPrefix(s, prefix) + " of " + of
	}
	return ""
}

func strict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the message")
	}
	return nil
}

func newOf(t string) any {
	switch t {
	case TypeHello:
		return new(Hello)
	case TypeWelcome:
		return new(Welcome)
	case TypePush:
		return new(Push)
	case TypePushAck:
		return new(PushAck)
	case TypeView:
		return new(View)
	case TypeEvent:
		return new(Event)
	case TypeRevoked:
		return new(Revoked)
	case TypeError:
		return new(Error)
	case TypePing:
		return new(Ping)
	case TypePong:
		return new(Pong)
	case TypeResync:
		return new(Resync)
	}
	return nil
}

// TypeOf returns the wire type of msg ("view", "push", …), or "unknown".
func TypeOf(msg any) string {
	t, err := typeOf(msg)
	if err != nil {
		return "unknown"
	}
	return t
}

func typeOf(msg any) (string, error) {
	switch msg.(type) {
	case Hello, *Hello:
		return TypeHello, nil
	case Welcome, *Welcome:
		return TypeWelcome, nil
	case Push, *Push:
		return TypePush, nil
	case PushAck, *PushAck:
		return TypePushAck, nil
	case View, *View:
		return TypeView, nil
	case Event, *Event:
		return TypeEvent, nil
	case Revoked, *Revoked:
		return TypeRevoked, nil
	case Error, *Error:
		return TypeError, nil
	case Ping, *Ping:
		return TypePing, nil
	case Pong, *Pong:
		return TypePong, nil
	case Resync, *Resync:
		return TypeResync, nil
	}
	return "", fmt.Errorf("encode: %T is not a wire message", msg)
}
