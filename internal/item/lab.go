package item

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"

	"github.com/certlab/certlab"
)

// lab is a hands-on lab placed in a form: the candidate works on a
// workspace and the lab grader records the result; it is never answered
// through a response save.
//
//	lab: lab-id
//	points: 5        optional, default 1
type lab struct{}

func init() { register(lab{}) }

func (lab) Name() string     { return certlab.TypeLab }
func (lab) Title() string    { return "Lab" }
func (lab) Fields() []string { return []string{"lab", "points"} }
func (lab) Section() string  { return certlab.SectionLab }

func (lab) Statements(*certlab.Item) []string { return []string{""} }

func (lab) Load(src *Source, it *certlab.Item) {
	if !src.Decode("lab", &it.Lab) || it.Lab == "" {
		src.Errorf(src.Line(), "lab items need lab: the id of the lab")
	}
	if src.Has("points") {
		src.Decode("points", &it.Points)
	}
	if it.Points <= 0 {
		it.Points = 1
	}
}

// selfExplained: a lab's checks carry their own feedback.
func (lab) selfExplained() {}

func (lab) Arrange(*certlab.Item, *rand.Rand) certlab.Layout { return nil }

func (lab) View(it *certlab.Item, _ certlab.Layout) View {
	return View{ID: it.ID, Type: it.Type, Stem: it.Stem, Lab: it.Lab}
}

func (lab) Decode(it *certlab.Item, _ string, _ json.RawMessage) (any, error) {
	return nil, badResponse(it, "lab results are recorded by the lab grader, not saved as responses")
}

func (lab) MaxPoints(it *certlab.Item, _ string) float64 { return float64(it.Points) }

// Score reads the points the grader recorded, {"points": n}, capped at
// the item's points.
func (lab) Score(it *certlab.Item, _ string, value json.RawMessage) float64 {
	var r struct {
		Points float64 `json:"points"`
	}
	if json.Unmarshal(value, &r) != nil || r.Points < 0 {
		return 0
	}
	return min(r.Points, float64(it.Points))
}

func (lab) Key(*certlab.Item, string) any { return nil }

func (lab) Guess(*certlab.Item) float64 { return 0 }

// LabForm is the form model of a lab question.
type LabForm struct {
	Lab string
}

func (lab) Form(v *View, _ json.RawMessage) any { return LabForm{Lab: v.Lab} }

func (lab) FromForm(v *View, _ url.Values) (any, error) {
	return nil, certlab.Errorf(certlab.EINVALID, "%s is a lab: submit its workspace, not a form", v.ID)
}

func (lab) Describe(*View, json.RawMessage) []string { return nil }

func (lab) Ask(t Terminal, v *View) (any, error) {
	t.Print("This question is the lab `" + v.Lab + "`: work on it with `certlab lab start " + v.Lab + "`.")
	return nil, nil
}
