package pipelines

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestIndependentOfCertlab keeps the package independent of the rest of
// certlab: it may import only itself and its own sub-packages.
func TestIndependentOfCertlab(t *testing.T) {
	const module = "github.com/certlab/certlab/"
	const self = module + "internal/pipelines"
	checked := 0
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, module) && p != self && !strings.HasPrefix(p, self+"/") {
				t.Errorf("%s imports %s: internal/pipelines must not depend on the rest of certlab", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("only %d Go files checked", checked)
	}
}
