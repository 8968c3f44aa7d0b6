//go:build !js

package core_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestClientsOnlyLayOut holds the line between core and the two clients:
// the desktop app (app/) and the panel (wasm/) lay out core's view models
// and decide nothing about the account themselves. They may not read the
// account view (Snapshot.View), ask whether the server can be reached
// (Online, ServerAction: a view model's Control says), or compare roles.
func TestClientsOnlyLayOut(t *testing.T) {
	roles := map[string]bool{"owner": true, "admin": true, "member": true}
	decisions := map[string]string{
		"Online":           "use the view model's Control",
		"ServerAction":     "use the view model's Control",
		"ManagesWorkspace": "use the workspace card's fields",
		"RoleOwner":        "use the workspace card's fields",
		"RoleAdmin":        "use the workspace card's fields",
		"RoleMember":       "use the workspace card's fields",
	}
	for _, dir := range []string{"../app", "../wasm"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			called := map[*ast.SelectorExpr]bool{}
			ast.Inspect(file, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
						called[sel] = true
					}
				}
				return true
			})
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					name := n.Sel.Name
					if name == "View" && !called[n] {
						t.Errorf("%s: reads the account view (.View): lay out a core view model instead", fset.Position(n.Pos()))
					}
					if why, ok := decisions[name]; ok && (called[n] || strings.HasPrefix(name, "Role")) {
						t.Errorf("%s: decides with %s: %s", fset.Position(n.Pos()), name, why)
					}
				case *ast.BinaryExpr:
					if n.Op != token.EQL && n.Op != token.NEQ {
						return true
					}
					for _, side := range []ast.Expr{n.X, n.Y} {
						if lit, ok := side.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							if s, _ := strconv.Unquote(lit.Value); roles[s] {
								t.Errorf("%s: compares a role (%s): use the workspace card's fields", fset.Position(n.Pos()), lit.Value)
							}
						}
					}
				case *ast.CaseClause:
					for _, e := range n.List {
						if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							if s, _ := strconv.Unquote(lit.Value); roles[s] {
								t.Errorf("%s: switches on a role (%s): use the workspace card's fields", fset.Position(n.Pos()), lit.Value)
							}
						}
					}
				}
				return true
			})
		}
	}
}
