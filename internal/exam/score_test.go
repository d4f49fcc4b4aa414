package exam_test

import (
	"encoding/json"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
)

func TestScaleRaw(t *testing.T) {
	tests := []struct {
		p    float64
		want int
	}{{0, 1}, {0.7, 700}, {1, 1000}, {0.35, 351}, {0.85, 850}, {-1, 1}, {2, 1000}}
	for _, tc := range tests {
		if got := exam.ScaleRaw(tc.p, 0.7, 700); got != tc.want {
			t.Errorf("ScaleRaw(%v) = %d, want %d", tc.p, got, tc.want)
		}
	}
	// Monotone.
	prev := 0
	for i := 0; i <= 1000; i++ {
		s := exam.ScaleRaw(float64(i)/1000, 0.7, 700)
		if s < prev {
			t.Fatalf("ScaleRaw not monotone at %d", i)
		}
		prev = s
	}
}

func TestScoreReport(t *testing.T) {
	ex := demoExam()
	form, err := exam.AssembleForm(ex, certlab.PoolExam, 42)
	if err != nil {
		t.Fatal(err)
	}
	// Answer every question right.
	all := map[string]json.RawMessage{}
	for _, q := range form.Questions() {
		it, _ := ex.Item(q.ItemID)
		all[q.Key] = item.AnswerKey(it, q.Statement)
	}
	rep := exam.Score(ex, form, all)
	if rep.ScaledScore != 1000 || !rep.Passed || rep.Points != rep.MaxPoints || len(rep.Weakest) != 0 {
		t.Fatalf("perfect form: %+v", rep)
	}
	rep = exam.Score(ex, form, nil)
	if rep.ScaledScore != 1 || rep.Passed || len(rep.Domains) != 2 || rep.Domains[0].Strength != "weak" {
		t.Fatalf("empty form: %+v", rep)
	}
	if len(rep.Weakest) == 0 {
		t.Fatal("no weakest objectives on an empty form")
	}
	for _, q := range rep.Questions {
		if q.Pilot && q.ItemID != "pilot-1" {
			t.Fatalf("pilot flag on %s", q.ItemID)
		}
	}
}
