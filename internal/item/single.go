package item

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"

	"github.com/certlab/certlab"
	"go.yaml.in/yaml/v3"
)

// single is a single-choice item: one correct option, one point.
//
//	options: [{id: a, text: …, why: …}, …]   at least 2
//	answer: b
type single struct{}

func init() { register(single{}) }

func (single) Name() string     { return certlab.TypeSingle }
func (single) Title() string    { return "Single choice" }
func (single) Fields() []string { return []string{"options", "answer"} }
func (single) Section() string  { return certlab.SectionGeneral }

func (single) Statements(*certlab.Item) []string { return []string{""} }

func (single) Load(src *Source, it *certlab.Item) {
	var ids map[string]bool
	it.Options, ids = loadChoices(src, it, "options", 2)
	ans := answerNode(src, it)
	if ans == nil {
		return
	}
	if ans.Kind != yaml.ScalarNode {
		src.Errorf(src.Line("answer"), "single-choice answer must be one option id")
		return
	}
	if !ids[ans.Value] {
		src.Errorf(src.Line("answer"), "answer %q is not one of the options", ans.Value)
	}
	it.Key = ans.Value
	requireRationales(src, it, "options")
	lintOptionCues(src, it, map[string]bool{it.Key: true})
}

func (single) Arrange(it *certlab.Item, rng *rand.Rand) certlab.Layout {
	if !it.Shuffle {
		return nil
	}
	return certlab.Layout{"options": permute(it.Options, rng)}
}

func (single) View(it *certlab.Item, l certlab.Layout) View {
	return View{ID: it.ID, Type: it.Type, Stem: it.Stem, Exhibit: it.Exhibit, Options: ordered(it.Options, l["options"])}
}

func (single) Decode(it *certlab.Item, _ string, raw json.RawMessage) (any, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, badResponse(it, "want an option id as a JSON string")
	}
	if !idSet(it.Options)[s] {
		return nil, badResponse(it, "%q is not an option", s)
	}
	return s, nil
}

func (single) MaxPoints(*certlab.Item, string) float64 { return 1 }

func (single) Score(it *certlab.Item, _ string, value json.RawMessage) float64 {
	var s string
	if json.Unmarshal(value, &s) == nil && s == it.Key {
		return 1
	}
	return 0
}

func (single) Key(it *certlab.Item, _ string) any { return it.Key }

func (single) Guess(it *certlab.Item) float64 {
	if len(it.Options) == 0 {
		return 0
	}
	return 1 / float64(len(it.Options))
}

func (single) Form(v *View, saved json.RawMessage) any {
	var s string
	_ = json.Unmarshal(saved, &s)
	return ChoiceForm{Name: "answer", Choose: 1, Options: inputs(v.Options, func(id string) bool { return id == s })}
}

func (single) FromForm(_ *View, f url.Values) (any, error) {
	if s := f.Get("answer"); s != "" {
		return s, nil
	}
	return nil, nil
}

func (single) Describe(v *View, value json.RawMessage) []string {
	var s string
	if json.Unmarshal(value, &s) != nil {
		return nil
	}
	return []string{textOf(v.Options)(s)}
}

func (single) Ask(t Terminal, v *View) (any, error) {
	showExhibit(t, v)
	ids, err := askLetters(t, v.Options, 1, "Answer (one letter; Enter skips, ? marks for review): ")
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return ids[0], nil
}

func (single) Cues(it *certlab.Item) Cues {
	c := Cues{Single: true, TestWiseMax: 1}
	keyLen, other := 0, 0
	for _, o := range it.Options {
		if o.ID == it.Key {
			keyLen = textLen(o.Text)
		} else {
			other = max(other, textLen(o.Text))
		}
	}
	c.KeyLongest = keyLen > other
	if other > 0 {
		c.KeyRatio = float64(keyLen) / float64(other)
	}
	// The strategy picks the longest option; among equally long ones it
	// guesses, which earns 1/ties on average when the key is one of them.
	longest, ties := 0, 0
	for _, o := range it.Options {
		switch n := textLen(o.Text); {
		case n > longest:
			longest, ties = n, 1
		case n == longest:
			ties++
		}
	}
	if keyLen == longest && ties > 0 {
		c.TestWisePoints = 1 / float64(ties)
	}
	return c
}
