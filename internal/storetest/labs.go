package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// RunLabs runs the contract tests of lab submissions.
func RunLabs(t *testing.T, open Opener) {
	t.Run("LabSubmissions", func(t *testing.T) { testLabSubmissions(t, open(t)) })
}

func labSubmission(u *certlab.User, lab string, attempt int64, points float64, at time.Time) *certlab.LabSubmission {
	return &certlab.LabSubmission{UserID: u.ID, LabID: lab, AttemptID: attempt, Format: "tar.gz", Size: 2048, SHA256: "ab12",
		Points: points, MaxPoints: 3, Passed: points == 3, SubmittedAt: at, Duration: 0.25,
		Checks: []certlab.LabCheckResult{
			{TaskID: "pick", CheckID: "pick.1", Type: "git-commit", Passed: true, Points: 1, MaxPoints: 1, Detail: "found abc123"},
			{TaskID: "pick", CheckID: "pick.no-features", Type: "git-file", Passed: points == 3, Points: points - 1, MaxPoints: 1, Detail: "src/Discounts.cs is present", Feedback: "apply only the fix"},
			{TaskID: "run", CheckID: "run.1", Type: "azure-pipeline-run", Skipped: true, MaxPoints: 0, Detail: "not graded on the server"},
		}}
}

func testLabSubmissions(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "lab@example.org")
	other := MustUser(t, s, "other@example.org")
	a := MustStartedAttempt(t, s, u, t0.Add(time.Hour))

	first := labSubmission(u, "git-hotfix", 0, 2, t0)
	if err := s.CreateLabSubmission(ctx, first); err != nil || first.ID == 0 {
		t.Fatalf("create: %v id %d", err, first.ID)
	}
	second := labSubmission(u, "git-hotfix", 0, 3, t0.Add(time.Minute))
	inExam := labSubmission(u, "release-notes", a.ID, 1, t0.Add(2*time.Minute))
	inExam.QuestionKey = "lab-release-notes"
	theirs := labSubmission(other, "git-hotfix", 0, 1, t0.Add(3*time.Minute))
	for _, sub := range []*certlab.LabSubmission{second, inExam, theirs} {
		if err := s.CreateLabSubmission(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if !(first.ID < second.ID && second.ID < inExam.ID) {
		t.Fatalf("IDs do not grow: %d %d %d", first.ID, second.ID, inExam.ID)
	}
	wantCode(t, s.CreateLabSubmission(ctx, &certlab.LabSubmission{LabID: "x"}), certlab.EINVALID)

	got, err := s.LabSubmission(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != u.ID || got.LabID != "git-hotfix" || got.AttemptID != 0 || got.Points != 2 || got.MaxPoints != 3 || got.Passed ||
		got.Format != "tar.gz" || got.Size != 2048 || got.SHA256 != "ab12" || !got.SubmittedAt.Equal(t0) || got.Duration != 0.25 {
		t.Fatalf("submission did not round-trip: %+v", got)
	}
	if len(got.Checks) != 3 || got.Checks[0].CheckID != "pick.1" || !got.Checks[0].Passed || got.Checks[1].Feedback != "apply only the fix" ||
		got.Checks[1].Passed || got.Checks[1].Points != 1 || !got.Checks[2].Skipped || got.Checks[2].Type != "azure-pipeline-run" {
		t.Fatalf("check results did not round-trip in order: %+v", got.Checks)
	}
	_, err = s.LabSubmission(ctx, 9999)
	wantCode(t, err, certlab.ENOTFOUND)

	practice := int64(0)
	mine, err := s.LabSubmissions(ctx, certlab.LabSubmissionFilter{UserID: &u.ID, LabID: "git-hotfix", AttemptID: &practice})
	if err != nil || len(mine) != 2 || mine[0].ID != second.ID || mine[1].ID != first.ID || len(mine[0].Checks) != 3 {
		t.Fatalf("practice submissions newest first: %v %+v", err, mine)
	}
	latest, _ := s.LabSubmissions(ctx, certlab.LabSubmissionFilter{UserID: &u.ID, LabID: "git-hotfix", Limit: 1})
	if len(latest) != 1 || latest[0].ID != second.ID {
		t.Fatalf("latest: %+v", latest)
	}
	exam, _ := s.LabSubmissions(ctx, certlab.LabSubmissionFilter{AttemptID: &a.ID, QuestionKey: "lab-release-notes"})
	if len(exam) != 1 || exam[0].ID != inExam.ID || exam[0].AttemptID != a.ID || exam[0].Counted {
		t.Fatalf("attempt submissions: %+v", exam)
	}
	all, _ := s.LabSubmissions(ctx, certlab.LabSubmissionFilter{UserID: &u.ID})
	if len(all) != 3 {
		t.Fatalf("all of the user's submissions: %d, want 3", len(all))
	}
	if err := s.SetLabSubmissionCounted(ctx, inExam.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LabSubmission(ctx, inExam.ID); !got.Counted {
		t.Fatal("counted flag lost")
	}
	wantCode(t, s.SetLabSubmissionCounted(ctx, 9999), certlab.ENOTFOUND)
}
