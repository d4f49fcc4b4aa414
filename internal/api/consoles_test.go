package api_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/authoring"
	"github.com/certlab/certlab/internal/cohort"
)

// staffClient creates an account with the role and signs a client in.
func staffClient(t *testing.T, ts *testServer, email, role string) (*client, *certlab.User) {
	t.Helper()
	u, err := ts.App.Accounts.Create(context.Background(), email, "Staff "+role, "correct horse battery", role)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, ts.URL)
	var si api.SessionInfo
	c.must("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "correct horse battery"}, &si)
	c.csrf = si.CSRFToken
	return c, u
}

func TestAuthorAPI(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	author, au := staffClient(t, ts, "author@example.org", certlab.RoleAuthor)
	inst, _ := staffClient(t, ts, "inst@example.org", certlab.RoleInstructor)
	cand := newClient(t, ts.URL)
	cand.register("cand@example.org")
	visitor := newClient(t, ts.URL)
	ex, _ := ts.Catalog.Exam("az-400")
	var it *certlab.Item
	for _, x := range ex.Items {
		if x.Pool == certlab.PoolExam && x.CaseID == "" && !x.Pilot {
			it = x
			break
		}
	}
	itemPath := "/api/v1/author/items/" + it.ExamID + "/" + it.ID

	for _, c := range []struct {
		who    *client
		status int
		code   string
	}{{cand, 403, certlab.EFORBIDDEN}, {inst, 403, certlab.EFORBIDDEN}, {visitor, 401, certlab.EUNAUTHORIZED}} {
		c.who.wantError("GET", "/api/v1/author/entries", nil, c.status, c.code)
		c.who.wantError("GET", itemPath, nil, c.status, c.code)
		c.who.wantError("POST", itemPath+"/retire", api.RetireRequest{Retired: true, Reason: "x"}, c.status, c.code)
	}

	var pg authoring.Page
	author.must("GET", "/api/v1/author/entries?q="+strings.ReplaceAll("kind:item exam:az-400 pool:exam", " ", "+"), nil, &pg)
	if pg.Total == 0 || len(pg.Entries) != authoring.PageSize || pg.Entries[0].Kind != authoring.KindItem {
		t.Fatalf("entries: %d total, %d on the page", pg.Total, len(pg.Entries))
	}
	author.wantError("GET", "/api/v1/author/entries?q=color:red", nil, 400, certlab.EINVALID)
	author.wantError("GET", "/api/v1/author/entries?page=0", nil, 400, certlab.EINVALID)
	var lint authoring.Lint
	author.must("GET", "/api/v1/author/lint", nil, &lint)

	var ai api.AuthorItem
	author.must("GET", itemPath, nil, &ai)
	if ai.ID != it.ID || ai.Key[""] == nil || ai.Explanation == "" || ai.Status == nil || ai.Status.Flagged {
		t.Fatalf("author item: %+v", ai)
	}
	author.wantError("GET", "/api/v1/author/items/az-400/nope", nil, 404, certlab.ENOTFOUND)

	author.wantError("POST", itemPath+"/flag", api.FlagRequest{Flagged: true}, 400, certlab.EINVALID)
	author.wantError("POST", itemPath+"/retire", api.RetireRequest{Retired: true, Reason: "  "}, 400, certlab.EINVALID)
	author.wantError("POST", itemPath+"/retire", map[string]any{"retired": true, "reason": "x", "extra": 1}, 400, certlab.EINVALID)
	author.wantError("POST", "/api/v1/author/items/az-400/nope/retire", api.RetireRequest{Retired: true, Reason: "x"}, 404, certlab.ENOTFOUND)
	if st, _ := ts.App.Store.ItemStatuses(ctx); len(st) != 0 {
		t.Fatalf("refused requests changed statuses: %v", st)
	}
	var st certlab.ItemStatus
	author.must("POST", itemPath+"/flag", api.FlagRequest{Flagged: true, Note: "stem is ambiguous"}, &st)
	author.must("POST", itemPath+"/retire", api.RetireRequest{Retired: true, Reason: "ambiguous"}, &st)
	if !st.Flagged || !st.Retired || st.RetireReason != "ambiguous" {
		t.Fatalf("status %+v", st)
	}
	author.wantError("POST", itemPath+"/retire", api.RetireRequest{Retired: true, Reason: "again"}, 409, certlab.ECONFLICT)
	author.must("POST", itemPath+"/retire", api.RetireRequest{Retired: false, Reason: "rewritten"}, &st)
	if st.Retired {
		t.Fatal("not reinstated")
	}
	es, _ := ts.App.Store.AuditEntries(ctx, certlab.AuditFilter{ActorID: &au.ID})
	if len(es) != 3 || es[0].Action != "item.reinstate" || es[0].Detail != "rewritten" || es[2].Action != "item.flag" {
		t.Fatalf("audit %+v", es)
	}

	// A calibration without enough results fails with the reason.
	author.wantError("POST", "/api/v1/author/calibrations", authoring.CalibrationRequest{Exam: "az-400", Model: "gpcm"}, 400, certlab.EINVALID)
	author.wantError("POST", "/api/v1/author/calibrations", authoring.CalibrationRequest{Exam: "az-999"}, 404, certlab.ENOTFOUND)
	author.wantError("POST", "/api/v1/author/calibrations", authoring.CalibrationRequest{Exam: "az-400", MinResponses: -1}, 400, certlab.EINVALID)
	var run certlab.CalibrationRun
	author.must("POST", "/api/v1/author/calibrations", authoring.CalibrationRequest{Exam: "az-400"}, &run)
	var rv api.RunView
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		author.must("GET", fmt.Sprintf("/api/v1/author/calibrations/%d", run.ID), nil, &rv)
		if rv.Status != certlab.RunRunning || time.Now().After(deadline) {
			break
		}
	}
	if rv.Status != certlab.RunFailed || !strings.Contains(rv.Message, "responses") || rv.Result != nil {
		t.Fatalf("run %+v", rv.CalibrationRun)
	}
	author.wantError("POST", fmt.Sprintf("/api/v1/author/calibrations/%d/apply", run.ID), api.ReasonRequest{Reason: "x"}, 409, certlab.ECONFLICT)
	var runs []*certlab.CalibrationRun
	author.must("GET", "/api/v1/author/calibrations?exam=az-400", nil, &runs)
	if len(runs) != 1 {
		t.Fatalf("runs %v", runs)
	}
}

func TestInstructorAPI(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	inst, _ := staffClient(t, ts, "inst@example.org", certlab.RoleInstructor)
	author, _ := staffClient(t, ts, "author@example.org", certlab.RoleAuthor)
	cand := newClient(t, ts.URL)
	cu := cand.register("cand@example.org")
	now := ts.Clock.Now()
	ends := now.Add(30 * 24 * time.Hour)

	cand.wantError("GET", "/api/v1/instructor/cohorts", nil, 403, certlab.EFORBIDDEN)
	author.wantError("POST", "/api/v1/instructor/cohorts", cohort.CreateRequest{Name: "x", Exam: "az-400", EndsAt: ends}, 403, certlab.EFORBIDDEN)
	inst.wantError("POST", "/api/v1/instructor/cohorts", cohort.CreateRequest{Name: "x", Exam: "az-400"}, 400, certlab.EINVALID)
	inst.wantError("POST", "/api/v1/instructor/cohorts", cohort.CreateRequest{Name: "", Exam: "az-400", EndsAt: ends}, 400, certlab.EINVALID)
	inst.wantError("POST", "/api/v1/instructor/cohorts", cohort.CreateRequest{Name: "x", Exam: "az-400", EndsAt: now.Add(-time.Hour)}, 400, certlab.EINVALID)
	var c certlab.Cohort
	inst.must("POST", "/api/v1/instructor/cohorts", cohort.CreateRequest{Name: "Evening class", Exam: "az-400", EndsAt: ends}, &c)
	if c.ID == 0 || len(c.Code) != cohort.CodeLength {
		t.Fatalf("cohort %+v", c)
	}
	base := fmt.Sprintf("/api/v1/instructor/cohorts/%d", c.ID)

	cand.wantError("POST", "/api/v1/me/cohorts", api.JoinRequest{Code: "AAAAAAAA"}, 404, certlab.ENOTFOUND)
	var joined certlab.Cohort
	cand.must("POST", "/api/v1/me/cohorts", api.JoinRequest{Code: strings.ToLower(c.Code)}, &joined)
	cand.wantError("POST", "/api/v1/me/cohorts", api.JoinRequest{Code: c.Code}, 409, certlab.ECONFLICT)

	ex, _ := ts.Catalog.Exam("az-400")
	prog, _ := ts.Catalog.Program(ex.ProgramID)
	due := now.Add(7 * 24 * time.Hour)
	inst.wantError("POST", base+"/assignments", cohort.AssignRequest{Kind: "module", Module: "nope", DueAt: due}, 400, certlab.EINVALID)
	inst.wantError("POST", base+"/assignments", cohort.AssignRequest{Kind: "module", Module: prog.Modules[0].ID}, 400, certlab.EINVALID)
	inst.wantError("POST", "/api/v1/instructor/cohorts/999/assignments", cohort.AssignRequest{Kind: "practice", Count: 5, DueAt: due}, 404, certlab.ENOTFOUND)
	var a certlab.Assignment
	inst.must("POST", base+"/assignments", cohort.AssignRequest{Kind: "module", Module: prog.Modules[0].ID, DueAt: due}, &a)

	var tasks []*cohort.Task
	cand.must("GET", "/api/v1/me/assignments", nil, &tasks)
	if len(tasks) != 1 || tasks[0].ID != a.ID || tasks[0].State != cohort.WorkNotStarted {
		t.Fatalf("tasks %+v", tasks)
	}
	var started api.StartedAssignment
	cand.must("POST", fmt.Sprintf("/api/v1/me/assignments/%d/start", a.ID), nil, &started)
	if started.Attempt != nil || started.Assignment.ModuleID != prog.Modules[0].ID {
		t.Fatalf("started %+v", started)
	}
	var w certlab.AssignmentWork
	cand.must("POST", fmt.Sprintf("/api/v1/me/assignments/%d/complete", a.ID), nil, &w)
	if w.CompletedAt == nil {
		t.Fatalf("work %+v", w)
	}
	other := newClient(t, ts.URL)
	other.register("other@example.org")
	other.wantError("POST", fmt.Sprintf("/api/v1/me/assignments/%d/complete", a.ID), nil, 404, certlab.ENOTFOUND)

	var o cohort.Overview
	inst.must("GET", base, nil, &o)
	if len(o.Members) != 1 || o.Members[0].Completed != 1 || o.Members[0].Email != "cand@example.org" || len(o.Members[0].Domains) == 0 {
		t.Fatalf("overview %+v", o.Members)
	}
	inst2, _ := staffClient(t, ts, "inst2@example.org", certlab.RoleInstructor)
	inst2.wantError("GET", base, nil, 404, certlab.ENOTFOUND)

	st, raw := inst.do("GET", base+"/export.csv", nil, nil)
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if st != 200 || err != nil || len(rows) != 2 || rows[1][1] != "cand@example.org" {
		t.Fatalf("export %d %v %v", st, rows, err)
	}

	inst.wantError("POST", fmt.Sprintf("%s/members/%d/remove", base, cu.ID), api.ReasonRequest{}, 400, certlab.EINVALID)
	inst.wantError("POST", fmt.Sprintf("%s/members/%d/remove", base, cu.ID+100), api.ReasonRequest{Reason: "x"}, 404, certlab.ENOTFOUND)
	if ms, _ := ts.App.Store.CohortMembers(ctx, c.ID); len(ms) != 1 {
		t.Fatal("a refused removal changed the members")
	}
	cand.must("DELETE", fmt.Sprintf("/api/v1/me/cohorts/%d", c.ID), nil, nil)
	cand.wantError("DELETE", fmt.Sprintf("/api/v1/me/cohorts/%d", c.ID), nil, 404, certlab.ENOTFOUND)
	var mine []*cohort.Membership
	cand.must("GET", "/api/v1/me/cohorts", nil, &mine)
	if len(mine) != 0 {
		t.Fatalf("still in %v", mine)
	}

	// An ended cohort takes nobody.
	ts.Clock.Add(31 * 24 * time.Hour)
	late := newClient(t, ts.URL)
	late.register("late@example.org")
	late.wantError("POST", "/api/v1/me/cohorts", api.JoinRequest{Code: c.Code}, 409, certlab.ECONFLICT)
}
