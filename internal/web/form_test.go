package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
)

var (
	opts       = []certlab.Choice{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}, {ID: "c", Text: "C"}}
	singleItem = item.View{ID: "s1", Type: certlab.TypeSingle, Options: opts}
	multiItem  = item.View{ID: "m1", Type: certlab.TypeMultiple, Options: opts, Choose: 2}
	orderItem  = item.View{ID: "o1", Type: certlab.TypeOrdering, Options: opts}
	matchItem  = item.View{ID: "x1", Type: certlab.TypeMatching, Options: opts, Targets: []certlab.Choice{{ID: "t1", Text: "T1"}, {ID: "t2", Text: "T2"}}}
	hotItem    = item.View{ID: "h1", Type: certlab.TypeHotArea, Areas: []certlab.Area{{ID: "l1", Line: 1}, {ID: "l2", Line: 2}}, Choose: 1}
	screenItem = item.View{ID: "a1", Type: certlab.TypeActiveScreen, Blanks: []certlab.Blank{{ID: "x", Options: []string{"ago", "now"}}, {ID: "y", Options: []string{"count"}}}}
	yesnoItem  = item.View{ID: "y1", Type: certlab.TypeYesNoSeries}
	labItem    = item.View{ID: "lab1", Type: certlab.TypeLab}
)

func TestResponseFromForm(t *testing.T) {
	cases := []struct {
		name    string
		item    item.View
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
		{"lab", labItem, url.Values{}, "", "lab1 is a lab: submit its workspace, not a form"},
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
	items := []item.View{singleItem, multiItem, orderItem, matchItem, hotItem, screenItem, yesnoItem}
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
		if p := m.Plain(src); strings.ContainsAny(p, "\n\t") {
			t.Fatalf("Plain(%q) = %q keeps line breaks", src, p)
		}
		got := strings.ToLower(string(m.HTML(src)) + string(m.Inline(src)))
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

// TestItemPartials renders every kind's template partial with hostile
// texts: everything is escaped, and the saved answer is checked.
func TestItemPartials(t *testing.T) {
	h, err := parse(Config{})
	if err != nil {
		t.Fatal(err)
	}
	evil := "<b>x</b>"
	cases := []struct {
		name  string
		item  item.View
		saved string
		want  []string
	}{
		{"single", item.View{ID: "s1", Type: certlab.TypeSingle, Options: []certlab.Choice{{ID: "a", Text: evil}, {ID: "b", Text: "`code`"}}}, `"b"`,
			[]string{`value="b" checked`, "&lt;b&gt;x&lt;/b&gt;", "<code>code</code>", ">A.</span>"}},
		{"multiple", multiItem, `["a","c"]`, []string{`value="a" checked`, `value="c" checked`, "Choose 2 answers"}},
		{"ordering", orderItem, `["c"]`, []string{`name="order.0"`, `<option value="c" selected>C. C</option>`}},
		{"matching", matchItem, `{"t2":"a"}`, []string{`name="match.t2"`, `<option value="a" selected>A. A</option>`}},
		{"active screen", item.View{ID: "a1", Type: certlab.TypeActiveScreen, Exhibit: "```\n" + evil + " [[x]] [[nope]]\n```",
			Blanks: []certlab.Blank{{ID: "x", Options: []string{"ago", "now"}}}}, `{"x":"now"}`,
			[]string{"&lt;b&gt;x&lt;/b&gt;", `<select name="blank.x" aria-label="Drop-down 1 (x)">`, `<option value="now" selected>now</option>`, "[[nope]]"}},
		{"hot area", item.View{ID: "h1", Type: certlab.TypeHotArea, Exhibit: "```\n" + evil + "\nline two\n```", Choose: 1,
			Areas: []certlab.Area{{ID: "l1", Text: "one", Line: 1}, {ID: "l2", Text: "two", Line: 2}}}, `["l2"]`,
			[]string{`value="l2" checked`, "<code>&lt;b&gt;x&lt;/b&gt;</code>"}},
		{"yes/no", yesnoItem, `false`, []string{`value="no" checked`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := &exam.QuestionView{Item: c.item}
			got, err := h.renderItem(h.buildQuestion(q, json.RawMessage(c.saved)))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			if strings.Contains(string(got), evil) {
				t.Errorf("unescaped text:\n%s", got)
			}
		})
	}
}

func TestMarkdownPlain(t *testing.T) {
	m := newMarkdown()
	cases := map[string]string{
		"Use `kubectl apply` **now**":      "Use kubectl apply now",
		"a *b* _c_ ~~d~~":                  "a b c d",
		"[the docs](https://x.example)":    "the docs",
		"<service-name> and `<b>`":         "<service-name> and <b>",
		"two\nlines":                       "two lines",
		"`` a `tick` ``":                   "a `tick`",
		"__init__.py is a file":            "init.py is a file",
		"```\ncode block\n  indented\n```": "code block indented",
	}
	for in, want := range cases {
		if got := m.Plain(in); got != want {
			t.Errorf("Plain(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCodeSpan writes any one-line value as a code span: rendered back
// to text it reads as written (whitespace collapsed), whatever backticks
// it holds.
func FuzzCodeSpan(f *testing.F) {
	for _, s := range []string{"contents: write", "${{ secrets.X }}", "`", "a``b", " `x` ", "**", "<b>"} {
		f.Add(s)
	}
	m := newMarkdown()
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\r\n\x00") || !utf8.ValidString(s) {
			return
		}
		want := strings.Join(strings.Fields(s), " ")
		if got := m.Plain(item.CodeSpan(s)); got != want {
			t.Fatalf("CodeSpan(%q) = %q reads %q", s, item.CodeSpan(s), got)
		}
	})
}
