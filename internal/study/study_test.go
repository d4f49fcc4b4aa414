package study_test

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/cat"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/pack"
	"github.com/certlab/certlab/internal/sqlite"
	"github.com/certlab/certlab/internal/study"
)

func setup(t *testing.T) (*study.Service, *certlab.Catalog) {
	t.Helper()
	cat, diags := pack.Load(content.FS, "content")
	if diags.Errors() > 0 {
		t.Fatal(diags)
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }
	svc, err := study.New(s, s, cat, now, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	return svc, cat
}

func TestProvisionalParams(t *testing.T) {
	tests := []struct {
		item certlab.Item
		b, c float64
	}{
		{certlab.Item{Type: certlab.TypeSingle, Difficulty: 1, Options: make([]certlab.Choice, 4)}, -1.5, 0.25},
		{certlab.Item{Type: certlab.TypeMultiple, Difficulty: 3, Options: make([]certlab.Choice, 5)}, 0, 0},
		{certlab.Item{Type: certlab.TypeOrdering, Difficulty: 5}, 1.5, 0},
	}
	for _, tc := range tests {
		a, b, c := study.ProvisionalParams(&tc.item)
		if a != 1 || b != tc.b || c != tc.c {
			t.Errorf("%s difficulty %d: a %v b %v c %v, want 1 %v %v", tc.item.Type, tc.item.Difficulty, a, b, c, tc.b, tc.c)
		}
	}
}

// The cut ability is where a typical form's expected share of points is
// the policy's cut percentage.
func TestCutTheta(t *testing.T) {
	svc, catalog := setup(t)
	ex, _ := catalog.Exam("az-400")
	m, err := svc.Model(context.Background(), ex)
	if err != nil {
		t.Fatal(err)
	}
	form, _ := exam.AssembleForm(ex, certlab.PoolExam, 3)
	var items []cat.Item
	for _, q := range form.Questions() {
		items = append(items, m.Items[q.ItemID])
	}
	cut := m.CutTheta(items)
	sum := 0.0
	for _, it := range items {
		sum += cat.Prob(cut, it)
	}
	if share := sum / float64(len(items)); math.Abs(share-0.70) > 1e-6 {
		t.Fatalf("expected share at the cut %.4f, want 0.70", share)
	}
	if m.Calibrated != 0 || len(m.Items) != len(ex.Items) {
		t.Fatalf("model: %d calibrated, %d items", m.Calibrated, len(m.Items))
	}
}

// Calibrated parameters override the provisional ones.
func TestModelUsesCalibratedParams(t *testing.T) {
	svc, catalog := setup(t)
	ex, _ := catalog.Exam("az-400")
	id := ex.Items[0].ID
	if err := svc.Study.SaveItemParams(context.Background(), ex.ID, []certlab.ItemParams{{ItemID: id, A: 1.7, B: 0.4, C: 0.1, Model: "3pl", CalibratedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	m, err := svc.Model(context.Background(), ex)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Items[id]; got.A != 1.7 || got.B != 0.4 || got.C != 0.1 || m.Calibrated != 1 {
		t.Fatalf("item %s: %+v (calibrated %d)", id, got, m.Calibrated)
	}
}

// Readiness of a candidate with no answers is the prior: pass probability
// strictly between 0 and 1, and the same for every domain.
func TestReadinessPrior(t *testing.T) {
	svc, _ := setup(t)
	r, err := svc.Readiness(context.Background(), &certlab.User{ID: 1}, "az-400")
	if err != nil {
		t.Fatal(err)
	}
	if r.Answers != 0 || r.PassProbability <= 0.01 || r.PassProbability >= 0.99 || len(r.Domains) != 5 || !r.Provisional {
		t.Fatalf("prior readiness: %+v", r)
	}
	for _, d := range r.Domains[1:] {
		if d.Theta != r.Domains[0].Theta {
			t.Fatalf("domains differ without answers: %+v", r.Domains)
		}
	}
	if _, err := svc.Readiness(context.Background(), &certlab.User{ID: 1}, "nope"); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("unknown exam: %v", err)
	}
}

// TestScaleIRT: with every item calibrated, a perfect form scores above
// the cut and an empty one below; without calibration the raw scale stays.
func TestScaleIRT(t *testing.T) {
	svc, catalog := setup(t)
	ex, _ := catalog.Exam("az-400")
	ctx := context.Background()
	form, _ := exam.AssembleForm(ex, certlab.PoolExam, 11)
	if _, _, ok, err := svc.ScaleIRT(ctx, ex, form, nil); ok || err != nil {
		t.Fatalf("uncalibrated bank scaled with IRT: ok %v err %v", ok, err)
	}
	var params []certlab.ItemParams
	for _, it := range ex.Items {
		a, b, c := study.ProvisionalParams(it)
		params = append(params, certlab.ItemParams{ItemID: it.ID, A: a * 1.2, B: b, C: c, Model: "3pl", CalibratedAt: time.Now()})
	}
	if err := svc.Study.SaveItemParams(ctx, ex.ID, params); err != nil {
		t.Fatal(err)
	}
	all := map[string]json.RawMessage{}
	for _, q := range form.Questions() {
		it, _ := ex.Item(q.ItemID)
		all[q.Key] = item.AnswerKey(it, q.Statement)
	}
	high, thetaHigh, ok, err := svc.ScaleIRT(ctx, ex, form, all)
	if err != nil || !ok {
		t.Fatalf("calibrated: ok %v err %v", ok, err)
	}
	low, thetaLow, _, _ := svc.ScaleIRT(ctx, ex, form, nil)
	if high <= 700 || low >= 700 || thetaHigh <= thetaLow || high > 1000 || low < 1 {
		t.Fatalf("perfect form %d (θ %.2f), empty form %d (θ %.2f)", high, thetaHigh, low, thetaLow)
	}
}
