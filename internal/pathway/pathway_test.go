package pathway_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/pathway"
	"github.com/certlab/certlab/internal/schedule"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func source(a *app.App, clk *apptest.Clock) pathway.Source {
	return pathway.Source{Store: a.Store, Catalog: a.Catalog, Now: clk.Now, CheckInOpens: schedule.CheckInOpens, CheckInCloses: schedule.CheckInCloses,
		Readiness: func(ctx context.Context, u *certlab.User, examID string) (float64, int, error) {
			rd, err := a.Study.Readiness(ctx, u, examID)
			if err != nil {
				return 0, 0, err
			}
			return rd.PassProbability, rd.Answers, nil
		}}
}

// sit takes a proctored exam from an admitted appointment and answers
// every question with its key (right) or leaves it (wrong), through the
// engine as a candidate does.
func sit(t *testing.T, a *app.App, clk *apptest.Clock, u *certlab.User, examID string, right bool) {
	t.Helper()
	ctx := context.Background()
	at, err := a.Engine.CreateAttempt(ctx, u, examID, certlab.ModeExam, exam.PracticeOptions{Appointment: apptest.Admit(t, a, clk.Now(), u, examID)})
	if err != nil {
		t.Fatal(err)
	}
	if at, err = a.Engine.Start(ctx, u, at.ID, true); err != nil {
		t.Fatal(err)
	}
	ex, _ := a.Catalog.Exam(examID)
	seq := int64(0)
	for si, sec := range at.Form.Sections {
		for qi, q := range sec.Questions {
			it, _ := ex.Item(q.ItemID)
			if right {
				seq++
				if _, err := a.Engine.SaveResponse(ctx, u, at.ID, q.Key, seq, item.AnswerKey(it, q.Statement), false); err != nil {
					t.Fatalf("save %s: %v", q.Key, err)
				}
			}
			if sec.Sequential() && qi < len(sec.Questions)-1 {
				if _, err := a.Engine.Next(ctx, u, at.ID, si); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := a.Engine.CompleteSection(ctx, u, at.ID, si); err != nil {
			t.Fatal(err)
		}
	}
}

func find(t *testing.T, pws []*pathway.Pathway, program string) *pathway.Pathway {
	t.Helper()
	for _, p := range pws {
		if p.Program == program {
			return p
		}
	}
	t.Fatalf("no pathway for %s", program)
	return nil
}

// The expert pathway is drawn from the packs' requirements: the
// associate credential (AZ-104 or AZ-204) first, then AZ-400; each step's
// state follows what the candidate does, and the next action with it.
func TestExpertPathway(t *testing.T) {
	ctx := context.Background()
	clk := apptest.NewClock(t0)
	a := apptest.New(t, app.Config{Now: clk.Now, Seed: func() int64 { return 3 },
		Credentials: &credential.Config{BaseURL: "https://certlab.test", KeySecret: []byte("pathway-test-secret-0123456789")}})
	u, err := a.Accounts.Create(ctx, "cand@example.org", "Cand", "correct horse battery", certlab.RoleCandidate)
	if err != nil {
		t.Fatal(err)
	}
	src := source(a, clk)
	build := func() *pathway.Pathway {
		t.Helper()
		pws, err := pathway.Build(ctx, src, u)
		if err != nil {
			t.Fatal(err)
		}
		if len(pws) != len(a.Catalog.Programs) {
			t.Fatalf("%d pathways for %d programs", len(pws), len(a.Catalog.Programs))
		}
		return find(t, pws, "devops-engineer-expert")
	}

	// A new candidate: two stages, prerequisites first, nothing started.
	pw := build()
	if pw.State != pathway.NotStarted || len(pw.Stages) != 2 || len(pw.Missing) != 2 {
		t.Fatalf("new candidate: %+v", pw)
	}
	pre, final := pw.Stages[0], pw.Stages[1]
	if !pre.Any || len(pre.Steps) != 2 || pre.Steps[0].Kind != pathway.KindCredential || final.Any || final.Steps[0].ID != "az-400" || final.Steps[0].Label != "AZ-400" {
		t.Fatalf("stages: %+v / %+v", pre, final)
	}
	labels := []string{pre.Steps[0].Stages[0].Steps[0].Label, pre.Steps[1].Stages[0].Steps[0].Label}
	if labels[0] != "AZ-104" || labels[1] != "AZ-204" {
		t.Fatalf("the prerequisites' exams are %v, want AZ-104 and AZ-204", labels)
	}
	if !strings.Contains(pw.Missing[0], "One of: the Azure Administrator Associate credential (exam AZ-104), or the Azure Developer Associate credential (exam AZ-204)") {
		t.Fatalf("missing: %q", pw.Missing)
	}
	if pw.Next == nil || pw.Next.Kind != pathway.ActStudy || pw.Next.Exam != "az-104" || pw.Next.Program != "azure-administrator-associate" {
		t.Fatalf("next for a new candidate: %+v", pw.Next)
	}

	// Practice AZ-204: in progress with readiness; it becomes the next step.
	pr, err := a.Engine.CreateAttempt(ctx, u, "az-204", certlab.ModePractice, exam.PracticeOptions{Count: 5})
	if err != nil {
		t.Fatal(err)
	}
	pr, _ = a.Engine.Start(ctx, u, pr.ID, false)
	ex204, _ := a.Catalog.Exam("az-204")
	for i, q := range pr.Form.Questions() {
		it, _ := ex204.Item(q.ItemID)
		if _, err := a.Engine.SaveResponse(ctx, u, pr.ID, q.Key, int64(i+1), item.AnswerKey(it, q.Statement), false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Engine.Submit(ctx, u, pr.ID); err != nil {
		t.Fatal(err)
	}
	pw = build()
	dev := pw.Stages[0].Steps[1]
	if pw.State != pathway.InProgress || dev.State != pathway.InProgress || dev.Stages[0].Steps[0].Readiness == nil || dev.Stages[0].Steps[0].Readiness.Answers != 5 {
		t.Fatalf("after practice: %s; developer step %+v", pw.State, dev)
	}
	if pw.Next.Exam != "az-204" {
		t.Fatalf("next after practising AZ-204: %+v", pw.Next)
	}

	// Book AZ-104: booked beats practice; when check-in opens, check in.
	sch := a.Schedule
	admin, _ := a.Accounts.Create(ctx, "admin@example.org", "Admin", "granite harbour kite 1234", certlab.RoleAdmin)
	st, err := sch.CreateSitting(ctx, admin, schedule.SittingRequest{Exam: "az-104", Start: "2026-12-03T10:00", TimeZone: "Europe/Paris", Capacity: 4, Delivery: certlab.DeliveryOnline, Proctored: true})
	if err != nil {
		t.Fatal(err)
	}
	ap, err := sch.Book(ctx, u, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	pw = build()
	adminStep := pw.Stages[0].Steps[0]
	if adminStep.State != pathway.Booked || adminStep.Stages[0].Steps[0].Appointment == nil || !strings.Contains(adminStep.Note, "3 December 2026, 10:00 CET") {
		t.Fatalf("booked: %+v", adminStep)
	}
	if pw.Next.Kind != pathway.ActStudy || pw.Next.Exam != "az-104" || !strings.Contains(pw.Next.Label, "booked for 3 December 10:00 CET") {
		t.Fatalf("next when booked: %+v", pw.Next)
	}
	clk.Set(st.StartsAt.Add(-20 * time.Minute))
	if pw = build(); pw.Next.Kind != pathway.ActCheckIn || pw.Next.Appointment != ap.ID {
		t.Fatalf("next in the check-in window: %+v", pw.Next)
	}

	// Passing AZ-104 issues its credential: the first stage is met and
	// the next action is AZ-400's.
	sit(t, a, clk, u, "az-104", true)
	pw = build()
	if !pw.Stages[0].Met || pw.Stages[0].Steps[0].State != pathway.Earned || !strings.HasPrefix(pw.Stages[0].Steps[0].Note, "held, valid until") {
		t.Fatalf("after passing AZ-104: %+v", pw.Stages[0].Steps[0])
	}
	if len(pw.Missing) != 1 || pw.Missing[0] != "Pass exam AZ-400" || pw.Next.Exam != "az-400" {
		t.Fatalf("after passing AZ-104: missing %q, next %+v", pw.Missing, pw.Next)
	}
	// The associate pathway is earned and has no next action.
	pws, _ := pathway.Build(ctx, src, u)
	if assoc := find(t, pws, "azure-administrator-associate"); assoc.State != pathway.Earned || assoc.Next != nil || assoc.Credential != certlab.CredentialActive {
		t.Fatalf("associate pathway: %+v", assoc)
	}

	// Failing AZ-400 leaves it unmet; passing it earns the expert credential.
	clk.Add(time.Hour)
	sit(t, a, clk, u, "az-400", false)
	if pw = build(); pw.Stages[1].Met || pw.State != pathway.InProgress {
		t.Fatalf("after failing AZ-400: %+v", pw.Stages[1])
	}
	clk.Add(48 * time.Hour) // the retake wait after a first failure
	sit(t, a, clk, u, "az-400", true)
	if pw = build(); pw.State != pathway.Earned || pw.Next != nil || len(pw.Missing) != 0 || pw.Credential != certlab.CredentialActive {
		t.Fatalf("after passing AZ-400: %+v", pw)
	}
}

// A verified external credential meets the prerequisite; a declared one
// is in progress.
func TestExternalPrerequisite(t *testing.T) {
	ctx := context.Background()
	clk := apptest.NewClock(t0)
	a := apptest.New(t, app.Config{Now: clk.Now, Credentials: &credential.Config{BaseURL: "https://certlab.test", KeySecret: []byte("pathway-test-secret-0123456789")}})
	admin, _ := a.Accounts.Create(ctx, "admin@example.org", "Admin", "granite harbour kite 1234", certlab.RoleAdmin)
	u, _ := a.Accounts.Create(ctx, "cand@example.org", "Cand", "correct horse battery", certlab.RoleCandidate)
	ext, err := a.Credentials.Declare(ctx, u, credential.Declaration{Credential: "azure-developer-associate", Issuer: "Microsoft", Name: "Azure Developer Associate", ExternalID: "ABC-123"})
	if err != nil {
		t.Fatal(err)
	}
	pw, err := pathway.Program(ctx, source(a, clk), u, "devops-engineer-expert")
	if err != nil {
		t.Fatal(err)
	}
	if s := pw.Stages[0].Steps[1]; s.State != pathway.InProgress || s.External != certlab.ExternalDeclared || pw.Stages[0].Met {
		t.Fatalf("declared: %+v", s)
	}
	if _, _, err := a.Credentials.Review(ctx, admin, ext.ID, true, "checked on Microsoft Learn"); err != nil {
		t.Fatal(err)
	}
	pw, _ = pathway.Program(ctx, source(a, clk), u, "devops-engineer-expert")
	if s := pw.Stages[0].Steps[1]; s.State != pathway.Earned || !pw.Stages[0].Met || pw.Next.Exam != "az-400" {
		t.Fatalf("verified: %+v, next %+v", s, pw.Next)
	}
}
