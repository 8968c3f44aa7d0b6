// Package envflag registers command-line flags whose defaults come from
// environment variables, named in their usage ("[$DIALNEXA_ADDR]"): the
// server's flags and its admin commands' share the rule.
package envflag

import (
	"flag"
	"fmt"
	"os"
	"strconv"
)

// Set registers flags on FS. A variable that does not parse is an error,
// kept in Err for after registration.
type Set struct {
	FS  *flag.FlagSet
	Err error
}

func usage(text, env string) string { return text + " [$" + env + "]" }

// String registers a string flag defaulting to $env or def.
func (e *Set) String(p *string, name, env, def, text string) {
	e.FS.StringVar(p, name, Or(env, def), usage(text, env))
}

// Bool registers a boolean flag defaulting to $env (true or false).
func (e *Set) Bool(p *bool, name, env, text string) {
	e.parse(env, "true or false", func(v string) (err error) { *p, err = strconv.ParseBool(v); return })
	e.FS.BoolVar(p, name, *p, usage(text, env))
}

// Float registers a number flag defaulting to $env or def.
func (e *Set) Float(p *float64, name, env string, def float64, text string) {
	*p = def
	e.parse(env, "a number", func(v string) (err error) { *p, err = strconv.ParseFloat(v, 64); return })
	e.FS.Float64Var(p, name, *p, usage(text, env))
}

// Int registers a whole-number flag defaulting to $env or def.
func (e *Set) Int(p *int, name, env string, def int, text string) {
	*p = def
	e.parse(env, "a whole number", func(v string) (err error) { *p, err = strconv.Atoi(v); return })
	e.FS.IntVar(p, name, *p, usage(text, env))
}

// parse reads env with set when it is given.
func (e *Set) parse(env, want string, set func(string) error) {
	if v := os.Getenv(env); v != "" {
		if err := set(v); err != nil && e.Err == nil {
			e.Err = fmt.Errorf("%s=%q: want %s", env, v, want)
		}
	}
}

// Or is $k, or def when it is unset or empty.
func Or(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
