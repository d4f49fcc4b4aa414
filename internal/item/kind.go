// Package item is the registry of item kinds. Each kind (single choice,
// multiple choice, ordering, matching, hot area, active screen, yes/no
// series, lab) is one file here that says everything certlab knows about
// it apart from its markup: the front-matter fields it takes, how its answer
// key is read and checked, how a response is decoded, scored and worded, its
// key-free candidate view, the order its choices are shown in, the model its
// web template partial renders, how a posted form becomes a response, and
// how the terminal client asks for an answer. No other package switches on
// an item's type; they look the kind up here.
package item

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"sort"

	"github.com/certlab/certlab"
)

// Kind is one item type.
type Kind interface {
	// Name is the value of the item's `type:` field.
	Name() string
	// Title names the kind for people ("Single choice").
	Title() string
	// Fields lists the front-matter keys the kind takes beyond the common
	// ones (CommonFields); lint refuses any other key.
	Fields() []string
	// Load reads the kind's fields and answer key from the item file into
	// it, reporting every problem through src.
	Load(src *Source, it *certlab.Item)
	// Section is the kind of form section the item's questions go into.
	Section() string
	// Statements lists the item's questions: one per statement of a yes/no
	// series (their ids), or a single "" for every other kind.
	Statements(it *certlab.Item) []string
	// Arrange chooses the order the item's choices are shown in for one
	// attempt; nil keeps the authored order.
	Arrange(it *certlab.Item, rng *rand.Rand) certlab.Layout
	// View is the key-free candidate view, in the layout's order.
	View(it *certlab.Item, layout certlab.Layout) View
	// Decode checks a response value against the item and returns it in
	// canonical form (nil for "no answer" is handled by the caller).
	Decode(it *certlab.Item, statement string, raw json.RawMessage) (any, error)
	// MaxPoints is what the question is worth.
	MaxPoints(it *certlab.Item, statement string) float64
	// Score is the points a decoded response earns, 0..MaxPoints.
	Score(it *certlab.Item, statement string, value json.RawMessage) float64
	// Key is the answer key in the shape of a response.
	Key(it *certlab.Item, statement string) any
	// Guess is the chance that a blind guess earns the question's points
	// (the guessing floor of provisional IRT parameters).
	Guess(it *certlab.Item) float64
	// Form is the model the web template partial "item-<name>" renders,
	// with the saved response filled in.
	Form(v *View, saved json.RawMessage) any
	// FromForm reads a response from posted form values; nil means
	// unanswered. It checks the shape; Decode checks the ids.
	FromForm(v *View, form url.Values) (any, error)
	// Describe words a response value (an answer or the key), one line per
	// part, using option texts rather than ids.
	Describe(v *View, value json.RawMessage) []string
	// Ask shows the item's choices in a terminal and reads an answer; nil
	// means skipped.
	Ask(t Terminal, v *View) (any, error)
}

// View is an item as a candidate sees it: no key, no explanation, no
// rationale, no references. Each kind fills the fields it uses.
type View struct {
	ID      string           `json:"id"`
	Type    string           `json:"type"`
	Stem    string           `json:"stem"`
	Exhibit string           `json:"exhibit,omitempty"`
	Options []certlab.Choice `json:"options,omitempty"`
	Targets []certlab.Choice `json:"targets,omitempty"`
	Areas   []certlab.Area   `json:"areas,omitempty"`
	Blanks  []certlab.Blank  `json:"blanks,omitempty"`
	Choose  int              `json:"choose,omitempty"`
	Reuse   bool             `json:"reuse,omitempty"`
	Lab     string           `json:"lab,omitempty"`
}

// Terminal is what a kind needs to ask for an answer in a text terminal.
type Terminal interface {
	// Print shows Markdown text.
	Print(markdown string)
	// Ask shows a prompt and reads one trimmed line; "" means skip.
	Ask(prompt string) (string, error)
}

// CommonFields are the front-matter keys every item takes.
var CommonFields = []string{"id", "type", "exam", "objectives", "difficulty", "case", "pilot", "pool",
	"verified", "references", "explanation", "shuffle", "silence"}

var kinds = map[string]Kind{}

// register adds a kind; each kind's file calls it from init.
func register(k Kind) {
	if _, dup := kinds[k.Name()]; dup {
		panic("item: kind " + k.Name() + " registered twice")
	}
	kinds[k.Name()] = k
}

// Lookup returns the kind with the given name.
func Lookup(name string) (Kind, bool) {
	k, ok := kinds[name]
	return k, ok
}

// Of returns the kind of an item; the item must have been loaded by the
// pack loader, which refuses unknown types.
func Of(it *certlab.Item) Kind {
	k, ok := kinds[it.Type]
	if !ok {
		return unknown{name: it.Type}
	}
	return k
}

// Names lists every kind's name, sorted.
func Names() []string {
	out := make([]string, 0, len(kinds))
	for n := range kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Kinds lists every kind, sorted by name.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, n := range Names() {
		out = append(out, kinds[n])
	}
	return out
}

// NeedsExplanation reports whether items of the kind must explain their
// key; a lab's checks carry their own feedback instead.
func NeedsExplanation(k Kind) bool {
	_, self := k.(interface{ selfExplained() })
	return !self
}

// MaxResponseBytes bounds a response value.
const MaxResponseBytes = 16 << 10

// DecodeResponse checks a response value for a question of the item and
// returns it in canonical JSON; null (or nothing) clears the answer.
func DecodeResponse(it *certlab.Item, statement string, raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) > MaxResponseBytes {
		return nil, certlab.Errorf(certlab.EINVALID, "response is larger than %d bytes", MaxResponseBytes)
	}
	if isNull(raw) {
		return json.RawMessage("null"), nil
	}
	v, err := Of(it).Decode(it, statement, raw)
	if err != nil {
		return nil, err
	}
	canon, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode response to %s: %w", it.ID, err)
	}
	return canon, nil
}

// Score is the points a stored response earns; null earns nothing.
func Score(it *certlab.Item, statement string, value json.RawMessage) float64 {
	if isNull(value) {
		return 0
	}
	return Of(it).Score(it, statement, value)
}

// MaxPoints is what a question of the item is worth.
func MaxPoints(it *certlab.Item, statement string) float64 {
	return Of(it).MaxPoints(it, statement)
}

// AnswerKey is the item's key in the JSON shape of a response (for the
// statement, in a yes/no series): what a fully correct answer saves.
func AnswerKey(it *certlab.Item, statement string) json.RawMessage {
	b, err := json.Marshal(Of(it).Key(it, statement))
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// Answered reports whether a stored response value holds an answer.
func Answered(value json.RawMessage) bool { return !isNull(value) }

// ViewOf returns the key-free view of an item in the layout's order; a nil
// layout is arranged from the attempt's seed, so forms stored before
// layouts existed keep a stable order.
func ViewOf(it *certlab.Item, layout certlab.Layout, seed int64) View {
	k := Of(it)
	if layout == nil {
		layout = k.Arrange(it, RNG(seed, it.ID))
	}
	return k.View(it, layout)
}

// RNG is the random source that arranges an item's choices for one
// attempt: seeded by the attempt's seed and the item's id.
func RNG(seed int64, itemID string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(itemID))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

func isNull(raw json.RawMessage) bool {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return len(raw) == 0 || string(trimSpace(raw)) == "null"
	}
	return true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// ErrUnknownKind is returned for an item whose type is not registered.
var ErrUnknownKind = errors.New("unknown item type")

// unknown stands in for a type no kind registers: it refuses every
// response and scores nothing.
type unknown struct{ name string }

func (u unknown) Name() string   { return u.name }
func (u unknown) Title() string  { return u.name }
func (unknown) Fields() []string { return nil }
func (u unknown) Load(src *Source, _ *certlab.Item) {
	src.Errorf(src.Line("type"), "%v %q", ErrUnknownKind, u.name)
}
func (unknown) Section() string                                  { return certlab.SectionGeneral }
func (unknown) Statements(*certlab.Item) []string                { return []string{""} }
func (unknown) Arrange(*certlab.Item, *rand.Rand) certlab.Layout { return nil }
func (unknown) View(it *certlab.Item, _ certlab.Layout) View {
	return View{ID: it.ID, Type: it.Type, Stem: it.Stem}
}
func (u unknown) Decode(it *certlab.Item, _ string, _ json.RawMessage) (any, error) {
	return nil, badResponse(it, "unknown item type %q", u.name)
}
func (unknown) MaxPoints(*certlab.Item, string) float64              { return 0 }
func (unknown) Score(*certlab.Item, string, json.RawMessage) float64 { return 0 }
func (unknown) Key(*certlab.Item, string) any                        { return nil }
func (unknown) Guess(*certlab.Item) float64                          { return 0 }
func (unknown) Form(*View, json.RawMessage) any                      { return nil }
func (u unknown) FromForm(v *View, _ url.Values) (any, error) {
	return nil, certlab.Errorf(certlab.EINVALID, "%s questions (%s) are not answered in a form", u.name, v.ID)
}
func (unknown) Describe(*View, json.RawMessage) []string { return nil }
func (unknown) Ask(Terminal, *View) (any, error)         { return nil, nil }
