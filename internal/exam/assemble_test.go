package exam_test

import (
	"reflect"
	"testing"

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
