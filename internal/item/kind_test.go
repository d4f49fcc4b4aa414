package item_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

var (
	opts  = []certlab.Choice{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}, {ID: "c", Text: "C"}, {ID: "d", Text: "D"}}
	items = map[string]*certlab.Item{
		"single": {ID: "single", Type: certlab.TypeSingle, Options: opts, Key: "b", Shuffle: true},
		"multi":  {ID: "multi", Type: certlab.TypeMultiple, Options: opts, Keys: []string{"a", "c"}, Choose: 2, Shuffle: true},
		"order":  {ID: "order", Type: certlab.TypeOrdering, Options: opts, Keys: []string{"d", "a", "b"}},
		"match": {ID: "match", Type: certlab.TypeMatching, Options: opts,
			Targets: []certlab.Choice{{ID: "t1", Text: "T1"}, {ID: "t2", Text: "T2"}}, KeyMap: map[string]string{"t1": "a", "t2": "d"}},
		"hot": {ID: "hot", Type: certlab.TypeHotArea, Exhibit: "x\ny\nz", Shuffle: true,
			Areas: []certlab.Area{{ID: "l1", Text: "x"}, {ID: "l2", Text: "y"}, {ID: "l3", Text: "z"}}, Keys: []string{"l2"}, Choose: 1},
		"screen": {ID: "screen", Type: certlab.TypeActiveScreen, Exhibit: "[[k1]] [[k2]]", Shuffle: true,
			Blanks: []certlab.Blank{{ID: "k1", Options: []string{"trigger", "pr"}}, {ID: "k2", Options: []string{"include", "exclude"}}}, KeyMap: map[string]string{"k1": "pr", "k2": "include"}},
		"series": {ID: "series", Type: certlab.TypeYesNoSeries,
			Statements: []certlab.Statement{{ID: "s1", Text: "Solution one", Answer: true}, {ID: "s2", Text: "Solution two", Answer: false}}},
		"lab": {ID: "lab", Type: certlab.TypeLab, Lab: "branch-policy", Points: 4},
	}
)

func TestEveryTypeIsRegistered(t *testing.T) {
	for _, name := range []string{certlab.TypeSingle, certlab.TypeMultiple, certlab.TypeOrdering, certlab.TypeMatching,
		certlab.TypeHotArea, certlab.TypeActiveScreen, certlab.TypeYesNoSeries, certlab.TypeLab} {
		k, ok := item.Lookup(name)
		if !ok || k.Name() != name || k.Title() == "" {
			t.Errorf("kind %q: registered %v, name %q", name, ok, k.Name())
		}
	}
	if _, ok := item.Lookup("essay"); ok {
		t.Error("an unregistered kind was found")
	}
}

func TestScore(t *testing.T) {
	tests := []struct {
		name      string
		item      string
		statement string
		value     string
		points    float64
		max       float64
	}{
		{"single right", "single", "", `"b"`, 1, 1},
		{"single wrong", "single", "", `"a"`, 0, 1},
		{"unanswered", "single", "", `null`, 0, 1},
		{"multiple both", "multi", "", `["c","a"]`, 2, 2},
		{"multiple half", "multi", "", `["a","b"]`, 1, 2},
		{"ordering all", "order", "", `["d","a","b"]`, 3, 3},
		{"ordering one place", "order", "", `["d","b","a"]`, 1, 3},
		{"matching one", "match", "", `{"t1":"a","t2":"b"}`, 1, 2},
		{"hot area", "hot", "", `["l2"]`, 1, 1},
		{"active screen both", "screen", "", `{"k1":"pr","k2":"include"}`, 2, 2},
		{"active screen partial", "screen", "", `{"k1":"trigger","k2":"include"}`, 1, 2},
		{"yes right", "series", "s1", `true`, 1, 1},
		{"no wrong", "series", "s2", `true`, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := items[tc.item]
			v, err := item.DecodeResponse(it, tc.statement, json.RawMessage(tc.value))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got := item.Score(it, tc.statement, v); got != tc.points {
				t.Errorf("points %v, want %v", got, tc.points)
			}
			if got := item.MaxPoints(it, tc.statement); got != tc.max {
				t.Errorf("max %v, want %v", got, tc.max)
			}
			key := item.AnswerKey(it, tc.statement)
			if got := item.Score(it, tc.statement, key); got != tc.max {
				t.Errorf("the key %s earns %v of %v", key, got, tc.max)
			}
		})
	}
}

func TestLabScoresTheGradersPoints(t *testing.T) {
	it := items["lab"]
	if got := item.Score(it, "", json.RawMessage(`{"points": 3}`)); got != 3 {
		t.Errorf("3 points recorded: %v", got)
	}
	if got := item.Score(it, "", json.RawMessage(`{"points": 9}`)); got != 4 {
		t.Errorf("more than the item's points: %v, want 4", got)
	}
	if _, err := item.DecodeResponse(it, "", json.RawMessage(`{"points": 4}`)); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Errorf("a candidate saved a lab result: %v", err)
	}
}

func TestDecodeResponseRefuses(t *testing.T) {
	tests := []struct{ item, statement, value string }{
		{"single", "", `"z"`},
		{"single", "", `["b"]`},
		{"multi", "", `["a","b","c"]`}, // more than choose
		{"multi", "", `["a","a"]`},
		{"order", "", `["a","zz"]`},
		{"match", "", `{"t9":"a"}`},
		{"match", "", `{"t1":"a","t2":"a"}`}, // reuse not allowed
		{"screen", "", `{"k1":"schedules"}`},
		{"screen", "", `{"k9":"pr"}`},
		{"series", "s1", `"yes"`},
		{"series", "", `true`},
		{"hot", "", `["l1","l2"]`},
		{"single", "", `"` + strings.Repeat("x", item.MaxResponseBytes) + `"`},
	}
	for _, tc := range tests {
		if _, err := item.DecodeResponse(items[tc.item], tc.statement, json.RawMessage(tc.value)); certlab.ErrorCode(err) != certlab.EINVALID {
			t.Errorf("%s %.40s: error %v, want invalid", tc.item, tc.value, err)
		}
	}
}

// TestArrange: choices are shown in a per-attempt order that the same seed
// always repeats, the authored order never leaks through every attempt, and
// shuffle: false keeps the authored order.
func TestArrange(t *testing.T) {
	for _, name := range []string{"single", "multi", "order", "match", "screen"} {
		it := items[name]
		k := item.Of(it)
		first := map[string]int{}
		for seed := int64(0); seed < 200; seed++ {
			v := item.ViewOf(it, k.Arrange(it, item.RNG(seed, it.ID)), seed)
			again := item.ViewOf(it, nil, seed) // a form stored without its layout
			if a, b := viewOrder(v), viewOrder(again); a != b {
				t.Fatalf("%s seed %d: stored layout %s, derived %s", name, seed, a, b)
			}
			first[strings.Split(viewOrder(v), ",")[0]]++
		}
		if len(first) < 2 {
			t.Errorf("%s: the first choice shown is always %v", name, first)
		}
	}
	fixed := *items["single"]
	fixed.Shuffle = false
	for seed := int64(0); seed < 20; seed++ {
		if got := viewOrder(item.ViewOf(&fixed, nil, seed)); got != "a,b,c,d" {
			t.Fatalf("shuffle: false shows %s", got)
		}
	}
}

func viewOrder(v item.View) string {
	var ids []string
	for _, o := range v.Options {
		ids = append(ids, o.ID)
	}
	for _, b := range v.Blanks {
		ids = append(ids, b.Options...)
	}
	return strings.Join(ids, ",")
}

// TestViewHasNoKey: a view of every kind, marshalled, holds none of the
// key, rationale or explanation.
func TestViewHasNoKey(t *testing.T) {
	for name, it := range items {
		it := *it
		it.Explanation = "EXPLANATION-SECRET"
		it.Rationale = map[string]string{"a": "RATIONALE-SECRET"}
		it.References = []string{"https://REFERENCE-SECRET"}
		b, err := json.Marshal(item.ViewOf(&it, nil, 1))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"SECRET", `"key"`, `"answer"`} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s view has %s: %s", name, secret, b)
			}
		}
	}
}

func TestFromFormAndDescribe(t *testing.T) {
	cases := []struct {
		item     string
		form     url.Values
		want     string
		describe string
	}{
		{"single", url.Values{"answer": {"b"}}, `"b"`, "B"},
		{"single", url.Values{}, `null`, ""},
		{"multi", url.Values{"answer": {"a", "c"}}, `["a","c"]`, "A; C"},
		{"order", url.Values{"order.0": {"c"}, "order.1": {"a"}, "order.2": {"b"}}, `["c","a","b"]`, "1. C; 2. A; 3. B"},
		{"match", url.Values{"match.t1": {"b"}, "match.t2": {""}}, `{"t1":"b"}`, "T1 → B"},
		{"hot", url.Values{"answer": {"l2"}}, `["l2"]`, "y"},
		{"screen", url.Values{"blank.k1": {"pr"}}, `{"k1":"pr"}`, "Drop-down 1 (k1): pr"},
		{"series", url.Values{"answer": {"no"}}, `false`, "No"},
	}
	for _, c := range cases {
		it := items[c.item]
		v := item.ViewOf(it, nil, 1)
		k := item.Of(it)
		got, err := k.FromForm(&v, c.form)
		if err != nil {
			t.Fatalf("%s: %v", c.item, err)
		}
		b, _ := json.Marshal(got)
		if string(b) != c.want {
			t.Errorf("%s: got %s, want %s", c.item, b, c.want)
		}
		if d := strings.Join(k.Describe(&v, b), "; "); d != c.describe {
			t.Errorf("%s: described as %q, want %q", c.item, d, c.describe)
		}
	}
}

func TestFence(t *testing.T) {
	cases := []struct {
		name          string
		in            string
		before, after string
		lines         []string
	}{
		{"code block", "Intro\n```yaml\na: 1\nb: 2\n```\nAfter", "Intro", "After", []string{"a: 1", "b: 2"}},
		{"no block", "one\ntwo\n", "", "", []string{"one", "two"}},
		{"unclosed", "x\n~~~\nl1", "x", "", []string{"l1"}},
		{"indented first line", "```yaml\n  name: x\n```", "", "", []string{"  name: x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, lines, after := item.Fence(c.in)
			if before != c.before || after != c.after || strings.Join(lines, "|") != strings.Join(c.lines, "|") {
				t.Fatalf("got %q %q %q", before, lines, after)
			}
		})
	}
}

func TestScreenFormPlacesSelects(t *testing.T) {
	it := &certlab.Item{ID: "s", Type: certlab.TypeActiveScreen, Exhibit: "```\n<b>x</b> | where t > [[x]](1h) [[nope]]\n```",
		Blanks: []certlab.Blank{{ID: "x", Options: []string{"ago", "now"}}}}
	v := item.ViewOf(it, nil, 1)
	f := item.Of(it).Form(&v, json.RawMessage(`{"x":"now"}`)).(item.ScreenForm)
	if len(f.Lines) != 1 || len(f.Lines[0]) != 3 {
		t.Fatalf("segments: %+v", f.Lines)
	}
	segs := f.Lines[0]
	if segs[0].Text != "<b>x</b> | where t > " || segs[1].Select == nil || segs[1].Select.Name != "blank.x" || segs[2].Text != "(1h) [[nope]]" {
		t.Fatalf("segments: %+v", segs)
	}
	checked := ""
	for _, o := range segs[1].Select.Options {
		if o.Checked {
			checked = o.Value
		}
	}
	if checked != "now" {
		t.Errorf("saved choice not selected: %q", checked)
	}
}

func TestHotAreaForm(t *testing.T) {
	cases := []struct {
		name        string
		it          *certlab.Item
		saved       string
		lines, free int
		checked     string
		whole       bool
	}{
		{"areas on lines", &certlab.Item{ID: "h", Type: certlab.TypeHotArea, Exhibit: "Query:\n```kusto\nrequests\n| where x\n| top 10\n```\n", Choose: 1,
			Areas: []certlab.Area{{ID: "l2", Text: "| where x", Line: 2}, {ID: "l3", Text: "| top 10", Line: 3}}}, `["l3"]`, 3, 0, "l3", false},
		{"named areas under a table", &certlab.Item{ID: "h", Type: certlab.TypeHotArea, Exhibit: "| a | b |\n|---|---|\n| 1 | 2 |\n", Choose: 1,
			Areas: []certlab.Area{{ID: "p1", Text: "Ana"}, {ID: "p2", Text: "Ben"}}}, `["p1"]`, 0, 2, "p1", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := item.ViewOf(c.it, nil, 1)
			f := item.Of(c.it).Form(&v, json.RawMessage(c.saved)).(item.HotAreaForm)
			if len(f.Lines) != c.lines || len(f.Free) != c.free || (f.Exhibit != "") != c.whole {
				t.Fatalf("%d lines, %d free areas, whole exhibit %v", len(f.Lines), len(f.Free), f.Exhibit != "")
			}
			var checked []string
			for _, l := range f.Lines {
				if l.Area != nil && l.Area.Checked {
					checked = append(checked, l.Area.Value)
				}
			}
			for _, a := range f.Free {
				if a.Checked {
					checked = append(checked, a.Value)
				}
			}
			if strings.Join(checked, ",") != c.checked {
				t.Errorf("checked %v, want %s", checked, c.checked)
			}
		})
	}
}

// FuzzDecodeResponse: an accepted value is canonical (decodes to itself)
// and scores within bounds; a refused one is an invalid-input error.
func FuzzDecodeResponse(f *testing.F) {
	names := []string{"single", "multi", "order", "match", "hot", "screen", "series", "lab"}
	for _, s := range []string{`"b"`, `["a","c"]`, `{"t1":"a"}`, `true`, `null`, `[`, `{"k1":"pr"}`, `[1,2]`, `"\u0000"`} {
		for i := range names {
			f.Add(i, s)
		}
	}
	f.Fuzz(func(t *testing.T, idx int, raw string) {
		if idx < 0 {
			idx = -idx
		}
		it := items[names[idx%len(names)]]
		st := ""
		if len(it.Statements) > 0 {
			st = it.Statements[0].ID
		}
		v, err := item.DecodeResponse(it, st, json.RawMessage(raw))
		if err != nil {
			if certlab.ErrorCode(err) != certlab.EINVALID {
				t.Fatalf("error without the invalid code: %v", err)
			}
			return
		}
		again, err := item.DecodeResponse(it, st, v)
		if err != nil || string(again) != string(v) {
			t.Fatalf("canonical form %s not stable: %s %v", v, again, err)
		}
		if p := item.Score(it, st, v); p < 0 || p > item.MaxPoints(it, st) {
			t.Fatalf("points %v outside 0..%v", p, item.MaxPoints(it, st))
		}
	})
}

func TestCues(t *testing.T) {
	long := &certlab.Item{ID: "l", Type: certlab.TypeSingle, Key: "b", Options: []certlab.Choice{
		{ID: "a", Text: "Short"}, {ID: "b", Text: "A much longer option that stands out"}, {ID: "c", Text: "Brief"}}}
	c, ok := item.CuesOf(long)
	if !ok || !c.KeyLongest || c.KeyRatio < 1.5 || c.TestWisePoints != 1 {
		t.Errorf("longest key: %+v", c)
	}
	even := &certlab.Item{ID: "e", Type: certlab.TypeSingle, Key: "a", Options: []certlab.Choice{
		{ID: "a", Text: "Same length A"}, {ID: "b", Text: "Same length B"}}}
	if c, _ := item.CuesOf(even); c.KeyLongest || c.TestWisePoints != 0.5 {
		t.Errorf("tied lengths: %+v", c)
	}
	if c, _ := item.CuesOf(items["screen"]); c.Blanks != 2 || c.BlanksFirstKeys != 1 {
		t.Errorf("drop-downs: %+v", c)
	}
	if c, _ := item.CuesOf(items["series"]); !c.FirstYes || c.Yes != 1 || c.TestWisePoints != 2 {
		t.Errorf("series: %+v", c)
	}
	if _, ok := item.CuesOf(items["order"]); ok {
		t.Error("ordering has no authored-order cue: it is always shuffled")
	}
}
