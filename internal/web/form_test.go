package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
)

var (
	opts       = []certlab.Choice{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}, {ID: "c", Text: "C"}}
	singleItem = exam.ItemView{ID: "s1", Type: certlab.TypeSingle, Options: opts}
	multiItem  = exam.ItemView{ID: "m1", Type: certlab.TypeMultiple, Options: opts, Choose: 2}
	orderItem  = exam.ItemView{ID: "o1", Type: certlab.TypeOrdering, Options: opts}
	matchItem  = exam.ItemView{ID: "x1", Type: certlab.TypeMatching, Options: opts, Targets: []certlab.Choice{{ID: "t1", Text: "T1"}, {ID: "t2", Text: "T2"}}}
	hotItem    = exam.ItemView{ID: "h1", Type: certlab.TypeHotArea, Areas: []certlab.Area{{ID: "l1", Line: 1}, {ID: "l2", Line: 2}}, Choose: 1}
	screenItem = exam.ItemView{ID: "a1", Type: certlab.TypeActiveScreen, Blanks: []certlab.Blank{{ID: "x", Options: []string{"ago", "now"}}, {ID: "y", Options: []string{"count"}}}}
	yesnoItem  = exam.ItemView{ID: "y1", Type: certlab.TypeYesNoSeries}
	labItem    = exam.ItemView{ID: "lab1", Type: certlab.TypeLab}
)

func TestResponseFromForm(t *testing.T) {
	cases := []struct {
		name    string
		item    exam.ItemView
		form    url.Values
		want    string
		wantErr string
	}{
		{"single", singleItem, url.Values{"answer": {"b"}}, `"b"`, ""},
		{"single unanswered", singleItem, url.Values{}, `null`, ""},
		{"multiple", multiItem, url.Values{"answer": {"a", "c"}}, `["a","c"]`, ""},
		{"multiple none", multiItem, url.Values{"answer": {""}}, `null`, ""},
		{"ordering in position order", orderItem, url.Values{"order.0": {"c"}, "order.1": {"a"}, "order.2": {"b"}}, `["c","a","b"]`, ""},
		{"ordering partial", orderItem, url.Values{"order.0": {"c"}, "order.2": {"b"}}, `["c","b"]`, ""},
		{"ordering ignores extra positions", orderItem, url.Values{"order.0": {"a"}, "order.7": {"b"}}, `["a"]`, ""},
		{"matching", matchItem, url.Values{"match.t1": {"b"}, "match.t2": {""}, "match.zz": {"c"}}, `{"t1":"b"}`, ""},
		{"hot area", hotItem, url.Values{"answer": {"l2"}}, `["l2"]`, ""},
		{"active screen", screenItem, url.Values{"blank.x": {"now"}, "blank.y": {"count"}}, `{"x":"now","y":"count"}`, ""},
		{"yes", yesnoItem, url.Values{"answer": {"yes"}}, `true`, ""},
		{"no", yesnoItem, url.Values{"answer": {"no"}}, `false`, ""},
		{"yes/no unanswered", yesnoItem, url.Values{}, `null`, ""},
		{"yes/no other", yesnoItem, url.Values{"answer": {"maybe"}}, "", `answer to y1 must be yes or no, not "maybe"`},
		{"lab", labItem, url.Values{}, "", "lab questions (lab1) are not answered in a form"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := responseFromForm(&c.item, c.form)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

// FuzzResponseFromForm posts arbitrary form bodies: reading them never
// panics and always gives valid JSON of the item type's shape.
func FuzzResponseFromForm(f *testing.F) {
	for _, s := range []string{"answer=b", "answer=a&answer=c", "order.0=c&order.1=a", "match.t1=b", "blank.x=now", "answer=yes", "answer=%ff%00", "order.0=&order.0=a&answer="} {
		f.Add(s, uint8(0))
	}
	items := []exam.ItemView{singleItem, multiItem, orderItem, matchItem, hotItem, screenItem, yesnoItem}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		it := items[int(which)%len(items)]
		got, err := responseFromForm(&it, form)
		if err != nil {
			if it.Type != certlab.TypeYesNoSeries {
				t.Fatalf("%s: unexpected error %v", it.Type, err)
			}
			return
		}
		var v any
		if err := json.Unmarshal(got, &v); err != nil {
			t.Fatalf("%s: invalid JSON %q: %v", it.Type, got, err)
		}
		switch v.(type) {
		case nil:
		case string:
			if it.Type != certlab.TypeSingle {
				t.Fatalf("%s gave a string %s", it.Type, got)
			}
		case []any:
			if it.Type != certlab.TypeMultiple && it.Type != certlab.TypeHotArea && it.Type != certlab.TypeOrdering {
				t.Fatalf("%s gave a list %s", it.Type, got)
			}
		case map[string]any:
			if it.Type != certlab.TypeMatching && it.Type != certlab.TypeActiveScreen {
				t.Fatalf("%s gave an object %s", it.Type, got)
			}
		case bool:
			if it.Type != certlab.TypeYesNoSeries {
				t.Fatalf("%s gave a bool %s", it.Type, got)
			}
		default:
			t.Fatalf("%s gave %s", it.Type, got)
		}
	})
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
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, lines, after := fence(c.in)
			if before != c.before || after != c.after || strings.Join(lines, "|") != strings.Join(c.lines, "|") {
				t.Fatalf("got %q %q %q", before, lines, after)
			}
		})
	}
}

func TestActiveScreenEscapesAndPlacesSelects(t *testing.T) {
	got := string(activeScreen([]string{`<b>x</b> | where t > [[x]](1h) [[nope]]`}, screenItem.Blanks, map[string]string{"x": "now"}))
	for _, want := range []string{`&lt;b&gt;x&lt;/b&gt;`, `<select name="blank.x" aria-label="Drop-down 1 (x)">`, `<option value="now" selected>now</option>`, `[[nope]]`} {
		if !strings.Contains(got, want) {
			t.Errorf("active screen lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<b>") {
		t.Errorf("exhibit text is not escaped:\n%s", got)
	}
}

func TestMarkdownDropsRawHTML(t *testing.T) {
	m := newMarkdown()
	cases := []struct {
		name, in, mustNot, must string
	}{
		{"script block", "Hello\n\n<script>alert(1)</script>\n", "<script", "Hello"},
		{"inline html", "a <img src=x onerror=alert(1)> b", "<img", "a"},
		{"javascript link", "[click](javascript:alert(1))", "javascript:", "click"},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |\n", "|---|", "<table>"},
		{"code", "```\n<b>\n```\n", "<b>", "&lt;b&gt;"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(m.HTML(c.in))
			if strings.Contains(got, c.mustNot) || !strings.Contains(got, c.must) {
				t.Fatalf("got %q: must contain %q and not %q", got, c.must, c.mustNot)
			}
		})
	}
}

// FuzzMarkdown renders arbitrary Markdown: no raw tag that could run script
// ever reaches the page.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"# T\n\ntext", "<script>x</script>", "[a](javascript:x)", "<iframe src=x>", "`<b>`", "<!-- c --><svg onload=x>", "![i](data:text/html,x)"} {
		f.Add(s)
	}
	m := newMarkdown()
	f.Fuzz(func(t *testing.T, src string) {
		got := strings.ToLower(string(m.HTML(src)))
		for _, bad := range []string{"<script", "<iframe", "<svg", "<img src=x", "<object", "<embed", "href=\"javascript:"} {
			if strings.Contains(got, bad) {
				t.Fatalf("rendered %q to %q, which has %q", src, got, bad)
			}
		}
	})
}

func TestFormatSeconds(t *testing.T) {
	cases := map[int64]string{0: "0:00", 59: "0:59", 61: "1:01", 3600: "1:00:00", 6000: "1:40:00", -5: "0:00"}
	for in, want := range cases {
		if got := formatSeconds(in); got != want {
			t.Errorf("formatSeconds(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	cases := map[string]string{"/programs/x": "/programs/x", "//evil.example": "/", "https://evil.example": "/", "/\\evil": "/", "": "/"}
	for in, want := range cases {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuildQuestionHotArea(t *testing.T) {
	h := &Handler{markdown: newMarkdown()}
	cases := []struct {
		name      string
		item      exam.ItemView
		saved     string
		lines     int
		free      int
		checked   string
		inExhibit string
	}{
		{"areas on lines", exam.ItemView{Type: certlab.TypeHotArea, Exhibit: "Query:\n```kusto\nrequests\n| where x\n| top 10\n```\n", Choose: 1,
			Areas: []certlab.Area{{ID: "l2", Text: "| where x", Line: 2}, {ID: "l3", Text: "| top 10", Line: 3}}}, `["l3"]`, 3, 0, "l3", ""},
		{"named areas under a table", exam.ItemView{Type: certlab.TypeHotArea, Exhibit: "| a | b |\n|---|---|\n| 1 | 2 |\n", Choose: 1,
			Areas: []certlab.Area{{ID: "p1", Text: "Ana"}, {ID: "p2", Text: "Ben"}}}, `["p1"]`, 0, 2, "p1", "<table>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ui := h.buildQuestion(&exam.QuestionView{Item: c.item}, json.RawMessage(c.saved))
			if len(ui.Lines) != c.lines || len(ui.Free) != c.free {
				t.Fatalf("%d lines and %d free areas, want %d and %d", len(ui.Lines), len(ui.Free), c.lines, c.free)
			}
			var checked []string
			for _, l := range ui.Lines {
				if l.Area != nil && l.Area.Checked {
					checked = append(checked, l.Area.ID)
				}
			}
			for _, f := range ui.Free {
				if f.Checked {
					checked = append(checked, f.ID)
				}
			}
			if strings.Join(checked, ",") != c.checked {
				t.Errorf("checked %v, want %s", checked, c.checked)
			}
			if !strings.Contains(string(ui.Exhibit), c.inExhibit) {
				t.Errorf("exhibit %q lacks %q", ui.Exhibit, c.inExhibit)
			}
		})
	}
}
