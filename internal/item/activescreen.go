package item

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"strconv"

	"github.com/certlab/certlab"
)

// activeScreen is an active-screen item: drop-downs placed in an exhibit
// as [[id]], one point per drop-down right. Each drop-down's choices are
// shown in a per-attempt order unless the item says shuffle: false.
//
//	blanks: [{id: b1, options: [x, y, z]}, …]
//	answer: {b1: y}
//	## Exhibit   with [[b1]] placed in it
type activeScreen struct{}

func init() { register(activeScreen{}) }

func (activeScreen) Name() string     { return certlab.TypeActiveScreen }
func (activeScreen) Title() string    { return "Active screen (drop-downs)" }
func (activeScreen) Fields() []string { return []string{"blanks", "answer"} }
func (activeScreen) Section() string  { return certlab.SectionGeneral }

func (activeScreen) Statements(*certlab.Item) []string { return []string{""} }

// placeholderRE finds the drop-downs placed in an exhibit.
var placeholderRE = regexp.MustCompile(`\[\[([A-Za-z0-9][A-Za-z0-9._-]*)\]\]`)

func (activeScreen) Load(src *Source, it *certlab.Item) {
	src.Decode("blanks", &it.Blanks)
	if len(it.Blanks) == 0 {
		src.Errorf(src.Line("blanks"), "active-screen items need blanks")
	}
	if it.Exhibit == "" {
		src.Errorf(src.Line("answer"), "active-screen items need an ## Exhibit section with [[blank]] placeholders")
	}
	placed := map[string]bool{}
	for _, m := range placeholderRE.FindAllStringSubmatch(it.Exhibit, -1) {
		placed[m[1]] = true
	}
	ans := answerNode(src, it)
	if ans == nil {
		return
	}
	at := src.Line("answer")
	m, ok := answerMap(ans)
	if !ok {
		src.Errorf(at, "active-screen answer must map each blank id to one of its options")
		return
	}
	bids := map[string]bool{}
	for i, b := range it.Blanks {
		bat := src.Line("blanks", strconv.Itoa(i))
		if b.ID == "" || bids[b.ID] {
			src.Errorf(bat, "blank id %q is missing or repeated", b.ID)
		}
		bids[b.ID] = true
		if len(b.Options) < 2 {
			src.Errorf(bat, "blank %s needs at least two options", b.ID)
		}
		seen := map[string]bool{}
		for _, o := range b.Options {
			if seen[o] {
				src.Errorf(bat, "blank %s offers %q twice", b.ID, o)
			}
			seen[o] = true
		}
		if !placed[b.ID] {
			src.Errorf(bat, "blank %s is not placed in the exhibit as [[%s]]", b.ID, b.ID)
		}
		v, ok := m[b.ID]
		if !ok {
			src.Errorf(at, "answer gives nothing for blank %q", b.ID)
			continue
		}
		if !contains(b.Options, v) {
			src.Errorf(at, "answer for blank %q, %q, is not one of its options", b.ID, v)
		}
	}
	for id := range placed {
		if !bids[id] {
			src.Errorf(at, "the exhibit has a placeholder [[%s]] with no blank", id)
		}
	}
	for k := range m {
		if !bids[k] {
			src.Errorf(at, "answer names %q, which is not a blank", k)
		}
	}
	it.KeyMap = m
}

func (activeScreen) Arrange(it *certlab.Item, rng *rand.Rand) certlab.Layout {
	if !it.Shuffle {
		return nil
	}
	l := certlab.Layout{}
	for _, b := range it.Blanks {
		opts := append([]string(nil), b.Options...)
		rng.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
		l["blank."+b.ID] = opts
	}
	return l
}

func (activeScreen) View(it *certlab.Item, l certlab.Layout) View {
	blanks := make([]certlab.Blank, len(it.Blanks))
	for i, b := range it.Blanks {
		blanks[i] = certlab.Blank{ID: b.ID, Options: orderedStrings(b.Options, l["blank."+b.ID])}
	}
	return View{ID: it.ID, Type: it.Type, Stem: it.Stem, Exhibit: it.Exhibit, Blanks: blanks}
}

// orderedStrings returns opts in the order given, the rest after them.
func orderedStrings(opts, order []string) []string {
	cs := make([]certlab.Choice, len(opts))
	for i, o := range opts {
		cs[i] = certlab.Choice{ID: o}
	}
	out := make([]string, 0, len(opts))
	for _, c := range ordered(cs, order) {
		out = append(out, c.ID)
	}
	return out
}

func (activeScreen) Decode(it *certlab.Item, _ string, raw json.RawMessage) (any, error) {
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, badResponse(it, "want a JSON object")
	}
	for b, v := range m {
		var blank *certlab.Blank
		for i := range it.Blanks {
			if it.Blanks[i].ID == b {
				blank = &it.Blanks[i]
			}
		}
		if blank == nil {
			return nil, badResponse(it, "%q is not a drop-down", b)
		}
		if !contains(blank.Options, v) {
			return nil, badResponse(it, "%q is not a choice of drop-down %s", v, b)
		}
	}
	return m, nil
}

func (activeScreen) MaxPoints(it *certlab.Item, _ string) float64 { return float64(len(it.Blanks)) }

func (activeScreen) Score(it *certlab.Item, _ string, value json.RawMessage) float64 {
	return scoreMap(it, value)
}

func (activeScreen) Key(it *certlab.Item, _ string) any { return it.KeyMap }

func (activeScreen) Guess(*certlab.Item) float64 { return 0 }

// ScreenForm is the form model of an active-screen item: the Markdown
// around the exhibit's code block, and its lines cut into text and
// drop-downs.
type ScreenForm struct {
	Before string // Markdown
	After  string // Markdown
	Lines  [][]Segment
}

// Segment is a run of exhibit text or a drop-down.
type Segment struct {
	Text   string
	Select *Select
}

func (activeScreen) Form(v *View, saved json.RawMessage) any {
	m := savedMap(saved)
	byID := map[string]certlab.Blank{}
	for _, b := range v.Blanks {
		byID[b.ID] = b
	}
	before, lines, after := Fence(v.Exhibit)
	f := ScreenForm{Before: before, After: after}
	n := 0
	for _, l := range lines {
		var segs []Segment
		last := 0
		for _, loc := range placeholderRE.FindAllStringSubmatchIndex(l, -1) {
			id := l[loc[2]:loc[3]]
			b, ok := byID[id]
			if !ok {
				continue
			}
			if loc[0] > last {
				segs = append(segs, Segment{Text: l[last:loc[0]]})
			}
			last = loc[1]
			n++
			s := &Select{Name: "blank." + id, Label: fmt.Sprintf("Drop-down %d (%s)", n, id)}
			for _, o := range b.Options {
				s.Options = append(s.Options, Input{Value: o, Text: o, Checked: m[id] == o})
			}
			segs = append(segs, Segment{Select: s})
		}
		if last < len(l) || len(segs) == 0 {
			segs = append(segs, Segment{Text: l[last:]})
		}
		f.Lines = append(f.Lines, segs)
	}
	return f
}

func (activeScreen) FromForm(v *View, f url.Values) (any, error) {
	m := map[string]string{}
	for _, b := range v.Blanks {
		if s := f.Get("blank." + b.ID); s != "" {
			m[b.ID] = s
		}
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

func (activeScreen) Describe(v *View, value json.RawMessage) []string {
	m := savedMap(value)
	var out []string
	for i, b := range v.Blanks {
		if s, ok := m[b.ID]; ok {
			out = append(out, fmt.Sprintf("Drop-down %d (%s): %s", i+1, b.ID, s))
		}
	}
	return out
}

func (activeScreen) Ask(t Terminal, v *View) (any, error) {
	if v.Exhibit != "" {
		t.Print(v.Exhibit)
	}
	m := map[string]string{}
	for i, b := range v.Blanks {
		t.Print(fmt.Sprintf("Drop-down %d (%s):", i+1, CodeSpan("[["+b.ID+"]]")))
		for j, o := range b.Options {
			t.Print(Letter(j) + ". " + CodeSpan(o))
		}
		line, err := t.Ask(fmt.Sprintf("Drop-down %d (a letter; Enter skips): ", i+1))
		if err != nil {
			return nil, err
		}
		if line == "" {
			continue
		}
		j := letterIndex(line)
		if j < 0 || j >= len(b.Options) {
			return nil, fmt.Errorf("%q is not one of the letters A to %s", line, Letter(len(b.Options)-1))
		}
		m[b.ID] = b.Options[j]
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

func (activeScreen) Cues(it *certlab.Item) Cues {
	c := Cues{Blanks: len(it.Blanks), TestWiseMax: float64(len(it.Blanks))}
	for _, b := range it.Blanks {
		if len(b.Options) > 0 && it.KeyMap[b.ID] == b.Options[0] {
			c.BlanksFirstKeys++
		}
	}
	c.TestWisePoints = float64(c.BlanksFirstKeys)
	return c
}
