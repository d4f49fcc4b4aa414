package web

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/pack"
)

var builtin = sync.OnceValue(func() *certlab.Catalog {
	cat, _ := pack.Load(content.FS, "content")
	return cat
})

// codeRE matches what may hold a literal backtick: code spans and blocks.
var codeRE = regexp.MustCompile(`(?s)<pre[ >].*?</pre>|<code[ >].*?</code>|<option[ >].*?</option>`)

// strayBackticks returns the places where rendered HTML shows a backtick
// outside code: Markdown that was not rendered.
func strayBackticks(html string) []string {
	rest := codeRE.ReplaceAllString(html, "")
	var out []string
	for _, mark := range []string{"`", "&#96;"} {
		for i := strings.Index(rest, mark); i >= 0 && len(out) < 3; {
			lo, hi := max(0, i-40), min(len(rest), i+40)
			out = append(out, rest[lo:hi])
			j := strings.Index(rest[i+len(mark):], mark)
			if j < 0 {
				break
			}
			i += len(mark) + j
		}
	}
	return out
}

// renderedItem is everything a candidate may see of an item, rendered:
// its question page for every statement, then its practice feedback
// against the key, as one HTML text per part.
func renderedItem(t *testing.T, h *Handler, it *certlab.Item) map[string]string {
	t.Helper()
	out := map[string]string{}
	statements := []certlab.Statement{{}}
	if len(it.Statements) > 0 {
		statements = it.Statements
	}
	for _, st := range statements {
		v := item.ViewOf(it, nil, 1)
		key := item.AnswerKey(it, st.ID)
		q := &exam.QuestionView{Key: it.ID, Number: 1, Item: v, Statement: st.Text}
		ui := h.buildQuestion(q, key)
		form, err := h.renderItem(ui)
		if err != nil {
			t.Fatalf("%s: render: %v", it.ID, err)
		}
		out["stem"] = string(ui.Stem)
		out["form "+st.ID] = string(form)
		f := &exam.Feedback{Key: key, Explanation: it.Explanation, References: it.References}
		fb, err := h.renderFeedback(&v, st.ID, json.RawMessage("null"), f)
		if err != nil {
			t.Fatalf("%s: feedback: %v", it.ID, err)
		}
		out["feedback "+st.ID] = string(fb)
	}
	return out
}

// renderFeedback renders the practice feedback part on an answer.
func (h *Handler) renderFeedback(v *item.View, statement string, given json.RawMessage, f *exam.Feedback) (string, error) {
	var b strings.Builder
	err := h.layout.ExecuteTemplate(&b, "feedback", h.newFeedback(v, given, f))
	return b.String(), err
}

// TestEveryItemRendersItsMarkdown renders every item of every built-in
// pack as a candidate sees it (question, statements, exhibit) and its
// practice feedback (the key part by part, the explanation), and every
// case study and module: no backtick may show outside code, which would
// be Markdown left unrendered.
func TestEveryItemRendersItsMarkdown(t *testing.T) {
	cat := builtin()
	h, err := parse(Config{})
	if err != nil {
		t.Fatal(err)
	}
	items, bad := 0, 0
	for _, p := range cat.Programs {
		for _, ex := range p.Exams {
			for _, it := range ex.Items {
				items++
				for part, html := range renderedItem(t, h, it) {
					if stray := strayBackticks(html); len(stray) > 0 {
						bad++
						if bad <= 20 {
							t.Errorf("%s (%s) %s shows a backtick outside code: %q", it.ID, it.File, part, stray)
						}
					}
				}
			}
			for _, c := range ex.Cases {
				for _, e := range c.Exhibits {
					if stray := strayBackticks(string(h.markdown.HTML(e.Body))); len(stray) > 0 {
						t.Errorf("case %s exhibit %q shows a backtick outside code: %q", c.ID, e.Title, stray)
					}
				}
			}
		}
		for _, m := range p.Modules {
			if stray := strayBackticks(string(h.markdown.HTML(m.Body))); len(stray) > 0 {
				t.Errorf("module %s shows a backtick outside code: %q", m.ID, stray)
			}
		}
	}
	if items < 900 {
		t.Fatalf("rendered %d items; the built-in packs have more than 900", items)
	}
	if bad > 0 {
		t.Errorf("%d rendered parts of %d items show raw Markdown", bad, items)
	}
}
