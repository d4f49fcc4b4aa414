package badge

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportsNothingOfCertlab keeps internal/badge a leaf: the server and
// the command import it, never the other way round.
func TestImportsNothingOfCertlab(t *testing.T) {
	t.Parallel()
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatalf("read package: %v", err)
	}
	for _, imp := range append(pkg.Imports, pkg.TestImports...) {
		if strings.HasPrefix(imp, "github.com/certlab/certlab/") {
			t.Errorf("internal/badge imports %s; it must not depend on the rest of certlab", imp)
		}
	}
	if len(pkg.Imports) == 0 {
		t.Fatal("found no imports at all; the check is not reading the package")
	}
}
