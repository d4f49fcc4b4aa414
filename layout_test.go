package certlab_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/certlab/certlab"

// projectImports maps each package directory to the project packages its
// non-test files import.
func projectImports(t *testing.T) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if out[dir] == nil {
			out[dir] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if p == module {
				out[dir]["."] = true
			} else if rel, ok := strings.CutPrefix(p, module+"/"); ok {
				out[dir][rel] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDependencyDirection keeps the architecture visible: the domain
// package imports nothing of the project, the numeric and format packages
// stand alone, adapters never import each other, and only the wiring
// (internal/app, cmd/) chooses concrete databases.
func TestDependencyDirection(t *testing.T) {
	imports := projectImports(t)
	// package tree -> the only project packages outside its own tree it may import
	standalone := map[string][]string{
		".":                  nil,
		"internal/pipelines": nil,
		"internal/irt":       nil,
		"internal/srs":       nil,
		"internal/cat":       nil,
		"internal/readiness": {"internal/cat"},
		"internal/badge":     nil,
		"internal/auth":      nil,
		"internal/pack":      {".", "internal/item"},
		"internal/item":      {"."},
		"internal/sqlstore":  {"."},
	}
	for dir, deps := range imports {
		for pkg, allowed := range standalone {
			if dir != pkg && !strings.HasPrefix(dir, pkg+"/") || pkg == "." && dir != "." {
				continue
			}
			for dep := range deps {
				ok := pkg != "." && (dep == pkg || strings.HasPrefix(dep, pkg+"/"))
				for _, a := range allowed {
					ok = ok || dep == a
				}
				if !ok {
					t.Errorf("%s imports %s: it must stay independent (allowed: %v)", dir, dep, allowed)
				}
			}
		}
		if !strings.HasPrefix(dir, "cmd/") && dir != "internal/app" {
			for _, db := range []string{"internal/sqlite", "internal/postgres"} {
				if deps[db] && dir != db {
					t.Errorf("%s imports %s: only internal/app (the wiring) and cmd/ choose the database", dir, db)
				}
			}
		}
		// The two front ends sit side by side (internal/server mounts both).
		if dir == "internal/web" && deps["internal/api"] || dir == "internal/api" && deps["internal/web"] {
			t.Errorf("%s imports the other front end: share code through a package below both", dir)
		}
		if strings.HasPrefix(dir, "internal/api") && deps["internal/sqlstore"] {
			t.Errorf("%s imports internal/sqlstore: the API works through the certlab.Store interface", dir)
		}
	}
	if len(imports["."]) != 0 {
		t.Errorf("the domain package imports %v", imports["."])
	}
	if len(imports) < 10 {
		t.Fatalf("only %d packages found: the walk is broken", len(imports))
	}
}
