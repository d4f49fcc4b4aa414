package exam

import (
	"encoding/json"
	"math"
	"sort"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

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
		max := item.MaxPoints(it, q.Statement)
		pts := item.Score(it, q.Statement, v)
		answered := item.Answered(v)
		rep.Questions = append(rep.Questions, certlab.QuestionResult{Key: q.Key, ItemID: it.ID, Points: pts, MaxPoints: max, Pilot: q.Pilot, Answered: answered})
		if q.Pilot {
			continue
		}
		rep.Points += pts
		rep.MaxPoints += max
		if item.Of(it).Section() == certlab.SectionLab {
			if rep.Labs == nil {
				rep.Labs = &certlab.LabsResult{}
			}
			rep.Labs.Count++
			rep.Labs.Points += pts
			rep.Labs.MaxPoints += max
		}
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
	if l := rep.Labs; l != nil && l.MaxPoints > 0 {
		l.Percent = math.Round(1000*l.Points/l.MaxPoints) / 10
	}
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
