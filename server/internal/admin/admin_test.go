package admin

import (
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"
)

// admin with no command fails; each command's -h shows its own flags.
func TestAdminCommands(t *testing.T) {
	if err := Run(nil); err == nil {
		t.Error("admin without a command succeeded")
	}
	var names []string
	adminCommands()["backup"].fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if !slices.Equal(names, []string{"data", "out", "server"}) {
		t.Errorf("admin backup's flags: %v, want only data, out and server", names)
	}
	if err := Run([]string{"disable-2fa", "-email", "a@example.com"}); err == nil || !strings.Contains(err.Error(), "at least 5 characters") {
		t.Errorf("disable-2fa without a note: %v, want the note's rule", err)
	}
}

// Every command's -server and -data name their environment variables,
// and -h is not an error.
func TestAdminFlagsNameTheirVariables(t *testing.T) {
	for _, cmd := range []string{"backup", "disable-2fa", "event", "oidc-client add", "rotate-keys"} {
		c := adminCommands()[cmd]
		for _, name := range []string{"server", "data"} {
			if f := c.fs.Lookup(name); f == nil || !strings.Contains(f.Usage, "[$DIALNEXA_") {
				t.Errorf("admin %s -%s names no environment variable", cmd, name)
			}
		}
	}
	if err := Run([]string{"event", "-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("admin event -h = %v, want flag.ErrHelp (exit 0)", err)
	}
}
