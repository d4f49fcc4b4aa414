package item

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"

	"github.com/certlab/certlab"
)

// multiple is a multiple-choice item: choose k correct options of n, one
// point per correct option chosen.
//
//	options: [{id: a, text: …, why: …}, …]   at least 3
//	answer: [a, c]                           at least 2
//	choose: 2                                optional; must equal the answer's length
type multiple struct{}

func init() { register(multiple{}) }

func (multiple) Name() string     { return certlab.TypeMultiple }
func (multiple) Title() string    { return "Multiple choice" }
func (multiple) Fields() []string { return []string{"options", "answer", "choose"} }
func (multiple) Section() string  { return certlab.SectionGeneral }

func (multiple) Statements(*certlab.Item) []string { return []string{""} }

func (multiple) Load(src *Source, it *certlab.Item) {
	var ids map[string]bool
	it.Options, ids = loadChoices(src, it, "options", 3)
	it.Keys = loadChosenKeys(src, it, ids, "options")
	if it.Keys == nil {
		return
	}
	if len(it.Keys) < 2 {
		src.Errorf(src.Line("answer"), "a multiple-choice item has at least two correct options (use type: single)")
	}
	requireRationales(src, it, "options")
	keys := map[string]bool{}
	for _, k := range it.Keys {
		keys[k] = true
	}
	lintOptionCues(src, it, keys)
}

// loadChosenKeys reads the answer of a choose-k item (multiple choice, hot
// area): a list of distinct ids among ids, and sets it.Choose.
func loadChosenKeys(src *Source, it *certlab.Item, ids map[string]bool, what string) []string {
	if src.Has("choose") {
		src.Decode("choose", &it.Choose)
	}
	ans := answerNode(src, it)
	if ans == nil {
		return nil
	}
	keys, ok := answerList(ans)
	if !ok || len(keys) == 0 {
		src.Errorf(src.Line("answer"), "answer must be a list of ids")
		return nil
	}
	for _, k := range keys {
		if !ids[k] {
			src.Errorf(src.Line("answer"), "answer %q is not one of the %s", k, what)
		}
	}
	uniqueIDs(src, keys)
	if it.Choose == 0 {
		it.Choose = len(keys)
	}
	if it.Choose != len(keys) {
		src.Errorf(src.Line("choose"), "choose is %d but the answer has %d ids", it.Choose, len(keys))
	}
	if len(keys) >= len(ids) {
		src.Errorf(src.Line("answer"), "every option is correct: nothing to choose")
	}
	return keys
}

func (multiple) Arrange(it *certlab.Item, rng *rand.Rand) certlab.Layout {
	if !it.Shuffle {
		return nil
	}
	return certlab.Layout{"options": permute(it.Options, rng)}
}

func (multiple) View(it *certlab.Item, l certlab.Layout) View {
	return View{ID: it.ID, Type: it.Type, Stem: it.Stem, Exhibit: it.Exhibit, Options: ordered(it.Options, l["options"]), Choose: it.Choose}
}

func (multiple) Decode(it *certlab.Item, _ string, raw json.RawMessage) (any, error) {
	return decodeChosen(it, raw, idSet(it.Options))
}

// decodeChosen decodes up to it.Choose distinct ids among valid.
func decodeChosen(it *certlab.Item, raw json.RawMessage, valid map[string]bool) (any, error) {
	ids, err := decodeIDs(it, raw, valid)
	if err != nil {
		return nil, err
	}
	if len(ids) > it.Choose {
		return nil, badResponse(it, "choose at most %d", it.Choose)
	}
	return ids, nil
}

func (multiple) MaxPoints(it *certlab.Item, _ string) float64 { return float64(len(it.Keys)) }

func (multiple) Score(it *certlab.Item, _ string, value json.RawMessage) float64 {
	return scoreChosen(it, value)
}

// scoreChosen earns a point per keyed id chosen; choosing more than the
// item asks for earns nothing.
func scoreChosen(it *certlab.Item, value json.RawMessage) float64 {
	var ids []string
	if json.Unmarshal(value, &ids) != nil || len(ids) > it.Choose {
		return 0
	}
	n := 0.0
	for _, id := range ids {
		if contains(it.Keys, id) {
			n++
		}
	}
	return n
}

func (multiple) Key(it *certlab.Item, _ string) any { return it.Keys }

func (multiple) Guess(*certlab.Item) float64 { return 0 }

func (multiple) Form(v *View, saved json.RawMessage) any {
	l := savedList(saved)
	return ChoiceForm{Name: "answer", Choose: v.Choose, Options: inputs(v.Options, func(id string) bool { return contains(l, id) })}
}

func (multiple) FromForm(_ *View, f url.Values) (any, error) {
	if ids := formIDs(f, "answer"); len(ids) > 0 {
		return ids, nil
	}
	return nil, nil
}

func (multiple) Describe(v *View, value json.RawMessage) []string {
	name := textOf(v.Options)
	var out []string
	for _, id := range savedList(value) {
		out = append(out, name(id))
	}
	return out
}

func (multiple) Ask(t Terminal, v *View) (any, error) {
	showExhibit(t, v)
	ids, err := askLetters(t, v.Options, v.Choose, fmt.Sprintf("Answer (choose %d letters, e.g. A,C; Enter skips, ? marks for review): ", v.Choose))
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return ids, nil
}

func (multiple) Cues(it *certlab.Item) Cues {
	c := Cues{Multiple: true, Keys: len(it.Keys), TestWiseMax: float64(len(it.Keys))}
	order := longestFirst(it.Options)
	k := len(it.Keys)
	for rank, i := range order {
		if rank < k && contains(it.Keys, it.Options[i].ID) {
			c.KeysAmongLongest++
		}
	}
	if n := len(it.Options); n > 0 {
		c.KeysByChance = float64(k) * float64(k) / float64(n)
	}
	c.TestWisePoints = float64(c.KeysAmongLongest)
	return c
}
