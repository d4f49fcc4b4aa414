package authoring

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name, in string
		want     Query
		err      string
	}{
		{"empty", "  ", Query{}, ""},
		{"words", "Pipeline  YAML", Query{Words: []string{"pipeline", "yaml"}}, ""},
		{"phrase", `"deployment slot" swap`, Query{Words: []string{"deployment slot", "swap"}}, ""},
		{"filters", "pack:az400 exam:az-400 pool:exam objective:d3.yaml kind:Item type:single", Query{Pack: "az400", Exam: "az-400", Pool: "exam", Objective: "d3.yaml", Kind: "item", Type: "single"}, ""},
		{"quoted value", `objective:"d3.yaml"`, Query{Objective: "d3.yaml"}, ""},
		{"states", "is:flagged IS:retired is:pilot", Query{Flagged: true, Retired: true, Pilot: true}, ""},
		{"obj alias", "obj:d1.x", Query{Objective: "d1.x"}, ""},
		{"colon in a word", `"a:b" 1:2`, Query{Words: []string{"a:b", "1:2"}}, ""},
		{"unknown filter", "color:red", Query{}, `column 1: unknown filter "color:"`},
		{"bad pool", "x pool:secure", Query{}, "column 3: pool:secure: the pools are exam and practice"},
		{"bad kind", "kind:video", Query{}, "kind:video: the kinds are item, case, module, lab"},
		{"bad state", "is:broken", Query{}, "is:broken: use is:flagged, is:retired, is:pilot"},
		{"twice", "exam:a exam:b", Query{}, "column 8: filter exam: is given twice"},
		{"no value", "exam: x", Query{}, "column 1: filter exam: has no value"},
		{"open quote", `"deployment slot`, Query{}, "column 1: the quote is not closed"},
		{"quote in word", `ab"c`, Query{}, "column 3: a quote inside a word"},
		{"too long", strings.Repeat("a", maxQuery+1), Query{}, "at most 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseQuery(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// FuzzParseQuery: the parser never panics, and a query it accepts writes
// back (String) to text that parses to the same query.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "pipeline", `"a b" exam:az-400 is:flagged`, "kind:item type:single pool:practice", `objective:"x y"`, "is:retired is:retired", `a:"`, "é:x", "x\u00a0y", `"a:b"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			return
		}
		again, err := ParseQuery(q.String())
		if err != nil {
			t.Fatalf("%q: its text form %q does not parse: %v", s, q.String(), err)
		}
		if !reflect.DeepEqual(q, again) {
			t.Fatalf("%q: %+v reads back as %+v from %q", s, q, again, q.String())
		}
	})
}
