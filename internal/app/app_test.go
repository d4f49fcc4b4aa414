package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/pack"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func candidate(t *testing.T, a *app.App) *certlab.User {
	t.Helper()
	u, err := a.Accounts.Create(context.Background(), "cand@example.org", "Cand", "correct horse battery", certlab.RoleCandidate)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sit creates and starts an AZ-400 exam attempt and, with answer, saves the
// key of every question, completing each section but the last, as a
// candidate who runs out of time before submitting.
func sit(t *testing.T, a *app.App, now time.Time, u *certlab.User, answer bool) *certlab.Attempt {
	t.Helper()
	ctx := context.Background()
	at, err := a.Engine.CreateAttempt(ctx, u, "az-400", certlab.ModeExam, exam.PracticeOptions{Appointment: apptest.Admit(t, a, now, u, "az-400")})
	if err != nil {
		t.Fatal(err)
	}
	if at, err = a.Engine.Start(ctx, u, at.ID, true); err != nil {
		t.Fatal(err)
	}
	ex, _ := a.Catalog.Exam("az-400")
	seq := int64(0)
	for si, sec := range at.Form.Sections {
		if !answer {
			break
		}
		for qi, q := range sec.Questions {
			it, _ := ex.Item(q.ItemID)
			seq++
			if sec.Kind == certlab.SectionLab {
				// The lab grader's result, full marks (internal/labrun
				// grades real workspaces in its own tests).
				lq, err := a.Engine.LabQuestion(ctx, u, at.ID, q.Key)
				if err != nil {
					t.Fatal(err)
				}
				if err := a.Engine.RecordLab(ctx, lq, seq, float64(it.Points), now); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if _, err := a.Engine.SaveResponse(ctx, u, at.ID, q.Key, seq, item.AnswerKey(it, q.Statement), false); err != nil {
				t.Fatalf("save %s: %v", q.Key, err)
			}
			if sec.Sequential() && qi < len(sec.Questions)-1 {
				if _, err := a.Engine.Next(ctx, u, at.ID, si); err != nil {
					t.Fatal(err)
				}
			}
		}
		if si < len(at.Form.Sections)-1 {
			if _, err := a.Engine.CompleteSection(ctx, u, at.ID, si); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Completing the sections before the lab section opened it with its
	// own time: the deadline is the lab section's.
	at, err = a.Store.Attempt(ctx, at.ID)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// The deadline sweep submits and scores an abandoned attempt at its
// deadline, on the application's clock, and the scoring hooks wired by
// app.New run: a passed AZ-400 leaves a pending credential (its
// prerequisite is missing).
func TestDeadlineSweep(t *testing.T) {
	ctx := context.Background()
	clk := apptest.NewClock(t0)
	a := apptest.New(t, app.Config{Now: clk.Now, Seed: func() int64 { return 20261125 },
		Credentials: &credential.Config{BaseURL: "https://certlab.test", KeySecret: []byte("app-test-secret-0123456789")}})
	u := candidate(t, a)
	at := sit(t, a, clk.Now(), u, true)
	if at.Deadline == nil {
		t.Fatal("a started exam attempt has no deadline")
	}
	deadline := *at.Deadline

	clk.Set(deadline.Add(-time.Second))
	if n, err := a.Engine.SweepDeadlines(ctx); err != nil || n != 0 {
		t.Fatalf("sweep before the deadline submitted %d (%v)", n, err)
	}
	if got, _ := a.Store.Attempt(ctx, at.ID); got.Status != certlab.StatusStarted {
		t.Fatalf("before the deadline the attempt is %s", got.Status)
	}

	clk.Set(deadline.Add(3 * time.Second))
	if n, err := a.Engine.SweepDeadlines(ctx); err != nil || n != 1 {
		t.Fatalf("sweep after the deadline submitted %d (%v), want 1", n, err)
	}
	got, err := a.Store.Attempt(ctx, at.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != certlab.StatusScored || got.SubmitReason != "deadline" || got.SubmittedAt == nil || !got.SubmittedAt.Equal(deadline) {
		t.Fatalf("after the sweep: status %s, reason %q, submitted %v; want scored at the deadline %v", got.Status, got.SubmitReason, got.SubmittedAt, deadline)
	}
	if got.Report == nil || !got.Report.Passed || got.Report.SubmitReason != "deadline" {
		t.Fatalf("report %+v: every answer was right", got.Report)
	}
	if n, err := a.Engine.SweepDeadlines(ctx); err != nil || n != 0 {
		t.Fatalf("a second sweep submitted %d (%v)", n, err)
	}
	cs, err := a.Credentials.Credentials(ctx, u)
	if err != nil || len(cs) != 1 || cs[0].Status != certlab.CredentialPending {
		t.Fatalf("credentials after a passed exam: %+v %v; want one pending (the OnScored hook)", cs, err)
	}
}

// With policy scaling: irt and every item of the form calibrated, the
// engine scores on the ability scale through the study service that
// app.New wires as ScaleIRT; without calibration it keeps the raw scale.
func TestIRTScaling(t *testing.T) {
	ctx := context.Background()
	cat, diags := pack.Load(content.FS, "content") // a copy of its own: the test changes a policy
	if diags.Errors() > 0 {
		t.Fatalf("built-in content: %v", diags)
	}
	ex, err := cat.Exam("az-400")
	if err != nil {
		t.Fatal(err)
	}
	ex.Policy.Scaling = "irt"
	calibrate := func(t *testing.T, a *app.App) {
		t.Helper()
		var ps []certlab.ItemParams
		for _, it := range ex.Items {
			ps = append(ps, certlab.ItemParams{ItemID: it.ID, A: 1.2, B: 0, Model: "2pl", CalibratedAt: t0})
		}
		if err := a.Store.SaveItemParams(ctx, ex.ID, ps); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name       string
		calibrated bool
		answer     bool
		scaling    string
		passed     bool
	}{
		{"calibrated, all right", true, true, "irt", true},
		{"calibrated, all blank", true, false, "irt", false},
		{"not calibrated", false, true, "raw", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := apptest.NewClock(t0)
			a := apptest.New(t, app.Config{Now: clk.Now, Seed: func() int64 { return 7 }, Catalog: cat})
			if tt.calibrated {
				calibrate(t, a)
			}
			u := candidate(t, a)
			at := sit(t, a, clk.Now(), u, tt.answer)
			clk.Add(10 * time.Minute)
			done, err := a.Engine.Submit(ctx, u, at.ID)
			if err != nil {
				t.Fatal(err)
			}
			rep := done.Report
			if rep.Scaling != tt.scaling || rep.Passed != tt.passed || rep.ScaledScore < 1 || rep.ScaledScore > 1000 {
				t.Fatalf("report: scaling %q, score %d, passed %v; want scaling %q, passed %v", rep.Scaling, rep.ScaledScore, rep.Passed, tt.scaling, tt.passed)
			}
			if (rep.Theta != nil) != (tt.scaling == "irt") {
				t.Fatalf("theta %v with scaling %q", rep.Theta, rep.Scaling)
			}
			if rep.Scaling == "irt" && (rep.ScaledScore >= ex.Policy.PassingScore) != rep.Passed {
				t.Fatalf("IRT score %d and pass %v disagree with the passing score %d", rep.ScaledScore, rep.Passed, ex.Policy.PassingScore)
			}
		})
	}
}

// New refuses a configuration it cannot build, saying what is wrong.
func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		cfg  app.Config
		want string
	}{
		{"no database", app.Config{}, "no database configured"},
		{"schema behind", app.Config{DB: dir + "/behind.db"}, "run certlab migrate"},
		{"short key secret", app.Config{DB: dir + "/short.db", Migrate: true,
			Credentials: &credential.Config{BaseURL: "https://certlab.test", KeySecret: []byte("short")}}, "credential service"},
		{"no base URL", app.Config{DB: dir + "/nourl.db", Migrate: true,
			Credentials: &credential.Config{KeySecret: []byte("long enough secret 0123456789")}}, "base URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Catalog = apptest.Catalog(t)
			a, err := app.New(context.Background(), tt.cfg)
			if err == nil {
				a.Close()
				t.Fatal("built")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not say %q", err, tt.want)
			}
		})
	}
}
