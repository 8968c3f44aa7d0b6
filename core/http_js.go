package core

import (
	"context"
	"errors"
	"syscall/js"
)

// fetchHTTP is the browser panel's HTTP client: the page's fetch, which
// sends the session cookie itself (same origin) and never exposes it.
type fetchHTTP struct{}

func defaultHTTP() Doer { return fetchHTTP{} }

// Do implements Doer. It must not be called from inside a js.FuncOf
// callback (it waits for promises).
func (fetchHTTP) Do(ctx context.Context, method, url string, header map[string]string, body []byte) (int, []byte, error) {
	opts := map[string]any{"method": method, "credentials": "same-origin", "cache": "no-store"}
	h := map[string]any{}
	for k, v := range header {
		h[k] = v
	}
	opts["headers"] = h
	if body != nil {
		arr := js.Global().Get("Uint8Array").New(len(body))
		js.CopyBytesToJS(arr, body)
		opts["body"] = arr
	}
	ac := js.Global().Get("AbortController").New()
	opts["signal"] = ac.Get("signal")
	stop := context.AfterFunc(ctx, func() { ac.Call("abort") })
	defer stop()
	resp, err := awaitPromise(ctx, js.Global().Call("fetch", url, opts))
	if err != nil {
		return 0, nil, err
	}
	buf, err := awaitPromise(ctx, resp.Call("arrayBuffer"))
	if err != nil {
		return 0, nil, err
	}
	arr := js.Global().Get("Uint8Array").New(buf)
	data := make([]byte, arr.Length())
	js.CopyBytesToGo(data, arr)
	return resp.Get("status").Int(), data, nil
}

// awaitPromise waits for a promise.
func awaitPromise(ctx context.Context, p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	catch := js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "request failed"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	p.Call("then", then, catch)
	select {
	case r := <-ch:
		then.Release()
		catch.Release()
		return r.v, r.err
	case <-ctx.Done():
		// The promise may still settle and call them: they are left for
		// the garbage collector rather than released under its feet.
		return js.Undefined(), ctx.Err()
	}
}
