package item

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"

	"github.com/certlab/certlab"
)

// ordering is a build-list item: put some of the options in order, one
// point per position right. Options are always shown shuffled, since
// authors tend to write them in answer order.
//
//	options: [{id: a, text: …}, …]   at least 3
//	answer: [c, a, d]                at least 2, in order
type ordering struct{}

func init() { register(ordering{}) }

func (ordering) Name() string     { return certlab.TypeOrdering }
func (ordering) Title() string    { return "Build list and reorder" }
func (ordering) Fields() []string { return []string{"options", "answer"} }
func (ordering) Section() string  { return certlab.SectionGeneral }

func (ordering) Statements(*certlab.Item) []string { return []string{""} }

func (ordering) Load(src *Source, it *certlab.Item) {
	var ids map[string]bool
	it.Options, ids = loadChoices(src, it, "options", 3)
	ans := answerNode(src, it)
	if ans == nil {
		return
	}
	keys, ok := answerList(ans)
	if !ok || len(keys) < 2 {
		src.Errorf(src.Line("answer"), "ordering answer must list at least two option ids in order")
		return
	}
	for _, k := range keys {
		if !ids[k] {
			src.Errorf(src.Line("answer"), "answer %q is not one of the options", k)
		}
	}
	uniqueIDs(src, keys)
	it.Keys = keys
}

func (ordering) Arrange(it *certlab.Item, rng *rand.Rand) certlab.Layout {
	return certlab.Layout{"options": permute(it.Options, rng)}
}

func (ordering) View(it *certlab.Item, l certlab.Layout) View {
	return View{ID: it.ID, Type: it.Type, Stem: it.Stem, Exhibit: it.Exhibit, Options: ordered(it.Options, l["options"])}
}

func (ordering) Decode(it *certlab.Item, _ string, raw json.RawMessage) (any, error) {
	return decodeIDs(it, raw, idSet(it.Options))
}

func (ordering) MaxPoints(it *certlab.Item, _ string) float64 { return float64(len(it.Keys)) }

func (ordering) Score(it *certlab.Item, _ string, value json.RawMessage) float64 {
	var ids []string
	if json.Unmarshal(value, &ids) != nil {
		return 0
	}
	n := 0.0
	for i, k := range it.Keys {
		if i < len(ids) && ids[i] == k {
			n++
		}
	}
	return n
}

func (ordering) Key(it *certlab.Item, _ string) any { return it.Keys }

func (ordering) Guess(*certlab.Item) float64 { return 0 }

func (ordering) Form(v *View, saved json.RawMessage) any {
	l := savedList(saved)
	f := ListForm{Listed: inputs(v.Options, func(string) bool { return false })}
	for i := range v.Options {
		s := Select{Name: "order." + strconv.Itoa(i), Label: fmt.Sprintf("Step %d", i+1)}
		for _, o := range f.Listed {
			o.Checked = i < len(l) && l[i] == o.Value
			s.Options = append(s.Options, o)
		}
		f.Selects = append(f.Selects, s)
	}
	return f
}

func (ordering) FromForm(v *View, f url.Values) (any, error) {
	var ids []string
	for i := range v.Options {
		if s := f.Get("order." + strconv.Itoa(i)); s != "" {
			ids = append(ids, s)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, nil
}

func (ordering) Describe(v *View, value json.RawMessage) []string {
	name := textOf(v.Options)
	var out []string
	for i, id := range savedList(value) {
		out = append(out, fmt.Sprintf("%d. %s", i+1, name(id)))
	}
	return out
}

func (ordering) Ask(t Terminal, v *View) (any, error) {
	showExhibit(t, v)
	ids, err := askLetters(t, v.Options, 0, "Answer (the letters of the steps you need, in order, e.g. C,A,D; Enter skips, ? marks for review): ")
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return ids, nil
}
