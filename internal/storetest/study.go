package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// StudyStore is a store that also keeps study data.
type StudyStore interface {
	certlab.Store
	certlab.StudyStore
}

// RunStudy runs the contract tests of the study store methods.
func RunStudy(t *testing.T, open func(t *testing.T) StudyStore) {
	t.Run("ResultsAndParams", func(t *testing.T) { testResultsAndParams(t, open(t)) })
	t.Run("AppendQuestion", func(t *testing.T) { testAppendQuestion(t, open(t)) })
}

func testResultsAndParams(t *testing.T, s StudyStore) {
	ctx := context.Background()
	u1, u2 := MustUser(t, s, "r1@example.org"), MustUser(t, s, "r2@example.org")
	for i, u := range []*certlab.User{u1, u1, u2} {
		a := MustStartedAttempt(t, s, u, t0.Add(time.Duration(i+1)*time.Hour))
		at := t0.Add(time.Duration(i) * time.Minute)
		a.Status, a.SubmittedAt = certlab.StatusScored, &at
		a.Report = &certlab.Report{Questions: []certlab.QuestionResult{{Key: "q1", ItemID: "q1", Points: float64(i % 2), MaxPoints: 1}}}
		if err := s.UpdateAttempt(ctx, a, certlab.StatusStarted, 0); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := s.Results(ctx, u1.ID, "demo")
	if err != nil || len(rs) != 2 || rs[0].Correct() || !rs[1].Correct() || !rs[0].At.Before(rs[1].At) {
		t.Fatalf("results of u1: %v %+v", err, rs)
	}
	all, err := s.ExamResults(ctx, "demo")
	if err != nil || len(all) != 2 || len(all[u2.ID]) != 1 {
		t.Fatalf("exam results: %v %+v", err, all)
	}
	params := []certlab.ItemParams{{ItemID: "q1", A: 1.2, B: -0.3, C: 0.2, Model: "3pl", CalibratedAt: t0}}
	if err := s.SaveItemParams(ctx, "demo", params); err != nil {
		t.Fatal(err)
	}
	params[0].A = 1.5
	if err := s.SaveItemParams(ctx, "demo", params); err != nil {
		t.Fatal(err)
	}
	got, err := s.ItemParams(ctx, "demo")
	if err != nil || len(got) != 1 || got["q1"].A != 1.5 || got["q1"].C != 0.2 || !got["q1"].CalibratedAt.Equal(t0) {
		t.Fatalf("item params: %v %+v", err, got)
	}
	if other, _ := s.ItemParams(ctx, "other"); len(other) != 0 {
		t.Fatalf("params leak across exams: %+v", other)
	}
}

func testAppendQuestion(t *testing.T, s StudyStore) {
	ctx := context.Background()
	u := MustUser(t, s, "ap@example.org")
	a := MustStartedAttempt(t, s, u, t0.Add(time.Hour))
	if err := s.AppendQuestion(ctx, a.ID, &certlab.Question{Key: "q9", ItemID: "q9", Domain: "a"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.AppendQuestion(ctx, a.ID, &certlab.Question{Key: "q9", ItemID: "q9"}), certlab.ECONFLICT)
	got, _ := s.Attempt(ctx, a.ID)
	qs := got.Form.Sections[0].Questions
	if len(qs) != 3 || qs[2].Key != "q9" {
		t.Fatalf("open section after append: %+v", qs)
	}
	now := t0
	got.Status, got.SubmittedAt = certlab.StatusSubmitted, &now
	if err := s.UpdateAttempt(ctx, got, certlab.StatusStarted, 0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.AppendQuestion(ctx, a.ID, &certlab.Question{Key: "q10", ItemID: "q10"}), certlab.ECONFLICT)
}
