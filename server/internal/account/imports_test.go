package account_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestKnowsNoTransport keeps the domain free of HTTP and sockets: those
// belong to the adapters (httpapi, syncsrv).
func TestKnowsNoTransport(t *testing.T) {
	forbidden := []string{"net/http", "github.com/dialnexa/account/sync/hub", "github.com/dialnexa/account/sync/transport",
		"github.com/dialnexa/account/server/internal/httpapi", "github.com/dialnexa/account/server/internal/syncsrv",
		"github.com/dialnexa/account/server/internal/node"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if path == bad {
					t.Errorf("%s imports %s", name, path)
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d files; run from the package directory", checked)
	}
}
