package item

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	"github.com/certlab/certlab"
)

// hotArea is a hot-area item: select k areas of an exhibit, one point per
// keyed area selected. An area with a line is a line of the exhibit's
// first code block; areas without lines are listed below the exhibit.
//
//	areas: [{id: l3, text: …, line: 3}, …]   at least 2
//	answer: [l3]
//	choose: 1                                 optional
//	## Exhibit                                required
type hotArea struct{}

func init() { register(hotArea{}) }

func (hotArea) Name() string     { return certlab.TypeHotArea }
func (hotArea) Title() string    { return "Hot area" }
func (hotArea) Fields() []string { return []string{"areas", "answer", "choose"} }
func (hotArea) Section() string  { return certlab.SectionGeneral }

func (hotArea) Statements(*certlab.Item) []string { return []string{""} }

type areaFile struct {
	ID   string `yaml:"id"`
	Text string `yaml:"text"`
	Line int    `yaml:"line"`
	Why  string `yaml:"why"`
}

func (hotArea) Load(src *Source, it *certlab.Item) {
	var fs []areaFile
	src.Decode("areas", &fs)
	ids := map[string]bool{}
	if len(fs) < 2 {
		src.Errorf(src.Line("areas"), "areas: at least 2 needed (found %d)", len(fs))
	}
	if it.Exhibit == "" {
		src.Errorf(src.Line("answer"), "hot-area items need an ## Exhibit section")
	}
	n := ExhibitLines(it.Exhibit)
	for i, f := range fs {
		at := src.Line("areas", strconv.Itoa(i))
		if f.ID == "" || ids[f.ID] {
			src.Errorf(at, "areas: id %q is missing or repeated", f.ID)
		}
		if strings.TrimSpace(f.Text) == "" {
			src.Errorf(at, "areas: %s has no text", f.ID)
		}
		if n > 0 && (f.Line < 0 || f.Line > n) {
			src.Errorf(at, "area %s points at line %d, but the exhibit listing has %d lines", f.ID, f.Line, n)
		}
		ids[f.ID] = true
		if w := strings.TrimSpace(f.Why); w != "" {
			if it.Rationale == nil {
				it.Rationale = map[string]string{}
			}
			it.Rationale[f.ID] = w
		}
		it.Areas = append(it.Areas, certlab.Area{ID: f.ID, Text: f.Text, Line: f.Line})
	}
	it.Keys = loadChosenKeys(src, it, ids, "areas")
}

// Arrange shuffles the areas listed below the exhibit; areas on lines stay
// where the exhibit puts them.
func (hotArea) Arrange(it *certlab.Item, rng *rand.Rand) certlab.Layout {
	if !it.Shuffle {
		return nil
	}
	var free []certlab.Choice
	for _, a := range it.Areas {
		if a.Line == 0 {
			free = append(free, certlab.Choice{ID: a.ID})
		}
	}
	if len(free) < 2 {
		return nil
	}
	return certlab.Layout{"areas": permute(free, rng)}
}

func (hotArea) View(it *certlab.Item, l certlab.Layout) View {
	areas := append([]certlab.Area(nil), it.Areas...)
	if order := l["areas"]; len(order) > 0 {
		var lined, free []certlab.Area
		byID := map[string]certlab.Area{}
		for _, a := range areas {
			if a.Line > 0 {
				lined = append(lined, a)
			} else {
				byID[a.ID] = a
			}
		}
		for _, id := range order {
			if a, ok := byID[id]; ok {
				free = append(free, a)
				delete(byID, id)
			}
		}
		for _, a := range areas {
			if _, left := byID[a.ID]; left {
				free = append(free, a)
			}
		}
		areas = append(lined, free...)
	}
	return View{ID: it.ID, Type: it.Type, Stem: it.Stem, Exhibit: it.Exhibit, Areas: areas, Choose: it.Choose}
}

func (hotArea) Decode(it *certlab.Item, _ string, raw json.RawMessage) (any, error) {
	valid := map[string]bool{}
	for _, a := range it.Areas {
		valid[a.ID] = true
	}
	return decodeChosen(it, raw, valid)
}

func (hotArea) MaxPoints(it *certlab.Item, _ string) float64 { return float64(len(it.Keys)) }

func (hotArea) Score(it *certlab.Item, _ string, value json.RawMessage) float64 {
	return scoreChosen(it, value)
}

func (hotArea) Key(it *certlab.Item, _ string) any { return it.Keys }

func (hotArea) Guess(*certlab.Item) float64 { return 0 }

// HotAreaForm is the form model of a hot-area item: the exhibit's first
// code block as lines, some of them selectable, the Markdown around it,
// and areas that have no line. When no area has a line, Exhibit is the
// whole exhibit and every area is in Free.
type HotAreaForm struct {
	Choose  int
	Exhibit string // Markdown
	Before  string // Markdown
	After   string // Markdown
	Lines   []Line
	Free    []Input
}

// Line is one line of an exhibit listing, selectable when Area is set.
type Line struct {
	Text string
	Area *Input
}

func (hotArea) Form(v *View, saved json.RawMessage) any {
	picked := savedList(saved)
	f := HotAreaForm{Choose: v.Choose}
	lined := false
	for _, a := range v.Areas {
		lined = lined || a.Line > 0
	}
	if !lined {
		f.Exhibit = v.Exhibit
		for _, a := range v.Areas {
			f.Free = append(f.Free, Input{Value: a.ID, Text: a.Text, Checked: contains(picked, a.ID)})
		}
		return f
	}
	before, lines, after := Fence(v.Exhibit)
	f.Before, f.After = before, after
	for _, l := range lines {
		f.Lines = append(f.Lines, Line{Text: l})
	}
	for _, a := range v.Areas {
		in := &Input{Value: a.ID, Text: a.Text, Checked: contains(picked, a.ID)}
		if a.Line >= 1 && a.Line <= len(f.Lines) && f.Lines[a.Line-1].Area == nil {
			f.Lines[a.Line-1].Area = in
		} else {
			f.Free = append(f.Free, *in)
		}
	}
	return f
}

func (hotArea) FromForm(_ *View, f url.Values) (any, error) {
	if ids := formIDs(f, "answer"); len(ids) > 0 {
		return ids, nil
	}
	return nil, nil
}

func (hotArea) Describe(v *View, value json.RawMessage) []string {
	text := map[string]string{}
	for _, a := range v.Areas {
		text[a.ID] = a.Text
		if a.Line > 0 {
			text[a.ID] = fmt.Sprintf("line %d: %s", a.Line, a.Text)
		}
	}
	var out []string
	for _, id := range savedList(value) {
		if t, ok := text[id]; ok {
			out = append(out, t)
		} else {
			out = append(out, id)
		}
	}
	return out
}

func (hotArea) Ask(t Terminal, v *View) (any, error) {
	cs := make([]certlab.Choice, len(v.Areas))
	for i, a := range v.Areas {
		cs[i] = certlab.Choice{ID: a.ID, Text: a.Text}
		if a.Line > 0 {
			cs[i].Text = fmt.Sprintf("line %d: %s", a.Line, a.Text)
		}
	}
	if v.Exhibit != "" {
		t.Print(numbered(v.Exhibit))
	}
	ids, err := askLetters(t, cs, v.Choose, fmt.Sprintf("Select %d (letters, e.g. A,C; Enter skips, ? marks for review): ", v.Choose))
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return ids, nil
}

// numbered shows an exhibit's listing with line numbers, so areas that
// name a line can be found.
func numbered(exhibit string) string {
	before, lines, after := Fence(exhibit)
	var b strings.Builder
	if before != "" {
		b.WriteString(before + "\n\n")
	}
	b.WriteString("```\n")
	for i, l := range lines {
		fmt.Fprintf(&b, "%3d  %s\n", i+1, l)
	}
	b.WriteString("```\n")
	if after != "" {
		b.WriteString("\n" + after + "\n")
	}
	return b.String()
}

// Fence finds the first fenced code block of an exhibit: the Markdown
// before it, its lines, and the Markdown after it. Without a block, every
// line of the exhibit counts.
func Fence(exhibit string) (before string, lines []string, after string) {
	all := strings.Split(strings.ReplaceAll(exhibit, "\r\n", "\n"), "\n")
	start := -1
	for i, l := range all {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "```") && !strings.HasPrefix(t, "~~~") {
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		return strings.Join(all[:start], "\n"), all[start+1 : i], strings.Join(all[i+1:], "\n")
	}
	if start >= 0 {
		return strings.Join(all[:start], "\n"), all[start+1:], ""
	}
	return "", strings.Split(strings.TrimRight(exhibit, "\n"), "\n"), ""
}

// ExhibitLines counts the lines of an exhibit's listing: inside its first
// fenced code block, else the whole exhibit (the numbering of area lines).
func ExhibitLines(exhibit string) int {
	if exhibit == "" {
		return 0
	}
	_, lines, _ := Fence(exhibit)
	return len(lines)
}
