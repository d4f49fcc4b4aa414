package item

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/certlab/certlab"
)

// yesNoSeries is a series of statements that share a scenario, each
// answered Yes or No and worth one point. In an exam the statements come
// one at a time and cannot be revisited; each is its own question.
//
//	statements: [{id: s1, text: …, answer: yes, explanation: …}, …]   at least 2
type yesNoSeries struct{}

func init() { register(yesNoSeries{}) }

func (yesNoSeries) Name() string     { return certlab.TypeYesNoSeries }
func (yesNoSeries) Title() string    { return "Yes/no series" }
func (yesNoSeries) Fields() []string { return []string{"statements"} }
func (yesNoSeries) Section() string  { return certlab.SectionYesNoSeries }

func (yesNoSeries) Statements(it *certlab.Item) []string {
	ids := make([]string, len(it.Statements))
	for i, s := range it.Statements {
		ids[i] = s.ID
	}
	return ids
}

type statementFile struct {
	ID          string `yaml:"id"`
	Text        string `yaml:"text"`
	Answer      string `yaml:"answer"`
	Explanation string `yaml:"explanation"`
}

var statementIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)

func (yesNoSeries) Load(src *Source, it *certlab.Item) {
	var fs []statementFile
	src.Decode("statements", &fs)
	if len(fs) < 2 {
		src.Errorf(src.Line("statements"), "a yes/no series needs at least two statements")
	}
	ids := map[string]bool{}
	for i, s := range fs {
		at := src.Line("statements", strconv.Itoa(i))
		if !statementIDRE.MatchString(s.ID) || ids[s.ID] {
			src.Errorf(at, "statement id %q is missing, malformed or repeated", s.ID)
		}
		ids[s.ID] = true
		if strings.TrimSpace(s.Text) == "" {
			src.Errorf(at, "statement %s has no text", s.ID)
		}
		var yes bool
		switch strings.ToLower(s.Answer) {
		case "yes", "true":
			yes = true
		case "no", "false":
		default:
			src.Errorf(src.Line("statements", strconv.Itoa(i), "answer"), "statement %s: answer must be yes or no", s.ID)
		}
		if strings.TrimSpace(s.Explanation) == "" {
			src.Errorf(at, "statement %s has no explanation", s.ID)
		}
		it.Statements = append(it.Statements, certlab.Statement{ID: s.ID, Text: s.Text, Answer: yes, Explanation: s.Explanation})
	}
}

func (yesNoSeries) Arrange(*certlab.Item, *rand.Rand) certlab.Layout { return nil }

func (yesNoSeries) View(it *certlab.Item, _ certlab.Layout) View {
	return View{ID: it.ID, Type: it.Type, Stem: it.Stem, Exhibit: it.Exhibit}
}

func (yesNoSeries) Decode(it *certlab.Item, statement string, raw json.RawMessage) (any, error) {
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, badResponse(it, "want true (yes) or false (no)")
	}
	if statement == "" {
		return nil, badResponse(it, "no statement")
	}
	return b, nil
}

func (yesNoSeries) MaxPoints(*certlab.Item, string) float64 { return 1 }

func (yesNoSeries) Score(it *certlab.Item, statement string, value json.RawMessage) float64 {
	var b bool
	if json.Unmarshal(value, &b) != nil {
		return 0
	}
	for _, s := range it.Statements {
		if s.ID == statement && s.Answer == b {
			return 1
		}
	}
	return 0
}

func (yesNoSeries) Key(it *certlab.Item, statement string) any {
	for _, s := range it.Statements {
		if s.ID == statement {
			return s.Answer
		}
	}
	return nil
}

func (yesNoSeries) Guess(*certlab.Item) float64 { return 0.5 }

// YesNoForm is the form model of one statement of a series.
type YesNoForm struct {
	Exhibit string // Markdown
	Answer  string // "yes", "no" or ""
}

func (yesNoSeries) Form(v *View, saved json.RawMessage) any {
	f := YesNoForm{Exhibit: v.Exhibit}
	var b *bool
	if json.Unmarshal(saved, &b) == nil && b != nil {
		f.Answer = map[bool]string{true: "yes", false: "no"}[*b]
	}
	return f
}

func (yesNoSeries) FromForm(v *View, f url.Values) (any, error) {
	switch f.Get("answer") {
	case "":
		return nil, nil
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return nil, certlab.Errorf(certlab.EINVALID, "answer to %s must be yes or no, not %q", v.ID, f.Get("answer"))
}

func (yesNoSeries) Describe(_ *View, value json.RawMessage) []string {
	var b bool
	if json.Unmarshal(value, &b) != nil {
		return nil
	}
	return []string{map[bool]string{true: "Yes", false: "No"}[b]}
}

func (yesNoSeries) Ask(t Terminal, v *View) (any, error) {
	if v.Exhibit != "" {
		t.Print(v.Exhibit)
	}
	line, err := t.Ask("Does the solution meet the goal? (y or n; Enter skips): ")
	if err != nil || line == "" {
		return nil, err
	}
	switch strings.ToLower(line) {
	case "y", "yes":
		return true, nil
	case "n", "no":
		return false, nil
	}
	return nil, fmt.Errorf("answer y or n")
}

func (yesNoSeries) Cues(it *certlab.Item) Cues {
	c := Cues{Series: true, Statements: len(it.Statements), TestWiseMax: float64(len(it.Statements))}
	for i, s := range it.Statements {
		if s.Answer {
			c.Yes++
		}
		if i == 0 {
			c.FirstYes = s.Answer
		}
		// "Yes, then No": the pattern a test-wise candidate tries.
		if s.Answer == (i == 0) {
			c.TestWisePoints++
		}
	}
	return c
}
