package item

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certlab/certlab"
	"go.yaml.in/yaml/v3"
)

// optionFile is an option or target as written in an item file; why is the
// option's own rationale (why it is right or wrong), never shown during an
// exam.
type optionFile struct {
	ID   string `yaml:"id"`
	Text string `yaml:"text"`
	Why  string `yaml:"why"`
}

// loadChoices reads a list of options or targets, checks ids and texts and
// records rationales in it.Rationale. It returns the choices and their ids.
func loadChoices(src *Source, it *certlab.Item, key string, min int) ([]certlab.Choice, map[string]bool) {
	var fs []optionFile
	src.Decode(key, &fs)
	ids := map[string]bool{}
	if len(fs) < min {
		src.Errorf(src.Line(key), "%s: at least %d needed (found %d)", key, min, len(fs))
	}
	out := make([]certlab.Choice, 0, len(fs))
	for i, f := range fs {
		at := src.Line(key, strconv.Itoa(i))
		if f.ID == "" || ids[f.ID] {
			src.Errorf(at, "%s: id %q is missing or repeated", key, f.ID)
		}
		if strings.TrimSpace(f.Text) == "" {
			src.Errorf(at, "%s: %s has no text", key, f.ID)
		}
		ids[f.ID] = true
		if w := strings.TrimSpace(f.Why); w != "" {
			if it.Rationale == nil {
				it.Rationale = map[string]string{}
			}
			it.Rationale[f.ID] = w
		}
		out = append(out, certlab.Choice{ID: f.ID, Text: f.Text})
	}
	return out, ids
}

// requireRationales reports options without their own rationale.
func requireRationales(src *Source, it *certlab.Item, key string) {
	for i, o := range it.Options {
		if it.Rationale[o.ID] == "" {
			src.Warnf("rationale", src.Line(key, strconv.Itoa(i)), "option %s has no rationale: add why: (why it is right or wrong)", o.ID)
		}
	}
}

// answerList decodes the answer as a list of strings (a single string is a
// list of one).
func answerList(n *yaml.Node) ([]string, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, true
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, false
			}
			out = append(out, c.Value)
		}
		return out, true
	}
	return nil, false
}

// answerMap decodes the answer as a mapping of strings to strings.
func answerMap(n *yaml.Node) (map[string]string, bool) {
	if n.Kind != yaml.MappingNode {
		return nil, false
	}
	m := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
			return nil, false
		}
		m[k.Value] = v.Value
	}
	return m, true
}

// answerNode returns the answer's node, reporting it missing.
func answerNode(src *Source, it *certlab.Item) *yaml.Node {
	n := src.Node("answer")
	if n == nil {
		src.Errorf(src.Line(), "answer is missing")
	}
	return n
}

// uniqueIDs reports an id named twice in an answer.
func uniqueIDs(src *Source, ids []string) {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			src.Errorf(src.Line("answer"), "answer names %q twice", id)
			return
		}
		seen[id] = true
	}
}

// permute returns the ids of cs in a random order.
func permute(cs []certlab.Choice, rng *rand.Rand) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids
}

// ordered returns cs in the order of ids; choices the order does not name
// (an item edited since) follow in authored order.
func ordered(cs []certlab.Choice, ids []string) []certlab.Choice {
	if len(ids) == 0 {
		return append([]certlab.Choice(nil), cs...)
	}
	byID := map[string]certlab.Choice{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	out := make([]certlab.Choice, 0, len(cs))
	placed := map[string]bool{}
	for _, id := range ids {
		if c, ok := byID[id]; ok && !placed[id] {
			out = append(out, c)
			placed[id] = true
		}
	}
	for _, c := range cs {
		if !placed[c.ID] {
			out = append(out, c)
		}
	}
	return out
}

// idSet is the set of ids of cs.
func idSet(cs []certlab.Choice) map[string]bool {
	m := make(map[string]bool, len(cs))
	for _, c := range cs {
		m[c.ID] = true
	}
	return m
}

// badResponse is the error of a malformed response.
func badResponse(it *certlab.Item, format string, args ...any) error {
	return certlab.Errorf(certlab.EINVALID, "response to %s: "+format, append([]any{it.ID}, args...)...)
}

// decodeIDs decodes a list of distinct ids, each in valid.
func decodeIDs(it *certlab.Item, raw json.RawMessage, valid map[string]bool) ([]string, error) {
	var ids []string
	if err := json.Unmarshal(raw, &ids); err != nil {
		return nil, badResponse(it, "want a JSON array of ids")
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if !valid[id] {
			return nil, badResponse(it, "%q is not one of the choices", id)
		}
		if seen[id] {
			return nil, badResponse(it, "%q is chosen twice", id)
		}
		seen[id] = true
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

// Input is one pickable choice in a web form: a radio button, a check box
// or an option of a select.
type Input struct {
	Value   string
	Text    string
	Letter  string // A, B, C… in the order shown
	Checked bool
	Why     string // practice review only: never filled during an exam
}

// Select is a labelled drop-down of a web form.
type Select struct {
	Name    string
	Label   string
	Options []Input
}

// ChoiceForm is the form model of single, multiple and named hot-area
// choices.
type ChoiceForm struct {
	Name    string // the form field: "answer"
	Choose  int
	Options []Input
}

// ListForm is the form model of ordering and matching: the options listed
// in full with letters, and one drop-down per position or target.
type ListForm struct {
	Listed  []Input
	Selects []Select
	Reuse   bool
}

// inputs makes lettered inputs of choices, checked where picked says.
func inputs(cs []certlab.Choice, picked func(id string) bool) []Input {
	out := make([]Input, len(cs))
	for i, c := range cs {
		out[i] = Input{Value: c.ID, Text: c.Text, Letter: Letter(i), Checked: picked(c.ID)}
	}
	return out
}

// Letter is the label of the i-th choice shown: A, B, … Z, A1, …
func Letter(i int) string {
	l := string(rune('A' + i%26))
	if i >= 26 {
		l += strconv.Itoa(i / 26)
	}
	return l
}

// formIDs reads the repeated non-empty values of a form field.
func formIDs(form url.Values, name string) []string {
	var ids []string
	for _, s := range form[name] {
		if s != "" {
			ids = append(ids, s)
		}
	}
	return ids
}

// savedList decodes a saved list response, tolerating anything else.
func savedList(saved json.RawMessage) []string {
	var l []string
	_ = json.Unmarshal(saved, &l)
	return l
}

// savedMap decodes a saved mapping response, tolerating anything else.
func savedMap(saved json.RawMessage) map[string]string {
	var m map[string]string
	_ = json.Unmarshal(saved, &m)
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// textOf maps choice ids to their texts for wording answers.
func textOf(cs []certlab.Choice) func(id string) string {
	m := map[string]string{}
	for _, c := range cs {
		m[c.ID] = c.Text
	}
	return func(id string) string {
		if t, ok := m[id]; ok {
			return t
		}
		return id
	}
}

// askLetters shows lettered choices and reads letters back as ids: one
// letter, or up to max letters separated by commas or spaces.
func askLetters(t Terminal, cs []certlab.Choice, max int, prompt string) ([]string, error) {
	printLettered(t, cs)
	line, err := t.Ask(prompt)
	if err != nil || line == "" {
		return nil, err
	}
	var ids []string
	for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		i := letterIndex(f)
		if i < 0 || i >= len(cs) {
			return nil, fmt.Errorf("%q is not one of the letters A to %s", f, Letter(len(cs)-1))
		}
		ids = append(ids, cs[i].ID)
	}
	if max > 0 && len(ids) > max {
		return nil, fmt.Errorf("choose at most %d", max)
	}
	return ids, nil
}

// printLettered shows choices in letter order, one Markdown paragraph
// each, so a terminal renderer keeps them on lines of their own.
func printLettered(t Terminal, cs []certlab.Choice) {
	for i, c := range cs {
		t.Print(Letter(i) + ". " + c.Text)
	}
}

// letterIndex reads a choice letter (A, b, A1…) back to its index.
func letterIndex(s string) int {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return -1
	}
	r, size := utf8.DecodeRuneInString(s)
	if r < 'A' || r > 'Z' {
		return -1
	}
	i := int(r - 'A')
	if rest := s[size:]; rest != "" {
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 {
			return -1
		}
		i += 26 * n
	}
	return i
}

// showExhibit prints the exhibit, if the item has one.
func showExhibit(t Terminal, v *View) {
	if v.Exhibit != "" {
		t.Print("Exhibit:\n\n" + v.Exhibit)
	}
}
