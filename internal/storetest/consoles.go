package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// RunConsoles runs the contract tests of what the author and instructor
// consoles store: item flags and retirement, calibration runs, cohorts,
// members, assignments and work.
func RunConsoles(t *testing.T, open Opener) {
	t.Run("ItemStatus", func(t *testing.T) { testItemStatus(t, open(t)) })
	t.Run("ConcurrentRetire", func(t *testing.T) { testConcurrentRetire(t, open(t)) })
	t.Run("CalibrationRuns", func(t *testing.T) { testCalibrationRuns(t, open(t)) })
	t.Run("Cohorts", func(t *testing.T) { testCohorts(t, open(t)) })
	t.Run("Assignments", func(t *testing.T) { testAssignments(t, open(t)) })
}

func testItemStatus(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	author := MustUser(t, s, "author@example.org")
	ref := certlab.ItemRef{ExamID: "az-400", ItemID: "d3-yaml-001"}
	other := certlab.ItemRef{ExamID: "az-104", ItemID: "d3-yaml-001"} // same id, another pack

	st, err := s.FlagItem(ctx, ref, true, "the key cites a retired setting", author.ID, t0)
	if err != nil || !st.Flagged || st.FlagNote != "the key cites a retired setting" || st.FlaggedBy != author.ID || st.FlaggedAt == nil || !st.FlaggedAt.Equal(t0) || st.Retired {
		t.Fatalf("flag: %+v %v", st, err)
	}
	st, err = s.RetireItem(ctx, ref, true, "superseded by d3-yaml-031", author.ID, t0.Add(time.Minute))
	if err != nil || !st.Retired || st.RetireReason != "superseded by d3-yaml-031" || !st.Flagged || !st.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("retire: %+v %v", st, err)
	}
	_, err = s.RetireItem(ctx, ref, true, "again", author.ID, t0.Add(2*time.Minute))
	wantCode(t, err, certlab.ECONFLICT)
	_, err = s.RetireItem(ctx, other, false, "never retired", author.ID, t0)
	wantCode(t, err, certlab.ECONFLICT)

	// The refused reinstatement left nothing behind.
	all, err := s.ItemStatuses(ctx)
	if err != nil || len(all) != 1 || all[ref].FlagNote != "the key cites a retired setting" || all[other] != nil {
		t.Fatalf("statuses: %v %v", all, err)
	}
	retired, err := s.RetiredItems(ctx)
	if err != nil || len(retired) != 1 || !retired[ref] || retired[other] {
		t.Fatalf("retired: %v %v", retired, err)
	}
	// Clearing the flag keeps the retirement; reinstating keeps the flag.
	if st, err = s.FlagItem(ctx, ref, false, "", author.ID, t0.Add(3*time.Minute)); err != nil || st.Flagged || !st.Retired {
		t.Fatalf("unflag: %+v %v", st, err)
	}
	if st, err = s.RetireItem(ctx, ref, false, "fixed the key", author.ID, t0.Add(4*time.Minute)); err != nil || st.Retired || st.RetireReason != "fixed the key" {
		t.Fatalf("reinstate: %+v %v", st, err)
	}
	if retired, _ := s.RetiredItems(ctx); len(retired) != 0 {
		t.Fatalf("reinstated item still retired: %v", retired)
	}
}

// testConcurrentRetire: of several authors retiring the same item at once,
// exactly one succeeds; the others get ECONFLICT.
func testConcurrentRetire(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	author := MustUser(t, s, "author@example.org")
	ref := certlab.ItemRef{ExamID: "az-400", ItemID: "d1-x-001"}
	var wg sync.WaitGroup
	codes := make([]string, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.RetireItem(ctx, ref, true, "duplicate", author.ID, t0)
			codes[i] = certlab.ErrorCode(err)
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case "":
			ok++
		case certlab.ECONFLICT:
		default:
			// SQLite may report a busy database under contention; that is
			// still not a second retirement.
			if c != certlab.EINTERNAL {
				t.Fatalf("unexpected code %q", c)
			}
		}
	}
	if ok != 1 {
		t.Fatalf("%d retirements succeeded (%v), want exactly 1", ok, codes)
	}
}

func testCalibrationRuns(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	author := MustUser(t, s, "author@example.org")
	r := &certlab.CalibrationRun{ExamID: "az-400", Model: "2pl", Status: certlab.RunRunning, Phase: "reading results", MaxCycles: 500, StartedBy: author.ID, StartedAt: t0}
	if err := s.CreateCalibrationRun(ctx, r); err != nil || r.ID == 0 {
		t.Fatalf("create: %v %+v", err, r)
	}
	r2 := &certlab.CalibrationRun{ExamID: "az-104", Model: "rasch", Status: certlab.RunRunning, StartedBy: author.ID, StartedAt: t0}
	if err := s.CreateCalibrationRun(ctx, r2); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.MarkRunApplied(ctx, r.ID, t0), certlab.ECONFLICT) // still running
	if got, _ := s.CalibrationRun(ctx, r.ID); !got.UpdatedAt.Equal(t0) {
		t.Fatalf("new run updated at %v, want its start", got.UpdatedAt)
	}
	r.Cycle, r.Change, r.Progress, r.Phase, r.UpdatedAt = 12, 0.0031, 0.4, "calibrating", t0.Add(30*time.Second)
	if err := s.UpdateCalibrationRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.CalibrationRun(ctx, r.ID)
	if err != nil || got.Cycle != 12 || got.Progress != 0.4 || got.Phase != "calibrating" || got.Status != certlab.RunRunning || got.EndedAt != nil || !got.UpdatedAt.Equal(r.UpdatedAt) {
		t.Fatalf("progress: %+v %v", got, err)
	}
	end := t0.Add(time.Minute)
	r.Status, r.EndedAt, r.Result, r.Items, r.Examinees, r.Progress = certlab.RunDone, &end, `{"items":[]}`, 40, 812, 1
	if err := s.UpdateCalibrationRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err = s.CalibrationRun(ctx, r.ID)
	if err != nil || got.Result != `{"items":[]}` || got.Items != 40 || got.Examinees != 812 || got.EndedAt == nil || !got.EndedAt.Equal(end) {
		t.Fatalf("done: %+v %v", got, err)
	}
	list, err := s.CalibrationRuns(ctx, "az-400", 10)
	if err != nil || len(list) != 1 || list[0].ID != r.ID || list[0].Result != "" {
		t.Fatalf("list by exam: %v %v", list, err)
	}
	if list, _ := s.CalibrationRuns(ctx, "", 10); len(list) != 2 || list[0].ID != r2.ID {
		t.Fatalf("list all, newest first: %v", list)
	}
	if err := s.MarkRunApplied(ctx, r.ID, end); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.MarkRunApplied(ctx, r.ID, end), certlab.ECONFLICT)
	wantCode(t, s.MarkRunApplied(ctx, 4242, end), certlab.ENOTFOUND)
	if got, _ := s.CalibrationRun(ctx, r.ID); got.AppliedAt == nil || !got.AppliedAt.Equal(end) {
		t.Fatalf("applied at %v", got.AppliedAt)
	}
	_, err = s.CalibrationRun(ctx, 4242)
	wantCode(t, err, certlab.ENOTFOUND)
	wantCode(t, s.UpdateCalibrationRun(ctx, &certlab.CalibrationRun{ID: 4242, Status: certlab.RunDone}), certlab.ENOTFOUND)
}

func testCohorts(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	inst, other := MustUser(t, s, "inst@example.org"), MustUser(t, s, "inst2@example.org")
	ada, bob := MustUser(t, s, "ada@example.org"), MustUser(t, s, "bob@example.org")
	c := &certlab.Cohort{Name: "Spring DevOps", ExamID: "az-400", InstructorID: inst.ID, Code: "K7P2QX9M", EndsAt: t0.Add(30 * 24 * time.Hour), CreatedAt: t0}
	if err := s.CreateCohort(ctx, c); err != nil || c.ID == 0 {
		t.Fatalf("create: %v", err)
	}
	wantCode(t, s.CreateCohort(ctx, &certlab.Cohort{Name: "dup", ExamID: "az-400", InstructorID: other.ID, Code: "K7P2QX9M", EndsAt: t0, CreatedAt: t0}), certlab.ECONFLICT)
	c2 := &certlab.Cohort{Name: "Other", ExamID: "az-104", InstructorID: other.ID, Code: "ZZZZ2222", EndsAt: t0, CreatedAt: t0}
	if err := s.CreateCohort(ctx, c2); err != nil {
		t.Fatal(err)
	}
	got, err := s.CohortByCode(ctx, "K7P2QX9M")
	if err != nil || got.ID != c.ID || got.Name != "Spring DevOps" || !got.EndsAt.Equal(c.EndsAt) {
		t.Fatalf("by code: %+v %v", got, err)
	}
	_, err = s.CohortByCode(ctx, "NOPE")
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = s.Cohort(ctx, 4242)
	wantCode(t, err, certlab.ENOTFOUND)
	if mine, _ := s.Cohorts(ctx, inst.ID); len(mine) != 1 || mine[0].ID != c.ID {
		t.Fatalf("instructor's cohorts: %v", mine)
	}
	if all, _ := s.Cohorts(ctx, 0); len(all) != 2 || all[0].ID != c2.ID {
		t.Fatalf("all cohorts, newest first: %v", all)
	}

	for i, u := range []*certlab.User{ada, bob} {
		if err := s.JoinCohort(ctx, &certlab.CohortMember{CohortID: c.ID, UserID: u.ID, JoinedAt: t0.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, s.JoinCohort(ctx, &certlab.CohortMember{CohortID: c.ID, UserID: ada.ID, JoinedAt: t0}), certlab.ECONFLICT)
	if err := s.JoinCohort(ctx, &certlab.CohortMember{CohortID: c2.ID, UserID: ada.ID, JoinedAt: t0}); err != nil {
		t.Fatal(err)
	}
	ms, err := s.CohortMembers(ctx, c.ID)
	if err != nil || len(ms) != 2 || ms[0].UserID != ada.ID || ms[1].UserID != bob.ID {
		t.Fatalf("members: %v %v", ms, err)
	}
	if cs, _ := s.UserCohorts(ctx, ada.ID); len(cs) != 2 {
		t.Fatalf("ada's cohorts: %v", cs)
	}
	if err := s.LeaveCohort(ctx, c.ID, ada.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.LeaveCohort(ctx, c.ID, ada.ID), certlab.ENOTFOUND)
	if cs, _ := s.UserCohorts(ctx, ada.ID); len(cs) != 1 || cs[0].ID != c2.ID {
		t.Fatalf("ada's cohorts after leaving: %v", cs)
	}
	if ms, _ := s.CohortMembers(ctx, c.ID); len(ms) != 1 || ms[0].UserID != bob.ID {
		t.Fatalf("members after leaving: %v", ms)
	}
}

func testAssignments(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	inst, ada := MustUser(t, s, "inst@example.org"), MustUser(t, s, "ada@example.org")
	c := &certlab.Cohort{Name: "C", ExamID: "demo", InstructorID: inst.ID, Code: "AAAA2222", EndsAt: t0.Add(time.Hour), CreatedAt: t0}
	if err := s.CreateCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	later := &certlab.Assignment{CohortID: c.ID, Kind: certlab.AssignPractice, Domain: "d3", Count: 10, Title: "Ten pipeline questions", DueAt: t0.Add(48 * time.Hour), CreatedBy: inst.ID, CreatedAt: t0}
	sooner := &certlab.Assignment{CohortID: c.ID, Kind: certlab.AssignModule, ProgramID: "p", ModuleID: "m1", Title: "Read m1", DueAt: t0.Add(24 * time.Hour), CreatedBy: inst.ID, CreatedAt: t0}
	for _, a := range []*certlab.Assignment{later, sooner} {
		if err := s.CreateAssignment(ctx, a); err != nil || a.ID == 0 {
			t.Fatalf("create assignment: %v", err)
		}
	}
	as, err := s.Assignments(ctx, c.ID)
	if err != nil || len(as) != 2 || as[0].ID != sooner.ID || as[1].Domain != "d3" || as[1].Count != 10 {
		t.Fatalf("assignments by due date: %v %v", as, err)
	}
	if got, err := s.Assignment(ctx, later.ID); err != nil || got.Title != "Ten pipeline questions" || !got.DueAt.Equal(later.DueAt) {
		t.Fatalf("assignment: %+v %v", got, err)
	}
	_, err = s.Assignment(ctx, 4242)
	wantCode(t, err, certlab.ENOTFOUND)

	// A practice assignment: started with an attempt, restarted with
	// another, then completed; completed work cannot be started again.
	a1 := MustStartedAttempt(t, s, ada, t0.Add(time.Hour))
	if err := s.StartWork(ctx, &certlab.AssignmentWork{AssignmentID: later.ID, UserID: ada.ID, AttemptID: &a1.ID, StartedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.StartWork(ctx, &certlab.AssignmentWork{AssignmentID: later.ID, UserID: ada.ID, AttemptID: &a1.ID, StartedAt: t0.Add(time.Minute)}); err != nil {
		t.Fatalf("restart: %v", err)
	}
	w, err := s.CompleteWork(ctx, later.ID, ada.ID, t0.Add(time.Hour))
	if err != nil || w.CompletedAt == nil || w.AttemptID == nil || *w.AttemptID != a1.ID || !w.StartedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("complete: %+v %v", w, err)
	}
	_, err = s.CompleteWork(ctx, later.ID, ada.ID, t0.Add(2*time.Hour))
	wantCode(t, err, certlab.ECONFLICT)
	wantCode(t, s.StartWork(ctx, &certlab.AssignmentWork{AssignmentID: later.ID, UserID: ada.ID, StartedAt: t0.Add(3 * time.Hour)}), certlab.ECONFLICT)

	// A module assignment completed without being started first.
	if w, err := s.CompleteWork(ctx, sooner.ID, ada.ID, t0.Add(5*time.Minute)); err != nil || w.AttemptID != nil || !w.CompletedAt.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("complete module: %+v %v", w, err)
	}
	if ws, _ := s.CohortWork(ctx, c.ID); len(ws) != 2 {
		t.Fatalf("cohort work: %v", ws)
	}
	if ws, _ := s.UserWork(ctx, ada.ID); len(ws) != 2 || ws[0].AssignmentID != later.ID {
		t.Fatalf("ada's work: %v", ws)
	}
	if ws, _ := s.UserWork(ctx, inst.ID); len(ws) != 0 {
		t.Fatalf("instructor has work: %v", ws)
	}
}
