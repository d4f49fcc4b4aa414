package lab

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzUnpack feeds arbitrary uploads to the unpacker: it either refuses
// them as a bad archive or unpacks files that all stay inside the folder.
func FuzzUnpack(f *testing.F) {
	f.Add(tarGz(f, entry{name: "a.txt", body: "hello"}, entry{name: "d/", typ: '5'}))
	f.Add(tarGz(f, entry{name: "../x", body: "x"}))
	f.Add(tarGz(f, entry{name: "l", link: "../../etc", typ: '2'}, entry{name: "l/passwd", body: "x"}))
	f.Add(zipOf(f, entry{name: "a/b.txt", body: "x"}))
	f.Add(zipOf(f, entry{name: "l", link: "a"}))
	f.Add([]byte("# v2 git bundle\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, []byte("# v")) {
			return // bundles run git: covered by the unit tests
		}
		parent := t.TempDir()
		dest := filepath.Join(parent, "ws")
		lim := Limits{MaxUpload: 1 << 20, MaxUnpacked: 1 << 20, MaxFiles: 200}
		_, err := Unpack(context.Background(), bytes.NewReader(data), dest, lim)
		if err != nil && !errors.Is(err, ErrBadArchive) && !os.IsPermission(err) {
			t.Fatalf("an error that is not a refusal: %v", err)
		}
		// Nothing may appear beside the destination.
		entries, _ := os.ReadDir(parent)
		for _, e := range entries {
			if e.Name() != "ws" {
				t.Fatalf("unpacking wrote %s outside the workspace", e.Name())
			}
		}
		_ = filepath.Walk(dest, func(p string, info os.FileInfo, err error) error {
			if err == nil && info.Mode()&os.ModeSymlink != 0 {
				target, _ := os.Readlink(p)
				resolved := filepath.Clean(filepath.Join(filepath.Dir(p), target))
				if !strings.HasPrefix(resolved, dest) {
					t.Fatalf("link %s points outside: %s", p, target)
				}
			}
			return nil
		})
	})
}

// FuzzParseManifest: any manifest text parses or gives an error, never a
// panic, for every manifest name.
func FuzzParseManifest(f *testing.F) {
	f.Add("package-lock.json", `{"packages": {"node_modules/a": {"version": "1.0.0"}}}`)
	f.Add("App.csproj", `<Project><ItemGroup><PackageReference Include="A" Version="1.0" /></ItemGroup></Project>`)
	f.Add("go.mod", "module x\nrequire a.b/c v1.2.3\n")
	f.Add("requirements.txt", "flask==3.0.0\n")
	f.Add("packages.lock.json", `{"dependencies": {"net8.0": {"A": {"resolved": "1.0.0"}}}}`)
	f.Add("package.json", `{"dependencies": {"a": "^1.2.3"}}`)
	f.Fuzz(func(t *testing.T, name, body string) {
		deps, err := ParseManifest(name, []byte(body))
		if err != nil {
			return
		}
		rec := osvRecord{ID: "X"}
		for _, d := range deps {
			for _, eco := range []string{"npm", "NuGet", "Go", "PyPI"} {
				_ = rec.affects(eco, d.Name, d.Version)
			}
		}
	})
}

// FuzzQuery: any path parses or gives an error, and evaluating it never
// panics.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"a.b[0]", "a[*].b", "a[x=1].c", `["a.b"].c`, "a[", "[*][*]", ".."} {
		f.Add(s)
	}
	doc := map[string]any{"a": []any{map[string]any{"x": "1", "b": "y"}}}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQuery(s)
		if err != nil {
			return
		}
		_ = q.eval(doc)
	})
}

// FuzzLoad: any lab.yaml loads or reports problems with a line, never
// panics.
func FuzzLoad(f *testing.F) {
	f.Add("id: l\ntitle: T\npool: practice\nminutes: 5\ndifficulty: 1\nobjectives: {v1: [a]}\nverified: 2026-12-01\nreferences: [https://x.org]\nsolution: s.sh\ntasks:\n  - id: t\n    title: T\n    checks:\n      - {type: git-branch, name: x, feedback: f}\n")
	f.Add("setup:\n  git:\n    - commit: {message: m, files: {a: b}}\n    - bogus: 1\n")
	f.Add("tasks: [{id: t, checks: [{type: yaml, file: a, match: [{path: 'a['}], feedback: f}]}]")
	f.Fuzz(func(t *testing.T, src string) {
		fsys := fstest.MapFS{"l/lab.yaml": {Data: []byte(src)}, "l/README.md": {Data: []byte("x")}, "l/s.sh": {Data: []byte("true")}}
		l, diags := Load(fsys, "l", "l")
		if l == nil && len(diags) == 0 {
			t.Fatal("no lab and no diagnostic")
		}
	})
}

// FuzzBicepParam: the .bicepparam reader never panics.
func FuzzBicepParam(f *testing.F) {
	f.Add("using 'main.bicep'\nparam a = 'x'\n")
	f.Fuzz(func(t *testing.T, src string) {
		parseBicepParam(src)
	})
}
