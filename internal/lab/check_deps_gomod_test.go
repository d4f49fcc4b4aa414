package lab

import (
	"slices"
	"testing"
)

// TestParseManifestGoReplace: the version a go.mod's replace directive
// names is the one that builds, so it is the one advisories are checked
// against.
func TestParseManifestGoReplace(t *testing.T) {
	tests := []struct {
		name, gomod string
		want        []Dependency
	}{
		{"replace wins", "module m\n\ngo 1.22\n\nrequire golang.org/x/text v0.21.0 // indirect\n\nreplace golang.org/x/text => golang.org/x/text v0.3.7\n",
			[]Dependency{{"golang.org/x/text", "v0.3.7"}}},
		{"local replace keeps the required version", "module m\n\ngo 1.22\n\nrequire example.com/a v1.2.0\n\nreplace example.com/a => ../a\n",
			[]Dependency{{"example.com/a", "v1.2.0"}}},
		{"no replace", "module m\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.2.0\n\texample.com/b v0.1.0\n)\n",
			[]Dependency{{"example.com/a", "v1.2.0"}, {"example.com/b", "v0.1.0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseManifest("go.mod", []byte(tc.gomod))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
