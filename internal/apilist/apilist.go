// Package apilist lists the exported names of a Go package from its
// source, so that a package can keep the reviewed list of its API in a file
// (api.txt) and a test can fail when the two differ: growth of the API is
// then a decision, made in the change that adds the name.
package apilist

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strings"
)

// Names returns the exported names declared by the non-test Go files of
// the package in dir, sorted, one entry each: "const X", "var X", "func
// X", "type T", "method T.M" (of exported types, generic ones included) and
// "field T.F" (of exported struct types).
func Names(dir string) ([]string, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("apilist: %w", err)
	}
	var names []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				names = append(names, declNames(d)...)
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

func declNames(d ast.Decl) []string {
	var out []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() {
			return nil
		}
		if d.Recv == nil {
			return []string{"func " + d.Name.Name}
		}
		if recv := receiver(d.Recv.List[0].Type); ast.IsExported(recv) {
			return []string{"method " + recv + "." + d.Name.Name}
		}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				if !s.Name.IsExported() {
					continue
				}
				out = append(out, "type "+s.Name.Name)
				if st, ok := s.Type.(*ast.StructType); ok {
					for _, fl := range st.Fields.List {
						for _, n := range fl.Names {
							if n.IsExported() {
								out = append(out, "field "+s.Name.Name+"."+n.Name)
							}
						}
					}
				}
			case *ast.ValueSpec:
				word := "var "
				if d.Tok == token.CONST {
					word = "const "
				}
				for _, n := range s.Names {
					if n.IsExported() {
						out = append(out, word+n.Name)
					}
				}
			}
		}
	}
	return out
}

// receiver returns the name of a method's receiver type: T for T, *T,
// T[P] and *T[P, Q].
func receiver(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// Check compares the names of the package in dir with the reviewed list in
// the file list (one name per line; blank lines and lines starting with
// "#" are comments) and returns an error that lists the names added and
// removed since the review, or nil.
func Check(dir, list string) error {
	got, err := Names(dir)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(list)
	if err != nil {
		return fmt.Errorf("apilist: reading the reviewed list: %w", err)
	}
	var want []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			want = append(want, l)
		}
	}
	slices.Sort(want)
	var added, removed []string
	for _, n := range got {
		if _, found := slices.BinarySearch(want, n); !found {
			added = append(added, n)
		}
	}
	for _, n := range want {
		if _, found := slices.BinarySearch(got, n); !found {
			removed = append(removed, n)
		}
	}
	if len(added) == 0 && len(removed) == 0 {
		return nil
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "the exported API differs from the reviewed list %s: update the list in the same change if the difference is meant\n", list)
	for _, n := range added {
		fmt.Fprintf(&msg, "  + %s\n", n)
	}
	for _, n := range removed {
		fmt.Fprintf(&msg, "  - %s\n", n)
	}
	return fmt.Errorf("%s", msg.String())
}
