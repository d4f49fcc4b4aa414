package proctor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/exam"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// env is the application (app.New) on a fresh SQLite database with a fake
// clock at t0, an admin, a proctor and a candidate.
type env struct {
	t       testing.TB
	ctx     context.Context
	app     *app.App
	clk     *apptest.Clock
	admin   *certlab.User
	proctor *certlab.User
	cand    *certlab.User
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), clk: apptest.NewClock(t0)}
	e.app = apptest.New(t, app.Config{Now: e.clk.Now, Seed: func() int64 { return 1 }})
	e.admin = e.user("admin@example.org", certlab.RoleAdmin)
	e.proctor = e.user("proctor@example.org", certlab.RoleProctor)
	e.cand = e.user("cand@example.org", certlab.RoleCandidate)
	return e
}

func (e *env) user(email, role string) *certlab.User {
	e.t.Helper()
	u := &certlab.User{Email: email, Name: email, Role: role, PasswordHash: "x", CreatedAt: t0}
	if err := e.app.Store.CreateUser(e.ctx, u, false); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := certlab.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func TestProctoring(t *testing.T) {
	e := newEnv(t)
	e.cand.ExtraTimePct = 25
	a, err := e.app.Engine.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModeExam,
		exam.PracticeOptions{Appointment: apptest.Admit(t, e.app, e.clk.Now(), e.cand, "az-400")})
	if err != nil {
		t.Fatal(err)
	}
	a, _ = e.app.Engine.Start(e.ctx, e.cand, a.ID, true)
	if want := t0.Add(125 * time.Minute); !a.Deadline.Equal(want) {
		t.Fatalf("deadline with 25%% extra time %v, want %v", a.Deadline, want)
	}
	_, err = e.app.Proctor.Pause(e.ctx, e.cand, a.ID, "")
	wantCode(t, err, certlab.EFORBIDDEN)

	e.clk.Add(10 * time.Minute)
	// A pause and a resumption need a reason.
	_, err = e.app.Proctor.Pause(e.ctx, e.proctor, a.ID, "  ")
	wantCode(t, err, certlab.EINVALID)
	if _, err := e.app.Proctor.Pause(e.ctx, e.proctor, a.ID, "fire alarm"); err != nil {
		t.Fatal(err)
	}
	live, err := e.app.Proctor.LiveAttempts(e.ctx, e.proctor)
	if err != nil || len(live) != 1 || live[0].Status != certlab.StatusPaused || live[0].SecondsLeft != 115*60 {
		t.Fatalf("live attempts %+v %v", live, err)
	}
	// The clock is stopped: 30 minutes later the time left is the same and
	// answers are refused.
	e.clk.Add(30 * time.Minute)
	live, _ = e.app.Proctor.LiveAttempts(e.ctx, e.proctor)
	if live[0].SecondsLeft != 115*60 {
		t.Fatalf("paused clock moved: %d s left", live[0].SecondsLeft)
	}
	q := a.Form.Sections[0].Questions[0]
	_, err = e.app.Engine.SaveResponse(e.ctx, e.cand, a.ID, q.Key, 1, []byte(`null`), false)
	if certlab.ErrorCode(err) != certlab.ECONFLICT || !strings.Contains(err.Error(), "paused") {
		t.Fatalf("save while paused: %v", err)
	}
	_, err = e.app.Engine.Submit(e.ctx, e.cand, a.ID)
	wantCode(t, err, certlab.ECONFLICT)
	_, err = e.app.Proctor.Resume(e.ctx, e.proctor, a.ID, "")
	wantCode(t, err, certlab.EINVALID)
	r, err := e.app.Proctor.Resume(e.ctx, e.proctor, a.ID, "alarm over")
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(155 * time.Minute); !r.Deadline.Equal(want) {
		t.Fatalf("deadline after a 30-minute pause %v, want %v", r.Deadline, want)
	}
	if _, err := e.app.Proctor.LogIncident(e.ctx, e.proctor, a.ID, "second person visible on camera"); err != nil {
		t.Fatal(err)
	}
	_, err = e.app.Proctor.End(e.ctx, e.proctor, a.ID, "")
	wantCode(t, err, certlab.EINVALID)
	ended, err := e.app.Proctor.End(e.ctx, e.proctor, a.ID, "candidate left the room")
	if err != nil || ended.Status != certlab.StatusVoided || ended.Report != nil {
		t.Fatalf("end for misconduct: %+v %v; want voided, no report", ended, err)
	}
	// Voided, not scored: no report for the candidate (who is told why),
	// no per-question results.
	stored, _ := e.app.Store.Attempt(e.ctx, a.ID)
	if stored.Status != certlab.StatusVoided || stored.Report != nil {
		t.Fatalf("stored attempt after the end: %s, report %v", stored.Status, stored.Report)
	}
	_, err = e.app.Engine.Report(e.ctx, e.cand, a.ID)
	if certlab.ErrorCode(err) != certlab.ECONFLICT || !strings.Contains(err.Error(), "voided") || !strings.Contains(err.Error(), "candidate left the room") {
		t.Fatalf("report of a voided attempt: %v", err)
	}
	if hist, err := e.app.Store.ItemHistory(e.ctx, e.cand.ID, "az-400"); err != nil || len(hist) != 0 {
		t.Fatalf("a voided attempt left results: %v %v", hist, err)
	}
	_, err = e.app.Proctor.End(e.ctx, e.proctor, a.ID, "again")
	wantCode(t, err, certlab.ECONFLICT)
	log, err := e.app.Proctor.Incidents(e.ctx, e.proctor, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, l := range log {
		actions = append(actions, l.Action)
	}
	if strings.Join(actions, ",") != "attempt.void,attempt.incident,attempt.resume,attempt.pause,attempt.start" {
		t.Fatalf("incident log %v", actions)
	}
	if live, _ := e.app.Proctor.LiveAttempts(e.ctx, e.proctor); len(live) != 0 {
		t.Fatalf("ended attempt still live: %+v", live)
	}
	// Accommodations are admin-only and audited.
	_, err = e.app.Schedule.SetAccommodation(e.ctx, e.proctor, e.cand.ID, 50, "")
	wantCode(t, err, certlab.EFORBIDDEN)
	u, err := e.app.Schedule.SetAccommodation(e.ctx, e.admin, e.cand.ID, 50, "dyslexia, documented")
	if err != nil || u.ExtraTimePct != 50 {
		t.Fatalf("accommodation %+v %v", u, err)
	}
}
