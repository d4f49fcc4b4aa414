package exam_test

import (
	"encoding/json"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
)

func TestScoreResponse(t *testing.T) {
	ex := demoExam()
	item := func(id string) *certlab.Item { it, _ := ex.Item(id); return it }
	tests := []struct {
		name      string
		item      string
		statement string
		value     string
		points    float64
		max       float64
	}{
		{"single right", "sa-0", "", `"b"`, 1, 1},
		{"single wrong", "sa-0", "", `"a"`, 0, 1},
		{"unanswered", "sa-0", "", `null`, 0, 1},
		{"multiple both", "multi", "", `["c","a"]`, 2, 2},
		{"multiple half", "multi", "", `["a","b"]`, 1, 2},
		{"ordering all", "order", "", `["d","a","b"]`, 3, 3},
		{"ordering one place", "order", "", `["d","b","a"]`, 1, 3},
		{"matching one", "match", "", `{"t1":"a","t2":"b"}`, 1, 2},
		{"hot area", "hot", "", `["l2"]`, 1, 1},
		{"active screen both", "screen", "", `{"k1":"pr","k2":"include"}`, 2, 2},
		{"active screen partial", "screen", "", `{"k1":"trigger","k2":"include"}`, 1, 2},
		{"yes right", "series", "s1", `true`, 1, 1},
		{"no wrong", "series", "s2", `true`, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := item(tc.item)
			v, err := exam.DecodeResponse(it, tc.statement, json.RawMessage(tc.value))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got := exam.ScoreResponse(it, tc.statement, v); got != tc.points {
				t.Errorf("points %v, want %v", got, tc.points)
			}
			if got := exam.MaxPoints(it, tc.statement); got != tc.max {
				t.Errorf("max %v, want %v", got, tc.max)
			}
		})
	}
}

func TestDecodeResponseRefuses(t *testing.T) {
	ex := demoExam()
	tests := []struct{ item, value string }{
		{"sa-0", `"z"`},
		{"sa-0", `["b"]`},
		{"multi", `["a","b","c"]`}, // more than choose
		{"multi", `["a","a"]`},
		{"match", `{"t9":"a"}`},
		{"match", `{"t1":"a","t2":"a"}`}, // reuse not allowed
		{"screen", `{"k1":"schedules"}`},
		{"series", `"yes"`},
		{"hot", `["l1","l2"]`},
	}
	for _, tc := range tests {
		it, _ := ex.Item(tc.item)
		st := ""
		if it.Type == certlab.TypeYesNoSeries {
			st = "s1"
		}
		if _, err := exam.DecodeResponse(it, st, json.RawMessage(tc.value)); certlab.ErrorCode(err) != certlab.EINVALID {
			t.Errorf("%s %s: error %v, want invalid", tc.item, tc.value, err)
		}
	}
}

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
	form, err := exam.AssembleForm(ex, 42)
	if err != nil {
		t.Fatal(err)
	}
	// Answer every question right.
	all := map[string]json.RawMessage{}
	for _, q := range form.Questions() {
		it, _ := ex.Item(q.ItemID)
		all[q.Key] = exam.AnswerKey(it, q.Statement)
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

func FuzzDecodeResponse(f *testing.F) {
	ex := demoExam()
	for _, s := range []string{`"b"`, `["a","c"]`, `{"t1":"a"}`, `true`, `null`, `[`, `{"k1":"pr"}`, `[1,2]`, `"\u0000"`} {
		for i := range ex.Items {
			f.Add(i, s)
		}
	}
	f.Fuzz(func(t *testing.T, idx int, raw string) {
		if idx < 0 {
			idx = -idx
		}
		it := ex.Items[idx%len(ex.Items)]
		st := ""
		if len(it.Statements) > 0 {
			st = it.Statements[0].ID
		}
		v, err := exam.DecodeResponse(it, st, json.RawMessage(raw))
		if err != nil {
			if certlab.ErrorCode(err) != certlab.EINVALID {
				t.Fatalf("error without the invalid code: %v", err)
			}
			return
		}
		// An accepted value is canonical (decodes to itself) and scores within bounds.
		again, err := exam.DecodeResponse(it, st, v)
		if err != nil || string(again) != string(v) {
			t.Fatalf("canonical form %s not stable: %s %v", v, again, err)
		}
		if p := exam.ScoreResponse(it, st, v); p < 0 || p > exam.MaxPoints(it, st) {
			t.Fatalf("points %v outside 0..%v", p, exam.MaxPoints(it, st))
		}
	})
}
