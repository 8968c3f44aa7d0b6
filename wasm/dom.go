//go:build js && wasm

package main

import (
	"context"
	"encoding/base64"
	"errors"
	"reflect"
	"sync"
	"syscall/js"
	"time"

	"github.com/dialnexa/account/core"
)

var document = js.Global().Get("document")

type attrs map[string]string

// el creates an element with attributes and children. Text is only ever set
// through text nodes or textContent, never parsed as HTML.
func el(tag string, a attrs, kids ...js.Value) js.Value {
	e := document.Call("createElement", tag)
	for k, v := range a {
		e.Call("setAttribute", k, v)
	}
	for _, k := range kids {
		e.Call("append", k)
	}
	return e
}

func txt(s string) js.Value { return document.Call("createTextNode", s) }

func byID(id string) js.Value { return document.Call("getElementById", id) }

func setText(e js.Value, s string) {
	if e.Get("textContent").String() != s {
		e.Set("textContent", s)
	}
}

func show(e js.Value, visible bool) { e.Set("hidden", !visible) }

// on adds an event listener to an element built once (it lives as long as
// the panel). The handler runs on its own goroutine, so it may block on
// the network or on IndexedDB. An element a render builds again takes its
// listeners from a handlers instead, which releases them with it.
func on(e js.Value, event string, fn func()) { listen(e, event, fn) }

// events holds the goroutines the panel's event handlers run on; main
// waits for them.
var events sync.WaitGroup

// live counts the event listeners held (each a js.Func the Go side keeps
// until it is released), for the panel's diagnostics.
var live int

func listen(e js.Value, event string, fn func()) js.Func {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) > 0 && event == "submit" {
			args[0].Call("preventDefault")
		}
		// Off the browser's event loop (a handler may wait for the
		// server), on a goroutine of events.
		events.Go(fn)
		return nil
	})
	e.Call("addEventListener", event, f)
	live++
	return f
}

// handlers owns the listeners of the elements one part of a screen builds
// on every render (a list's rows): rebuilding the part releases the
// listeners of the elements it replaces, so a tab left open for days holds
// the listeners of what it shows, not of everything it ever showed.
type handlers struct {
	funcs []js.Func
	shown any // the view model the part was built from
}

// rebuild reports whether the part must be built again for view model m:
// not when it shows m already, so a render that changes nothing of it
// keeps its elements (the focus, a row being clicked). When it must, the
// previous build's listeners are released (see reset).
func (h *handlers) rebuild(m any) bool {
	if h.shown != nil && reflect.DeepEqual(h.shown, m) {
		return false
	}
	h.shown = m
	h.reset()
	return true
}

// on is on for an element of this build.
func (h *handlers) on(e js.Value, event string, fn func()) {
	h.funcs = append(h.funcs, listen(e, event, fn))
}

// reset releases the listeners of the previous build. Call it when
// building the part again, before its old elements are replaced in the
// same render (no event is dispatched in between: the panel's goroutines
// share the page's one thread).
func (h *handlers) reset() {
	for i, f := range h.funcs {
		f.Release()
		h.funcs[i] = js.Func{}
	}
	live -= len(h.funcs)
	h.funcs = h.funcs[:0]
}

// requestTimeout bounds a request the panel makes to the server on the
// user's behalf.
const requestTimeout = 30 * time.Second

// requestContext is the context of such a request.
func requestContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), requestTimeout)
}

// action makes btn (of this build) run fn against the server when pressed:
// the button is disabled meanwhile; an error is shown in errEl and the
// button enabled again; the panel is rendered after.
func (h *handlers) action(p *panel, btn, errEl js.Value, fn func(ctx context.Context) error) {
	h.on(btn, "click", func() {
		setText(errEl, "")
		setDisabled(btn, true)
		ctx, cancel := requestContext()
		defer cancel()
		if err := fn(ctx); err != nil {
			setText(errEl, core.UserMessage(err))
			setDisabled(btn, false)
		}
		p.refresh()
	})
}

func value(e js.Value) string { return e.Get("value").String() }

func setDisabled(e js.Value, d bool) { e.Set("disabled", d) }

func replaceChildren(e js.Value, kids ...js.Value) {
	args := make([]any, len(kids))
	for i, k := range kids {
		args[i] = k
	}
	e.Call("replaceChildren", args...)
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// blobURL makes an object URL for bytes (revoke it when done).
func blobURL(data []byte, typ string) string {
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	blob := js.Global().Get("Blob").New(js.Global().Get("Array").New(arr), map[string]any{"type": typ})
	return js.Global().Get("URL").Call("createObjectURL", blob).String()
}

// readFile reads a File from an <input type=file>; call it from a goroutine.
func readFile(f js.Value) ([]byte, error) {
	buf, err := await(f.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	arr := js.Global().Get("Uint8Array").New(buf)
	data := make([]byte, arr.Length())
	js.CopyBytesToGo(data, arr)
	return data, nil
}

// await waits for a promise and returns its value, or its rejection (as
// the error's text: "NotAllowedError: …").
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	then := js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	fail := js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "failed"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		done <- result{err: errors.New(msg)}
		return nil
	})
	defer then.Release()
	defer fail.Release()
	p.Call("then", then, fail)
	r := <-done
	return r.v, r.err
}

// setEnabled enables or disables a button; a disabled one says why (its
// title, read by screen readers too).
func setEnabled(e js.Value, enabled bool, reason string) {
	e.Set("disabled", !enabled)
	if enabled || reason == "" {
		e.Call("removeAttribute", "title")
	} else {
		e.Call("setAttribute", "title", reason)
	}
}

// trapFocus keeps Tab and Shift+Tab inside a dialog, and calls escape on
// Escape.
func trapFocus(dialog js.Value, escape func()) {
	dialog.Call("addEventListener", "keydown", js.FuncOf(func(this js.Value, args []js.Value) any {
		ev := args[0]
		switch ev.Get("key").String() {
		case "Escape":
			ev.Call("preventDefault")
			escape()
		case "Tab":
			items := dialog.Call("querySelectorAll", "button:not([disabled]), input:not([disabled]), a[href]")
			n := items.Get("length").Int()
			if n == 0 {
				return nil
			}
			first, last := items.Index(0), items.Index(n-1)
			active := document.Get("activeElement")
			if ev.Get("shiftKey").Bool() && active.Equal(first) {
				ev.Call("preventDefault")
				last.Call("focus")
			} else if !ev.Get("shiftKey").Bool() && active.Equal(last) {
				ev.Call("preventDefault")
				first.Call("focus")
			}
		}
		return nil
	}))
}

// onDrop calls fn with a file dropped on e, marking e while one is dragged
// over it.
func onDrop(e js.Value, fn func(file js.Value)) {
	over := js.FuncOf(func(this js.Value, args []js.Value) any {
		args[0].Call("preventDefault")
		e.Get("classList").Call("add", "dragging")
		return nil
	})
	e.Call("addEventListener", "dragover", over)
	e.Call("addEventListener", "dragenter", over)
	e.Call("addEventListener", "dragleave", js.FuncOf(func(this js.Value, args []js.Value) any {
		e.Get("classList").Call("remove", "dragging")
		return nil
	}))
	e.Call("addEventListener", "drop", js.FuncOf(func(this js.Value, args []js.Value) any {
		args[0].Call("preventDefault")
		e.Get("classList").Call("remove", "dragging")
		files := args[0].Get("dataTransfer").Get("files")
		if files.Length() > 0 {
			f := files.Index(0)
			go fn(f)
		}
		return nil
	}))
}
