package exam_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
)

func TestAssembleFormMeetsBlueprint(t *testing.T) {
	ex := demoExam()
	for seed := int64(0); seed < 300; seed++ {
		f, err := exam.AssembleForm(ex, certlab.PoolExam, seed)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if err := exam.CheckForm(ex, f); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if f.Sections[0].Kind != certlab.SectionCaseStudy || f.Sections[1].Kind != certlab.SectionYesNoSeries {
			t.Fatalf("seed %d: sections out of policy order", seed)
		}
		pilots := 0
		for _, q := range f.Questions() {
			if q.Pilot {
				pilots++
			}
		}
		if pilots != 1 {
			t.Fatalf("seed %d: %d pilot questions, want 1", seed, pilots)
		}
	}
}

func TestAssembleFormIsReproducible(t *testing.T) {
	ex := demoExam()
	a, _ := exam.AssembleForm(ex, certlab.PoolExam, 7)
	b, _ := exam.AssembleForm(ex, certlab.PoolExam, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different forms")
	}
	differ := false
	for seed := int64(8); seed < 20 && !differ; seed++ {
		c, _ := exam.AssembleForm(ex, certlab.PoolExam, seed)
		differ = !reflect.DeepEqual(a.Questions(), c.Questions())
	}
	if !differ {
		t.Fatal("different seeds always gave the same form")
	}
}

func TestAssembleFormNotEnoughItems(t *testing.T) {
	ex := demoExam()
	ex.Policy.Items = 40
	if _, err := exam.AssembleForm(ex, certlab.PoolExam, 1); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("error %v, want invalid (not enough items)", err)
	}
}

func TestCheckFormCatchesBrokenForms(t *testing.T) {
	ex := demoExam()
	f, _ := exam.AssembleForm(ex, certlab.PoolExam, 3)
	gen := f.Sections[len(f.Sections)-1]
	gen.Questions = append(gen.Questions, gen.Questions[0]) // an item twice
	if err := exam.CheckForm(ex, f); err == nil {
		t.Fatal("CheckForm accepted a form with an item twice")
	}
}

func TestDomainTargets(t *testing.T) {
	ex := demoExam()
	got, err := exam.DomainTargets(ex.Current(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if got["a"]+got["b"] != 10 || got["a"] < 6 || got["a"] > 7 {
		t.Fatalf("targets %v", got)
	}
}

func TestMeasureExposure(t *testing.T) {
	ex := demoExam()
	x, err := exam.MeasureExposure(ex, certlab.PoolExam, 200)
	if err != nil {
		t.Fatal(err)
	}
	// The demo bank is barely larger than a form: items recur in most
	// forms, and the measure must say so.
	if x.Forms != 200 || x.MaxItemShare < 0.9 || x.MeanOverlap < 0.5 || x.MaxItem == "" {
		t.Fatalf("exposure of a tiny bank: %+v", x)
	}
	if _, err := exam.MeasureExposure(ex, certlab.PoolPractice, 10); err == nil {
		t.Fatal("a pool without items assembled forms")
	}
}

// A lab section takes its count of lab items, in their domains, with the
// section's own time; CheckForm counts labs, not sections.
func TestAssembleFormLabSection(t *testing.T) {
	ex := demoExam()
	for i := 0; i < 3; i++ {
		ex.Items = append(ex.Items, &certlab.Item{ID: fmt.Sprintf("lab-%d", i), Type: certlab.TypeLab, Lab: fmt.Sprintf("lab-%d", i), Points: 5,
			ExamID: ex.ID, Pool: certlab.PoolExam, Difficulty: 3, Objectives: map[string][]string{"v1": {"a.2"}}, Stem: "A lab."})
	}
	ex.Policy.Sections = append(ex.Policy.Sections, certlab.PolicySection{Kind: certlab.SectionLab, Count: 2, TimeLimit: certlab.Duration{Duration: 30 * time.Minute}})
	seen := map[string]bool{}
	for seed := int64(0); seed < 100; seed++ {
		f, err := exam.AssembleForm(ex, certlab.PoolExam, seed)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if err := exam.CheckForm(ex, f); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		last := f.Sections[len(f.Sections)-1]
		if last.Kind != certlab.SectionLab || len(last.Questions) != 2 || last.TimeLimit.Duration != 30*time.Minute || last.Title != "Labs" {
			t.Fatalf("seed %d: last section %+v", seed, last)
		}
		for _, q := range last.Questions {
			seen[q.ItemID] = true
			if q.Domain != "a" {
				t.Fatalf("lab question in domain %q", q.Domain)
			}
		}
		last.Questions = last.Questions[:1]
		if err := exam.CheckForm(ex, f); err == nil {
			t.Fatal("CheckForm accepted a form with one lab of two")
		}
	}
	if len(seen) != 3 {
		t.Fatalf("labs drawn over 100 forms: %v, want all three", seen)
	}
	// Labs stay out of random practice sets, and come when asked for.
	p, err := exam.PracticeForm(practicePool(ex), exam.PracticeOptions{Count: 50}, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range p.Questions() {
		if strings.HasPrefix(q.ItemID, "lab-") {
			t.Fatal("a random practice set holds a lab")
		}
	}
	p, err = exam.PracticeForm(practicePool(ex), exam.PracticeOptions{Types: []string{certlab.TypeLab}}, nil, 1)
	if err != nil || len(p.Sections) != 1 || p.Sections[0].Kind != certlab.SectionLab || len(p.Sections[0].Questions) != 3 {
		t.Fatalf("a practice set of labs: %v %+v", err, p)
	}
}

// practicePool moves a copy of the exam's items to the practice pool.
func practicePool(ex *certlab.Exam) *certlab.Exam {
	cp := *ex
	cp.Items = nil
	for _, it := range ex.Items {
		c := *it
		c.Pool = certlab.PoolPractice
		cp.Items = append(cp.Items, &c)
	}
	return &cp
}
