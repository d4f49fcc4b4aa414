package certlab_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// kindSwitch matches code that decides by an item's type: a comparison or a
// case on a Type constant or a type name, in Go, templates or scripts.
var kindSwitch = regexp.MustCompile(`(?:case|==|!=|eq [^}]*Type)\s*(?:certlab\.Type[A-Z]\w*|"(?:single|multiple|ordering|matching|hotarea|activescreen|yesno-series|lab)")` +
	`|switch\s+[\w.]*\.Type\s*\{` +
	`|Type\s*(?:==|!=)\s*certlab\.Type`)

// TestNoKindSwitchOutsideRegistry: item kinds live in internal/item, one
// file each; every other package looks the kind up. A comparison with an
// item type anywhere else (Go outside tests, templates, scripts) fails.
func TestNoKindSwitchOutsideRegistry(t *testing.T) {
	var found []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch {
			case path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules"):
				return filepath.SkipDir
			case filepath.ToSlash(path) == "internal/item", filepath.ToSlash(path) == "internal/pipelines", filepath.ToSlash(path) == "content":
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		if strings.HasSuffix(path, "_test.go") || (ext != ".go" && ext != ".html" && ext != ".js") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if kindSwitch.MatchString(line) {
				found = append(found, filepath.ToSlash(path)+":"+strconv.Itoa(i+1)+": "+strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("decides by item type outside internal/item: %s", f)
	}
}

func TestKindSwitchPatternCatchesSwitches(t *testing.T) {
	for _, line := range []string{
		`case certlab.TypeSingle:`,
		`if it.Type == certlab.TypeYesNoSeries {`,
		`if it.Type != certlab.TypeLab {`,
		`switch it.Type {`,
		`{{if eq $d.UI.Type "single"}}`,
		`case "yesno-series":`,
	} {
		if !kindSwitch.MatchString(line) {
			t.Errorf("not caught: %s", line)
		}
	}
	for _, line := range []string{`k, ok := item.Lookup(it.Type)`, `Type: certlab.TypeSingle,`, `case "stay":`} {
		if kindSwitch.MatchString(line) {
			t.Errorf("caught wrongly: %s", line)
		}
	}
}
