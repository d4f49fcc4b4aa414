package pipelines

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/expand")

// TestExpandGolden compares the expanded YAML of conformance pipelines with
// golden files; go test -run TestExpandGolden -update rewrites them.
func TestExpandGolden(t *testing.T) {
	corpus := sharedFixtures(t, "azure-pipelines/conformance")
	cases := []struct {
		name  string
		repos map[string]string
	}{
		{"dynamic-variable-interpolation/pipeline.yml", nil},
		{"each-inside-resources/pipeline.yml", nil},
		{"typedtemplates-extends/pipeline.yml", nil},
		{"templateContext-stage/pipeline.yml", nil},
		{"relative-and-absolute-paths-backslash/pipeline.yml", nil},
		{"cross-repo-template/pipeline.yml", map[string]string{"az/typedtemplates@main": "typedtemplates", "az/untypedtemplates@main": "untypedtemplates"}},
		{"version-literal/pipeline.yml", nil},
		{"format-and-raw-expression-results-are-similar/pipeline.yml", nil},
		{"static-template-vars-fully-dynamic/pipeline.yml", nil},
		{"expressions-docs/convertToJson.yml", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Repositories: map[string]string{}}
			for k, v := range tc.repos {
				opts.Repositories[k] = filepath.Join(corpus, v)
			}
			doc, err := Expand(filepath.Join(corpus, filepath.FromSlash(tc.name)), opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := doc.YAML()
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "expand", strings.ReplaceAll(strings.TrimSuffix(tc.name, ".yml"), "/", "__")+".golden.yml")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if string(got) != string(want) {
				t.Errorf("expanded YAML differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}
