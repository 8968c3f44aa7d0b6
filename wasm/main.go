//go:build js && wasm

// Command wasm is the DialNexa Account browser panel, compiled to
// WebAssembly and served by the sync server. It renders real HTML through
// syscall/js, keeps the account in IndexedDB, and authenticates with the
// server's HttpOnly session cookie (it never sees the token).
package main

import (
	"context"
	"syscall/js"

	"github.com/dialnexa/account/core"
)

func main() {
	origin := js.Global().Get("location").Get("origin").String()
	root := byID("app")
	st, err := core.OpenStore("dialnexa-account")
	if err != nil {
		fatal(root, err)
		return
	}
	var p *panel
	// The browser's IANA time zone: a new account starts in it.
	zone := js.Global().Get("Intl").Get("DateTimeFormat").New().Call("resolvedOptions").Get("timeZone").String()
	client, err := core.NewClient(core.Config{Server: origin, Store: st, TimeZone: zone, OnChange: func() { p.refresh() }})
	if err != nil {
		fatal(root, err)
		return
	}
	p = newPanel(root, client)
	p.next, p.fresh = core.ContinueTo(js.Global().Get("location").Get("search").String())
	if why := core.ContinueText(p.next); why != "" {
		p.auth.forNext(why)
	}
	if p.fresh && client.Snapshot().SignedIn() {
		// The application wants the user to sign in again.
		client.SignOut(context.Background())
	}
	// What the panel holds, for support (from the browser's console) and
	// the tests: snapshots rendered and event listeners held (which stay
	// bounded however long the tab stays open).
	js.Global().Set("dialnexaDiagnostics", js.FuncOf(func(js.Value, []js.Value) any {
		return map[string]any{"renders": p.renders, "listeners": live}
	}))
	p.refresh()
	// The panel lives as long as its page: the sync runs on the main
	// goroutine, which then waits for the handlers of events still running.
	client.Run(context.Background())
	events.Wait()
}

func fatal(root js.Value, err error) {
	root.Set("textContent", "")
	root.Call("append", el("p", attrs{"class": "error", "role": "alert"}, txt("DialNexa Account cannot start: "+err.Error())))
}
