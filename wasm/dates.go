//go:build js && wasm

package main

import (
	"math"
	"syscall/js"
	"time"

	"github.com/dialnexa/account/core"
)

// Dates in the browser's language and time zone, through Intl: the panel
// speaks the user's locale where the desktop app uses one fixed format.
var (
	intl         = js.Global().Get("Intl")
	dateTimeFmt  = intl.Get("DateTimeFormat").New(js.Undefined(), map[string]any{"dateStyle": "medium", "timeStyle": "short"})
	relativeFmt  = intl.Get("RelativeTimeFormat").New(js.Undefined(), map[string]any{"numeric": "auto"})
	jsDate       = js.Global().Get("Date")
	relativeUnit = []struct {
		unit string
		size time.Duration
	}{{"day", 24 * time.Hour}, {"hour", time.Hour}, {"minute", time.Minute}}
)

// fmtTime is t as the browser writes a date and time ("Nov 27, 2026,
// 2:05 PM" in American English, "27 nov. 2026, 14:05" in French).
func fmtTime(t time.Time) string {
	return dateTimeFmt.Call("format", jsDate.New(float64(t.UnixMilli()))).String()
}

// timeElement is a <time> with the machine-readable instant and the
// browser's wording.
func timeElement(t time.Time) js.Value {
	return el("time", attrs{"datetime": t.UTC().Format(time.RFC3339)}, txt(fmtTime(t)))
}

// fmtAgo is how long ago t was, in the browser's words ("5 minutes ago",
// "yesterday"); past a week, the date.
func fmtAgo(t time.Time) string {
	d := time.Since(t)
	if d < time.Minute {
		return relativeFmt.Call("format", 0, "second").String()
	}
	if d > 7*24*time.Hour {
		return fmtTime(t)
	}
	for _, u := range relativeUnit {
		if d >= u.size {
			return relativeFmt.Call("format", -math.Floor(float64(d)/float64(u.size)), u.unit).String()
		}
	}
	return fmtTime(t)
}

// panelDates are how the panel writes times in the view models.
var panelDates = core.Dates{Time: fmtTime, Ago: fmtAgo}
