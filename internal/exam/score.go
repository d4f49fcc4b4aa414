package exam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/certlab/certlab"
)

// MaxResponseBytes bounds a response value.
const MaxResponseBytes = 16 << 10

// DecodeResponse checks a response value for a question of the item and
// returns it in canonical form. Values by type: single "a"; multiple and
// hotarea ["a","c"]; ordering ["x","y","z"]; matching and activescreen
// {"target":"option"}; a yes/no statement true or false; null clears.
func DecodeResponse(it *certlab.Item, statement string, raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) > MaxResponseBytes {
		return nil, certlab.Errorf(certlab.EINVALID, "response is larger than %d bytes", MaxResponseBytes)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return json.RawMessage("null"), nil
	}
	bad := func(format string, args ...any) error {
		return certlab.Errorf(certlab.EINVALID, "response to %s: "+format, append([]any{it.ID}, args...)...)
	}
	optionIDs := func(cs []certlab.Choice) map[string]bool {
		m := map[string]bool{}
		for _, c := range cs {
			m[c.ID] = true
		}
		return m
	}
	var out any
	switch it.Type {
	case certlab.TypeSingle:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, bad("want an option id as a JSON string")
		}
		if !optionIDs(it.Options)[s] {
			return nil, bad("%q is not an option", s)
		}
		out = s
	case certlab.TypeMultiple, certlab.TypeHotArea, certlab.TypeOrdering:
		var ids []string
		if err := json.Unmarshal(raw, &ids); err != nil {
			return nil, bad("want a JSON array of ids")
		}
		valid := optionIDs(it.Options)
		if it.Type == certlab.TypeHotArea {
			valid = map[string]bool{}
			for _, a := range it.Areas {
				valid[a.ID] = true
			}
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if !valid[id] {
				return nil, bad("%q is not one of the choices", id)
			}
			if seen[id] {
				return nil, bad("%q is chosen twice", id)
			}
			seen[id] = true
		}
		if it.Type != certlab.TypeOrdering && len(ids) > it.Choose {
			return nil, bad("choose at most %d", it.Choose)
		}
		if ids == nil {
			ids = []string{}
		}
		out = ids
	case certlab.TypeMatching, certlab.TypeActiveScreen:
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, bad("want a JSON object")
		}
		if it.Type == certlab.TypeMatching {
			opts, targets := optionIDs(it.Options), optionIDs(it.Targets)
			used := map[string]bool{}
			for t, o := range m {
				if !targets[t] {
					return nil, bad("%q is not a target", t)
				}
				if !opts[o] {
					return nil, bad("%q is not an option", o)
				}
				if used[o] && !it.Reuse {
					return nil, bad("option %q is used twice", o)
				}
				used[o] = true
			}
		} else {
			for b, v := range m {
				var blank *certlab.Blank
				for i := range it.Blanks {
					if it.Blanks[i].ID == b {
						blank = &it.Blanks[i]
					}
				}
				if blank == nil {
					return nil, bad("%q is not a drop-down", b)
				}
				ok := false
				for _, o := range blank.Options {
					ok = ok || o == v
				}
				if !ok {
					return nil, bad("%q is not a choice of drop-down %s", v, b)
				}
			}
		}
		out = m
	case certlab.TypeYesNoSeries:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, bad("want true (yes) or false (no)")
		}
		if statement == "" {
			return nil, bad("no statement")
		}
		out = b
	case certlab.TypeLab:
		return nil, bad("lab results are recorded by the lab grader, not saved as responses")
	default:
		return nil, bad("unknown item type %q", it.Type)
	}
	canon, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode response: %w", err)
	}
	return canon, nil
}

// MaxPoints is what a question is worth: one point per part.
func MaxPoints(it *certlab.Item, statement string) float64 {
	switch it.Type {
	case certlab.TypeMultiple, certlab.TypeHotArea, certlab.TypeOrdering:
		return float64(len(it.Keys))
	case certlab.TypeMatching:
		return float64(len(it.Targets))
	case certlab.TypeActiveScreen:
		return float64(len(it.Blanks))
	case certlab.TypeLab:
		return float64(it.Points)
	}
	return 1
}

// ScoreResponse returns the points a decoded response earns: one per
// correct part, never negative. A nil or invalid value earns nothing.
func ScoreResponse(it *certlab.Item, statement string, value json.RawMessage) float64 {
	if len(value) == 0 || bytes.Equal(value, []byte("null")) {
		return 0
	}
	switch it.Type {
	case certlab.TypeSingle:
		var s string
		if json.Unmarshal(value, &s) == nil && s == it.Key {
			return 1
		}
	case certlab.TypeMultiple, certlab.TypeHotArea:
		var ids []string
		if json.Unmarshal(value, &ids) != nil || len(ids) > it.Choose {
			return 0
		}
		key := map[string]bool{}
		for _, k := range it.Keys {
			key[k] = true
		}
		n := 0.0
		for _, id := range ids {
			if key[id] {
				n++
			}
		}
		return n
	case certlab.TypeOrdering:
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
	case certlab.TypeMatching, certlab.TypeActiveScreen:
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
	case certlab.TypeYesNoSeries:
		var b bool
		if json.Unmarshal(value, &b) != nil {
			return 0
		}
		for _, s := range it.Statements {
			if s.ID == statement && s.Answer == b {
				return 1
			}
		}
	}
	return 0
}

// ScaleRaw maps a proportion of points (0..1) to the 1-1000 scale: the cut
// proportion maps to the passing score, linearly below and above it.
func ScaleRaw(p, cut float64, passing int) int {
	p = math.Max(0, math.Min(1, p))
	var s float64
	if p <= cut {
		s = 1 + float64(passing-1)*p/cut
	} else {
		s = float64(passing) + float64(1000-passing)*(p-cut)/(1-cut)
	}
	return int(math.Round(s))
}

// Strength names a domain's relative strength for the score report.
func Strength(percent float64) string {
	switch {
	case percent < 55:
		return "weak"
	case percent < 75:
		return "moderate"
	}
	return "strong"
}

// Score builds the report of a form from its responses (by question key).
func Score(ex *certlab.Exam, f *certlab.Form, responses map[string]json.RawMessage) *certlab.Report {
	o := outlineOf(ex, f.OutlineVersion)
	rep := &certlab.Report{ExamID: ex.ID, PassingScore: ex.Policy.PassingScore, Scaling: "raw"}
	domains := map[string]*certlab.DomainResult{}
	objectives := map[string]*certlab.ObjectiveResult{}
	for _, d := range o.Domains {
		domains[d.ID] = &certlab.DomainResult{ID: d.ID, Name: d.Name}
		for _, ob := range d.Objectives {
			objectives[ob.ID] = &certlab.ObjectiveResult{ID: ob.ID, Name: ob.Name}
		}
	}
	for _, q := range f.Questions() {
		it, ok := ex.Item(q.ItemID)
		if !ok {
			continue // an item withdrawn since the form was built scores nothing
		}
		v := responses[q.Key]
		max := MaxPoints(it, q.Statement)
		pts := ScoreResponse(it, q.Statement, v)
		answered := len(v) > 0 && !bytes.Equal(v, []byte("null"))
		rep.Questions = append(rep.Questions, certlab.QuestionResult{Key: q.Key, ItemID: it.ID, Points: pts, MaxPoints: max, Pilot: q.Pilot, Answered: answered})
		if q.Pilot {
			continue
		}
		rep.Points += pts
		rep.MaxPoints += max
		if d := domains[q.Domain]; d != nil {
			d.Points += pts
			d.MaxPoints += max
		}
		if ob := objectives[q.Objective]; ob != nil {
			ob.Points += pts
			ob.MaxPoints += max
		}
	}
	p := 0.0
	if rep.MaxPoints > 0 {
		p = rep.Points / rep.MaxPoints
	}
	rep.ScaledScore = ScaleRaw(p, ex.Policy.CutPercent/100, ex.Policy.PassingScore)
	rep.Passed = rep.ScaledScore >= ex.Policy.PassingScore
	for _, d := range o.Domains {
		r := domains[d.ID]
		if r.MaxPoints == 0 {
			continue
		}
		r.Percent = math.Round(1000*r.Points/r.MaxPoints) / 10
		r.Strength = Strength(r.Percent)
		rep.Domains = append(rep.Domains, *r)
	}
	for _, ob := range objectives {
		if ob.MaxPoints > 0 && ob.Points < ob.MaxPoints {
			ob.Percent = math.Round(1000*ob.Points/ob.MaxPoints) / 10
			rep.Weakest = append(rep.Weakest, *ob)
		}
	}
	sort.Slice(rep.Weakest, func(i, j int) bool {
		if rep.Weakest[i].Percent != rep.Weakest[j].Percent {
			return rep.Weakest[i].Percent < rep.Weakest[j].Percent
		}
		return rep.Weakest[i].ID < rep.Weakest[j].ID
	})
	if len(rep.Weakest) > 5 {
		rep.Weakest = rep.Weakest[:5]
	}
	return rep
}

func outlineOf(ex *certlab.Exam, version string) *certlab.Outline {
	for _, o := range ex.Outlines {
		if o.Version == version {
			return o
		}
	}
	return ex.Current()
}
