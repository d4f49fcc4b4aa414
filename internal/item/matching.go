package item

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"

	"github.com/certlab/certlab"
)

// matching is a drag-and-drop matching item: give each target an option,
// one point per target right. Options are always shown shuffled.
//
//	options: [{id: a, text: …}, …]   at least 2
//	targets: [{id: t1, text: …}, …]  at least 2
//	answer: {t1: a, t2: c}           every target
//	reuse: true                      an option may serve several targets
type matching struct{}

func init() { register(matching{}) }

func (matching) Name() string     { return certlab.TypeMatching }
func (matching) Title() string    { return "Drag and drop (matching)" }
func (matching) Fields() []string { return []string{"options", "targets", "answer", "reuse"} }
func (matching) Section() string  { return certlab.SectionGeneral }

func (matching) Statements(*certlab.Item) []string { return []string{""} }

func (matching) Load(src *Source, it *certlab.Item) {
	var ids, tids map[string]bool
	it.Options, ids = loadChoices(src, it, "options", 2)
	it.Targets, tids = loadChoices(src, it, "targets", 2)
	if src.Has("reuse") {
		src.Decode("reuse", &it.Reuse)
	}
	ans := answerNode(src, it)
	if ans == nil {
		return
	}
	at := src.Line("answer")
	m, ok := answerMap(ans)
	if !ok {
		src.Errorf(at, "matching answer must map each target id to an option id")
		return
	}
	used := map[string]bool{}
	for _, t := range it.Targets {
		v, ok := m[t.ID]
		if !ok {
			src.Errorf(at, "answer gives no option for target %q", t.ID)
			continue
		}
		if !ids[v] {
			src.Errorf(at, "answer for target %q, %q, is not one of the options", t.ID, v)
		}
		if used[v] && !it.Reuse {
			src.Errorf(at, "option %q is used for two targets: set reuse: true if that is intended", v)
		}
		used[v] = true
	}
	for k := range m {
		if !tids[k] {
			src.Errorf(at, "answer names %q, which is not a target", k)
		}
	}
	it.KeyMap = m
}

func (matching) Arrange(it *certlab.Item, rng *rand.Rand) certlab.Layout {
	return certlab.Layout{"options": permute(it.Options, rng)}
}

func (matching) View(it *certlab.Item, l certlab.Layout) View {
	return View{ID: it.ID, Type: it.Type, Stem: it.Stem, Exhibit: it.Exhibit, Options: ordered(it.Options, l["options"]),
		Targets: it.Targets, Reuse: it.Reuse}
}

func (matching) Decode(it *certlab.Item, _ string, raw json.RawMessage) (any, error) {
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, badResponse(it, "want a JSON object")
	}
	opts, targets := idSet(it.Options), idSet(it.Targets)
	used := map[string]bool{}
	for t, o := range m {
		if !targets[t] {
			return nil, badResponse(it, "%q is not a target", t)
		}
		if !opts[o] {
			return nil, badResponse(it, "%q is not an option", o)
		}
		if used[o] && !it.Reuse {
			return nil, badResponse(it, "option %q is used twice", o)
		}
		used[o] = true
	}
	return m, nil
}

func (matching) MaxPoints(it *certlab.Item, _ string) float64 { return float64(len(it.Targets)) }

func (matching) Score(it *certlab.Item, _ string, value json.RawMessage) float64 {
	return scoreMap(it, value)
}

// scoreMap earns a point per key entry the response matches.
func scoreMap(it *certlab.Item, value json.RawMessage) float64 {
	var m map[string]string
	if json.Unmarshal(value, &m) != nil {
		return 0
	}
	n := 0.0
	for k, v := range it.KeyMap {
		if m[k] == v {
			n++
		}
	}
	return n
}

func (matching) Key(it *certlab.Item, _ string) any { return it.KeyMap }

func (matching) Guess(*certlab.Item) float64 { return 0 }

func (matching) Form(v *View, saved json.RawMessage) any {
	m := savedMap(saved)
	f := ListForm{Listed: inputs(v.Options, func(string) bool { return false }), Reuse: v.Reuse}
	for _, t := range v.Targets {
		s := Select{Name: "match." + t.ID, Label: t.Text}
		for _, o := range f.Listed {
			o.Checked = m[t.ID] == o.Value
			s.Options = append(s.Options, o)
		}
		f.Selects = append(f.Selects, s)
	}
	return f
}

func (matching) FromForm(v *View, f url.Values) (any, error) {
	m := map[string]string{}
	for _, t := range v.Targets {
		if s := f.Get("match." + t.ID); s != "" {
			m[t.ID] = s
		}
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

func (matching) Describe(v *View, value json.RawMessage) []string {
	name := textOf(v.Options)
	m := savedMap(value)
	var out []string
	for _, t := range v.Targets {
		if o, ok := m[t.ID]; ok {
			out = append(out, t.Text+" → "+name(o))
		}
	}
	return out
}

func (matching) Ask(t Terminal, v *View) (any, error) {
	showExhibit(t, v)
	t.Print("Answers:")
	printLettered(t, v.Options)
	m := map[string]string{}
	for i, tg := range v.Targets {
		line, err := t.Ask(fmt.Sprintf("%d. %s → letter (Enter skips): ", i+1, tg.Text))
		if err != nil {
			return nil, err
		}
		if line == "" {
			continue
		}
		j := letterIndex(line)
		if j < 0 || j >= len(v.Options) {
			return nil, fmt.Errorf("%q is not one of the letters A to %s", line, Letter(len(v.Options)-1))
		}
		m[tg.ID] = v.Options[j].ID
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}
