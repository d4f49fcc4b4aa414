package certlab_test

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
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

// allowedImports is the layout: for every package, the project packages
// its non-test files may import. A package missing from the table, or an
// import missing from its list, fails TestLayout: adding either is a
// design decision to make here, in review, not by accident. ARCHITECTURE.md
// shows the same table. "." is the domain package certlab.
var allowedImports = map[string][]string{
	// The domain: types, errors and interfaces; imports nothing.
	".": nil,

	// Stand-alone libraries: numeric methods, formats, engines. They know
	// nothing of certlab's domain, so they could be their own modules.
	"internal/auth":            nil, // argon2id passwords, tokens
	"internal/badge":           nil, // Open Badges 3.0: sign, verify, bake
	"internal/badge/badgetest": {"internal/badge"},
	"internal/cat":             nil, // computerized adaptive testing
	"internal/chart":           nil, // SVG charts
	"internal/fixture":         nil, // test fixtures and the CI tool rule
	"internal/irt":             nil, // item response theory
	"internal/irt/itemreport":  {"internal/irt"},
	"internal/mail":            nil,
	"internal/pipelines":       {"internal/pipelines/expr"},
	"internal/pipelines/expr":  nil,
	"internal/pipelines/lsp":   {"internal/pipelines"},
	"internal/readiness":       {"internal/cat"},
	"internal/srs":             nil, // FSRS spaced repetition
	"content":                  nil, // the embedded program packs

	// Content: item kinds, pack loading, labs.
	"internal/item": {"."},
	"internal/pack": {".", "internal/item"},
	"internal/lab":  {".", "internal/pipelines"},

	// Storage: one SQL store, two drivers, one contract suite.
	"internal/sqlstore":  {"."},
	"internal/sqlite":    {"internal/sqlstore"},
	"internal/postgres":  {"internal/sqlstore"},
	"internal/storetest": {".", "internal/badge", "internal/badge/badgetest", "internal/credential"},

	// Services: one concept each, on the domain's Store interface.
	"internal/audit":          {"."},
	"internal/account":        {".", "internal/auth", "internal/audit", "internal/mail", "internal/clientip"},
	"internal/exam":           {".", "internal/item"},
	"internal/study":          {".", "internal/cat", "internal/exam", "internal/irt", "internal/item", "internal/readiness", "internal/srs", "internal/chart"},
	"internal/credential":     {".", "internal/audit", "internal/auth", "internal/badge", "internal/mail"},
	"internal/schedule":       {".", "internal/audit", "internal/mail"},
	"internal/proctor":        {".", "internal/audit", "internal/exam"},
	"internal/examstart":      {".", "internal/credential", "internal/exam", "internal/schedule"},
	"internal/pathway":        {"."},
	"internal/sandbox":        {".", "internal/exam", "internal/item"},
	"internal/authoring":      {".", "internal/audit", "internal/irt", "internal/irt/itemreport", "internal/item", "internal/lab", "internal/pack"},
	"internal/cohort":         {".", "internal/audit", "internal/exam", "internal/study"},
	"internal/overview":       {"."},
	"internal/labrun/labtest": {"internal/lab"},
	"internal/labrun":         {".", "internal/exam", "internal/lab", "internal/study"},
	"internal/strictjson":     nil,
	"internal/loadtest":       {"internal/exam", "internal/item"},
	"internal/clientip":       nil,
	"internal/metrics":        nil,
	"internal/tracing":        nil,

	// HTTP: shared pieces below both front ends, the two front ends side by
	// side, and the server that composes them.
	"internal/httperror": {"."},
	"internal/session":   {".", "internal/auth", "internal/httperror", "internal/account"},
	"internal/api": {".", "internal/account", "internal/audit", "internal/chart", "internal/credential", "internal/exam",
		"internal/examstart", "internal/httperror", "internal/proctor", "internal/schedule", "internal/session", "internal/study", "internal/pathway", "internal/authoring", "internal/cohort", "internal/item", "internal/overview", "internal/labrun", "internal/strictjson"},
	"internal/web": {".", "internal/account", "internal/chart", "internal/credential", "internal/exam", "internal/examstart",
		"internal/httperror", "internal/item", "internal/schedule", "internal/session", "internal/study", "internal/pathway", "internal/sandbox", "internal/authoring", "internal/lab", "internal/cohort", "internal/mail", "internal/overview", "internal/audit", "internal/proctor", "internal/labrun"},
	"internal/obapi":  {".", "internal/auth", "internal/credential", "internal/httperror", "internal/session"},
	"internal/server": {".", "internal/api", "internal/httperror", "internal/obapi", "internal/session", "internal/clientip", "internal/metrics", "internal/tracing"},

	// Clients: the API client and the terminal UI on it.
	"internal/client":   {".", "internal/exam", "internal/examstart", "internal/pathway", "internal/labrun"},
	"internal/terminal": {".", "internal/client", "internal/exam", "internal/examstart", "internal/item", "internal/lab", "internal/labrun"},

	// Wiring: the only places that choose concrete databases.
	"internal/app": {".", "content", "internal/account", "internal/api", "internal/audit", "internal/auth", "internal/credential",
		"internal/exam", "internal/mail", "internal/obapi", "internal/pack", "internal/postgres", "internal/proctor",
		"internal/schedule", "internal/server", "internal/session", "internal/sqlite", "internal/sqlstore", "internal/study", "internal/web", "internal/cohort", "internal/authoring", "internal/lab", "internal/labrun", "internal/metrics", "internal/clientip", "internal/tracing"},
	"internal/app/apptest": {".", "content", "internal/app", "internal/auth", "internal/badge", "internal/pack", "internal/lab"},
	"cmd/certlab": {".", "content", "internal/account", "internal/app", "internal/auth", "internal/badge", "internal/client",
		"internal/credential", "internal/exam", "internal/irt", "internal/irt/itemreport", "internal/item", "internal/lab",
		"internal/mail", "internal/pack", "internal/pipelines", "internal/pipelines/lsp", "internal/sqlstore", "internal/terminal", "internal/pathway", "internal/authoring", "internal/labrun", "internal/loadtest", "internal/sqlite", "internal/server", "internal/clientip", "internal/tracing"},
}

// TestLayout holds every package to its entry in allowedImports.
func TestLayout(t *testing.T) {
	imports := projectImports(t)
	for dir, deps := range imports {
		allowed, ok := allowedImports[dir]
		if !ok {
			t.Errorf("package %s is not in allowedImports (layout_test.go): add it with the project packages it may import (now %v)", dir, keys(deps))
			continue
		}
		set := map[string]bool{}
		for _, a := range allowed {
			set[a] = true
		}
		for dep := range deps {
			if !set[dep] {
				t.Errorf("%s imports %s, which its entry in allowedImports (layout_test.go) does not allow: %v", dir, dep, allowed)
			}
		}
	}
	for dir := range allowedImports {
		if _, ok := imports[dir]; !ok {
			t.Errorf("allowedImports lists %s, which has no Go files: remove it", dir)
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
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

// layoutTable renders allowedImports as the Markdown table ARCHITECTURE.md
// shows under "Layout".
func layoutTable() string {
	name := func(p string) string {
		if p == "." {
			return "`certlab`"
		}
		return "`" + p + "`"
	}
	pkgs := make([]string, 0, len(allowedImports))
	for p := range allowedImports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	var b strings.Builder
	b.WriteString("| package | may import |\n|---|---|\n")
	for _, p := range pkgs {
		deps := append([]string(nil), allowedImports[p]...)
		sort.Strings(deps)
		names := make([]string, len(deps))
		for i, d := range deps {
			names[i] = name(d)
		}
		may := strings.Join(names, ", ")
		if may == "" {
			may = "nothing of the project"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", name(p), may)
	}
	return b.String()
}

// TestArchitectureLayoutTable keeps ARCHITECTURE.md's layout table equal
// to allowedImports, so the document shows what the test enforces.
func TestArchitectureLayoutTable(t *testing.T) {
	doc, err := os.ReadFile("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- layout:begin (generated from layout_test.go) -->\n", "<!-- layout:end -->"
	_, rest, ok := strings.Cut(string(doc), begin)
	table, _, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		t.Fatalf("ARCHITECTURE.md has no %q … %q section", strings.TrimSpace(begin), end)
	}
	if want := layoutTable(); table != want {
		t.Errorf("ARCHITECTURE.md's layout table differs from allowedImports; replace it with:\n%s", want)
	}
}
