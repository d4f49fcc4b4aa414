package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/sqlite"
)

// TestCalibrateExam stores simulated results of 600 candidates on 12 items
// of the built-in AZ-400 bank (2PL, known parameters), runs
// certlab calibrate --exam and checks the parameters written back.
func TestCalibrateExam(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "cal.db")
	s, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	catalog, _ := loadCatalog("")
	ex, _ := catalog.Exam("az-400")
	var items []*certlab.Item
	for _, it := range ex.Items {
		if it.Type == certlab.TypeSingle && len(items) < 12 {
			items = append(items, it)
		}
	}
	trueB := make([]float64, len(items))
	for j := range items {
		trueB[j] = -1.65 + 0.3*float64(j)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	start := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	deadline := start.Add(time.Hour)
	for i := 0; i < 600; i++ {
		u := &certlab.User{Email: fmt.Sprintf("c%d@example.org", i), Role: certlab.RoleCandidate}
		if err := s.CreateUser(ctx, u, false); err != nil {
			t.Fatal(err)
		}
		theta := rng.NormFloat64()
		a := &certlab.Attempt{UserID: u.ID, ExamID: ex.ID, Mode: certlab.ModePractice, Status: certlab.StatusStarted, Seed: 1,
			Form: &certlab.Form{ExamID: ex.ID, Sections: []*certlab.FormSection{{Kind: certlab.SectionGeneral}}}, CreatedAt: start, StartedAt: &start, Deadline: &deadline}
		if err := s.CreateAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
		rep := &certlab.Report{}
		for j, it := range items {
			p := 1 / (1 + math.Exp(-1.2*(theta-trueB[j])))
			pts := 0.0
			if rng.Float64() < p {
				pts = 1
			}
			rep.Questions = append(rep.Questions, certlab.QuestionResult{Key: it.ID, ItemID: it.ID, Points: pts, MaxPoints: 1})
		}
		a.Status, a.SubmittedAt, a.Report = certlab.StatusScored, &start, rep
		if err := s.UpdateAttempt(ctx, a, certlab.StatusStarted, 0); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	out, err := runCmd(t, ctx, "", "calibrate", "--exam", "az-400", "--db", dbPath, "--model", "2pl", "--min-responses", "100", "--quiet")
	if err != nil {
		t.Fatalf("calibrate --exam: %v\n%s", err, out)
	}
	if !strings.Contains(out, "calibrating 12 items of az-400 on 600 candidates") || !strings.Contains(out, "12 item parameters written") {
		t.Fatalf("output:\n%s", out)
	}
	s, _ = sqlite.Open(ctx, dbPath)
	defer s.Close()
	params, err := s.ItemParams(ctx, "az-400")
	if err != nil || len(params) != 12 {
		t.Fatalf("stored params: %v %d", err, len(params))
	}
	var sq float64
	for j, it := range items {
		p := params[it.ID]
		sq += (p.B - trueB[j]) * (p.B - trueB[j])
		if p.Model != "2pl" || p.A < 0.7 || p.A > 1.8 {
			t.Errorf("item %s: %+v", it.ID, p)
		}
	}
	if rmse := math.Sqrt(sq / 12); rmse > 0.2 {
		t.Fatalf("RMSE(b) %.3f on 600 candidates, want at most 0.2", rmse)
	}

	// Too few responses: a clear error, nothing written.
	out, err = runCmd(t, ctx, "", "calibrate", "--exam", "az-400", "--db", dbPath, "--min-responses", "1000", "--quiet")
	if err == nil || !strings.Contains(err.Error(), "no item has 1000 or more responses") {
		t.Fatalf("want a too-few-responses error, got %v\n%s", err, out)
	}
}
