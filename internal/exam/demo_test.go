package exam_test

import (
	"fmt"

	"github.com/certlab/certlab"
)

// demoExam is a small exam with every item type: domain a (60-70 %) and
// b (30-40 %), a case study and yes/no series, 10 scored questions.
func demoExam() *certlab.Exam {
	o := &certlab.Outline{Version: "v1", Current: true, Domains: []*certlab.Domain{
		{ID: "a", Name: "Area A", WeightMin: 60, WeightMax: 70, Objectives: []*certlab.Objective{{ID: "a.1", Name: "A one"}, {ID: "a.2", Name: "A two"}}},
		{ID: "b", Name: "Area B", WeightMin: 30, WeightMax: 40, Objectives: []*certlab.Objective{{ID: "b.1", Name: "B one"}}},
	}}
	ex := &certlab.Exam{ID: "demo", Title: "Demo", Outlines: []*certlab.Outline{o}, Policy: certlab.Policy{
		Items: 10, PilotItems: 1, TimeLimit: certlab.Duration{Duration: 3600e9}, PassingScore: 700, Scaling: "raw", CutPercent: 70,
		Sections: []certlab.PolicySection{{Kind: certlab.SectionCaseStudy, Count: 1}, {Kind: certlab.SectionYesNoSeries, Count: 1}, {Kind: certlab.SectionGeneral}},
	}}
	obj := func(id string) map[string][]string { return map[string][]string{"v1": {id}} }
	opts := []certlab.Choice{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}, {ID: "c", Text: "C"}, {ID: "d", Text: "D"}}
	add := func(it *certlab.Item) {
		it.Stem, it.Explanation, it.References = "Stem of "+it.ID, "Because.", []string{"https://learn.microsoft.com/x"}
		ex.Items = append(ex.Items, it)
	}
	for i := 0; i < 8; i++ {
		add(&certlab.Item{ID: fmt.Sprintf("sa-%d", i), Type: certlab.TypeSingle, Objectives: obj("a.1"), Options: opts, Key: "b"})
	}
	for i := 0; i < 4; i++ {
		add(&certlab.Item{ID: fmt.Sprintf("sb-%d", i), Type: certlab.TypeSingle, Objectives: obj("b.1"), Options: opts, Key: "c"})
	}
	add(&certlab.Item{ID: "multi", Type: certlab.TypeMultiple, Objectives: obj("a.2"), Options: opts, Keys: []string{"a", "c"}, Choose: 2})
	add(&certlab.Item{ID: "order", Type: certlab.TypeOrdering, Objectives: obj("a.2"), Options: opts, Keys: []string{"d", "a", "b"}})
	add(&certlab.Item{ID: "match", Type: certlab.TypeMatching, Objectives: obj("b.1"), Options: opts,
		Targets: []certlab.Choice{{ID: "t1", Text: "T1"}, {ID: "t2", Text: "T2"}}, KeyMap: map[string]string{"t1": "a", "t2": "d"}})
	add(&certlab.Item{ID: "hot", Type: certlab.TypeHotArea, Objectives: obj("a.1"), Exhibit: "x\ny\nz",
		Areas: []certlab.Area{{ID: "l1", Text: "x"}, {ID: "l2", Text: "y"}, {ID: "l3", Text: "z"}}, Keys: []string{"l2"}, Choose: 1})
	add(&certlab.Item{ID: "screen", Type: certlab.TypeActiveScreen, Objectives: obj("b.1"), Exhibit: "[[k1]] [[k2]]",
		Blanks: []certlab.Blank{{ID: "k1", Options: []string{"trigger", "pr"}}, {ID: "k2", Options: []string{"include", "exclude"}}}, KeyMap: map[string]string{"k1": "pr", "k2": "include"}})
	add(&certlab.Item{ID: "series", Type: certlab.TypeYesNoSeries, Objectives: obj("a.1"),
		Statements: []certlab.Statement{{ID: "s1", Text: "Solution one", Answer: true}, {ID: "s2", Text: "Solution two", Answer: false}, {ID: "s3", Text: "Solution three", Answer: false}}})
	ex.Cases = []*certlab.Case{{ID: "contoso", Title: "Contoso", Exhibits: []certlab.Exhibit{{Title: "Overview", Body: "A company."}}}}
	add(&certlab.Item{ID: "case-q1", Type: certlab.TypeSingle, CaseID: "contoso", Objectives: obj("a.1"), Options: opts, Key: "a"})
	add(&certlab.Item{ID: "case-q2", Type: certlab.TypeSingle, CaseID: "contoso", Objectives: obj("b.1"), Options: opts, Key: "d"})
	add(&certlab.Item{ID: "pilot-1", Type: certlab.TypeSingle, Pilot: true, Objectives: obj("a.1"), Options: opts, Key: "a"})
	for _, it := range ex.Items {
		it.ExamID = ex.ID
		it.Difficulty = 3
		it.Pool = certlab.PoolExam
	}
	ex.Cases[0].Pool = certlab.PoolExam
	return ex
}
