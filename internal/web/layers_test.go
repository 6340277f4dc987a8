package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHandlersDoNotCallTheStore holds the rule of issue 13: a handler
// parses, calls a capability and renders. No handler of an audience
// (admin, public, api) calls a method of the store or keeps the store in a
// variable of its own; it may hand the store to a capability
// (accounts.Login(ctx, h.Store, …), export.WriteFile(ctx, h.Store, …)).
func TestHandlersDoNotCallTheStore(t *testing.T) {
	fset := token.NewFileSet()
	for _, dir := range []string{"admin", "public", "api"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					if isStore(n.X) {
						t.Errorf("%s: %s.%s calls the store; call a capability instead", fset.Position(n.Pos()), "Store", n.Sel.Name)
					}
				case *ast.AssignStmt:
					for _, e := range n.Rhs {
						if isStore(e) {
							t.Errorf("%s: keeps the store in a variable; call a capability instead", fset.Position(n.Pos()))
						}
					}
				}
				return true
			})
		}
	}
}

// isStore reports whether e is x.Store for an identifier x (the handler's
// or the server's store).
func isStore(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Store" {
		return false
	}
	_, ok = sel.X.(*ast.Ident)
	return ok
}
