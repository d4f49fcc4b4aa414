package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/exam"
)

var cohortURL = regexp.MustCompile(`^/instructor/cohorts/(\d+)`)
var codeRE = regexp.MustCompile(`class="join-code">([A-Z0-9]{8})<`)

// newCohort creates a cohort through the instructor console and returns
// its page, URL and join code.
func newCohort(t testing.TB, b *browser, name, examID string, ends time.Time) (page, string, string) {
	t.Helper()
	home := b.get("/instructor")
	p := b.post("/instructor/cohorts", url.Values{"name": {name}, "exam": {examID}, "ends": {ends.Format("2006-01-02")}}, home.csrf(t))
	if p.Status != http.StatusOK || !cohortURL.MatchString(p.URL) {
		t.Fatalf("create cohort: %d at %s\n%s", p.Status, p.URL, text(p.Body))
	}
	m := codeRE.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("the cohort page shows no code:\n%s", text(p.Body))
	}
	return p, p.URL, m[1]
}

func TestInstructorConsole(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ctx := context.Background()
	inst, iu := staff(t, ts, "inst@example.org", "Ivy Instructor", certlab.RoleInstructor)
	home := inst.get("/instructor")
	wantPage(t, home, http.StatusOK, "Instructor console", "New cohort")
	csrf := home.csrf(t)
	soon := time.Now().UTC().Add(30 * 24 * time.Hour)

	t.Run("roles", func(t *testing.T) {
		cand, _ := staff(t, ts, "cand-roles@example.org", "Cand", certlab.RoleCandidate)
		author, _ := staff(t, ts, "author-roles@example.org", "Auth", certlab.RoleAuthor)
		for _, b := range []*browser{cand, author} {
			if p := b.get("/instructor"); p.Status != http.StatusForbidden {
				t.Errorf("/instructor as %s: %d, want 403", b.email, p.Status)
			}
		}
		wantPage(t, cand.get("/cohorts"), http.StatusOK, "Your cohorts", "Join a cohort")
	})

	t.Run("refused cohorts", func(t *testing.T) {
		for _, c := range []struct {
			name string
			form url.Values
			want string
		}{
			{"no name", url.Values{"name": {" "}, "exam": {"az-400"}, "ends": {soon.Format("2006-01-02")}}, "needs a name"},
			{"unknown exam", url.Values{"name": {"X"}, "exam": {"az-999"}, "ends": {soon.Format("2006-01-02")}}, `exam "az-999" not found`},
			{"past end", url.Values{"name": {"X"}, "exam": {"az-400"}, "ends": {"2020-01-01"}}, "is not in the future"},
			{"no end", url.Values{"name": {"X"}, "exam": {"az-400"}}, "the end date is required"},
			{"bad end", url.Values{"name": {"X"}, "exam": {"az-400"}, "ends": {"next week"}}, "is not a date"},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantPage(t, inst.post("/instructor/cohorts", c.form, csrf), http.StatusBadRequest, c.want)
			})
		}
		if cs, _ := ts.Store.Cohorts(ctx, 0); len(cs) != 0 {
			t.Fatalf("refused forms created %d cohorts", len(cs))
		}
	})

	page, cohortPath, code := newCohort(t, inst, "Spring AZ-400", "az-400", soon)
	wantPage(t, page, http.StatusOK, "Spring AZ-400", "/cohorts/join?code="+code, "Nobody has joined yet")
	csrf = page.csrf(t)

	// A candidate joins from the link: the page shows the code, the post joins.
	cand := newBrowser(t, ts.URL)
	cand.register("cand@example.org")
	cu, _ := ts.Store.UserByEmail(ctx, "cand@example.org")
	link := cand.get("/cohorts/join?code=" + strings.ToLower(code))
	wantPage(t, link, http.StatusOK, `value="`+code+`"`)
	ccsrf := link.csrf(t)
	wantPage(t, cand.post("/cohorts/join", url.Values{"code": {"ZZZZ2222"}}, ccsrf), http.StatusBadRequest, "no cohort has the code")
	wantPage(t, cand.post("/cohorts/join", url.Values{"code": {"nope"}}, ccsrf), http.StatusBadRequest, "is not a cohort code")
	wantPage(t, cand.post("/cohorts/join", url.Values{"code": {code[:4] + "-" + code[4:]}}, ccsrf), http.StatusOK, "Spring AZ-400", "led by Ivy Instructor")
	wantPage(t, cand.post("/cohorts/join", url.Values{"code": {code}}, ccsrf), http.StatusConflict, "already in cohort")

	t.Run("refused assignments", func(t *testing.T) {
		for _, c := range []struct {
			name string
			form url.Values
			want string
		}{
			{"unknown module", url.Values{"kind": {"module"}, "module": {"no-such-module"}, "due": {soon.Format("2006-01-02")}}, `has no module "no-such-module"`},
			{"no due date", url.Values{"kind": {"practice"}, "count": {"10"}}, "the due date is required"},
			{"past due", url.Values{"kind": {"practice"}, "count": {"10"}, "due": {"2020-01-01"}}, "is in the past"},
			{"after the end", url.Values{"kind": {"practice"}, "count": {"10"}, "due": {soon.Add(48 * time.Hour).Format("2006-01-02")}}, "after the cohort ends"},
			{"bad count", url.Values{"kind": {"practice"}, "count": {"500"}, "due": {soon.Format("2006-01-02")}}, "1 to 100 questions"},
			{"unknown domain", url.Values{"kind": {"practice"}, "count": {"5"}, "domain": {"d9"}, "due": {soon.Format("2006-01-02")}}, `no skill area "d9"`},
			{"unknown kind", url.Values{"kind": {"video"}, "due": {soon.Format("2006-01-02")}}, "a module or a practice set"},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantPage(t, inst.post(cohortPath+"/assignments", c.form, csrf), http.StatusBadRequest, c.want)
			})
		}
		wantPage(t, inst.post("/instructor/cohorts/4242/assignments", url.Values{"kind": {"practice"}, "count": {"5"}, "due": {soon.Format("2006-01-02")}}, csrf), http.StatusNotFound, "not found")
		if as, _ := ts.Store.Assignments(ctx, 1); len(as) != 0 {
			t.Fatalf("refused forms created %d assignments", len(as))
		}
	})

	ex, _ := ts.Catalog.Exam("az-400")
	prog, _ := ts.Catalog.Program(ex.ProgramID)
	mod := prog.Modules[0]
	due := soon.Add(-24 * time.Hour).Format("2006-01-02")
	wantPage(t, inst.post(cohortPath+"/assignments", url.Values{"kind": {"module"}, "module": {mod.ID}, "due": {due}}, csrf), http.StatusOK, "Read: "+mod.Title)
	d := ex.Current().Domains[0]
	wantPage(t, inst.post(cohortPath+"/assignments", url.Values{"kind": {"practice"}, "count": {"3"}, "domain": {d.ID}, "due": {due}}, csrf), http.StatusOK, "Practice: 3 questions on "+d.Name)

	// The candidate's dashboard lists both; reading the module completes it.
	dash := cand.get("/")
	wantPage(t, dash, http.StatusOK, "Assignments from your cohorts", "Read: "+mod.Title, "Practice: 3 questions")
	as, _ := ts.Store.Assignments(ctx, 1)
	var modA, pracA *certlab.Assignment
	for _, a := range as {
		if a.Kind == certlab.AssignModule {
			modA = a
		} else {
			pracA = a
		}
	}
	p := cand.post("/cohorts/assignments/"+itoa(modA.ID)+"/start", url.Values{}, dash.csrf(t))
	wantPage(t, p, http.StatusOK, mod.Title)
	if p.URL != "/programs/"+prog.ID+"/modules/"+mod.ID {
		t.Fatalf("reading a module went to %s", p.URL)
	}
	p = cand.post("/cohorts/assignments/"+itoa(modA.ID)+"/done", url.Values{"next": {"/"}}, dash.csrf(t))
	if p.URL != "/" || strings.Contains(p.Body, "Read: "+mod.Title) {
		t.Fatalf("after marking it read the dashboard at %s still lists the module", p.URL)
	}
	wantPage(t, cand.post("/cohorts/assignments/"+itoa(modA.ID)+"/done", url.Values{}, dash.csrf(t)), http.StatusConflict, "already completed")
	wantPage(t, cand.post("/cohorts/assignments/"+itoa(pracA.ID)+"/done", url.Values{}, dash.csrf(t)), http.StatusBadRequest, "is a practice set")

	// The practice set: started from the assignment, completed when scored.
	p = cand.post("/cohorts/assignments/"+itoa(pracA.ID)+"/start", url.Values{}, dash.csrf(t))
	m := attemptURL.FindStringSubmatch(p.URL)
	if m == nil {
		t.Fatalf("starting a practice assignment went to %s\n%s", p.URL, text(p.Body))
	}
	wantPage(t, cand.post(m[0]+"/submit", url.Values{}, p.csrf(t)), http.StatusOK)
	mine := cand.get("/cohorts")
	if n := strings.Count(mine.Body, `<span class="state">completed</span>`); n != 2 {
		t.Fatalf("the cohort page shows %d completed assignments, want 2:\n%s", n, text(mine.Body))
	}

	// A sitting: the instructor sees its score and result, never its items.
	at, err := ts.Engine.CreateAttempt(ctx, cu, "az-400", certlab.ModeExam, exam.PracticeOptions{Appointment: apptest.Admit(t, ts.App, time.Now(), cu, "az-400")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Engine.Start(ctx, cu, at.ID, true); err != nil {
		t.Fatal(err)
	}
	scored, err := ts.Engine.Submit(ctx, cu, at.ID)
	if err != nil {
		t.Fatal(err)
	}
	view := inst.get(cohortPath)
	wantPage(t, view, http.StatusOK, "2 of 2 completed", "1 modules read", "cand@example.org", itoa(int64(scored.Report.ScaledScore))+" · fail")
	for _, q := range at.Form.Questions() {
		it, _ := ex.Item(q.ItemID)
		if strings.Contains(view.Body, it.ID) || strings.Contains(view.Body, firstWords(it.Stem)) {
			t.Fatalf("the instructor's page shows exam item %s", it.ID)
		}
	}

	// CSV export.
	resp := inst.get(cohortPath + "/export.csv")
	if resp.Status != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(resp.Body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][0] != "name" || rows[1][1] != "cand@example.org" || rows[1][len(rows[1])-1] != "false" {
		t.Fatalf("export rows %v %v", rows, err)
	}

	// Another instructor sees nothing of this cohort; members of other
	// cohorts cannot be removed here; a removal needs a reason.
	other, _ := staff(t, ts, "other@example.org", "Other", certlab.RoleInstructor)
	wantPage(t, other.get(cohortPath), http.StatusNotFound, "not found")
	wantPage(t, other.get(cohortPath+"/export.csv"), http.StatusNotFound, "not found")
	_, otherPath, otherCode := newCohort(t, other, "Other cohort", "az-400", soon)
	stranger := newBrowser(t, ts.URL)
	stranger.register("stranger@example.org")
	su, _ := ts.Store.UserByEmail(ctx, "stranger@example.org")
	wantPage(t, stranger.post("/cohorts/join", url.Values{"code": {otherCode}}, stranger.get("/cohorts").csrf(t)), http.StatusOK, "Other cohort")
	wantPage(t, inst.post(cohortPath+"/members/"+itoa(su.ID)+"/remove", url.Values{"reason": {"not mine"}}, csrf), http.StatusNotFound, "is not a member")
	wantPage(t, inst.post(otherPath+"/members/"+itoa(su.ID)+"/remove", url.Values{"reason": {"not mine"}}, csrf), http.StatusNotFound, "not found")
	wantPage(t, inst.post(cohortPath+"/members/"+itoa(cu.ID)+"/remove", url.Values{"reason": {""}}, csrf), http.StatusBadRequest, "a reason is required")
	if ms, _ := ts.Store.CohortMembers(ctx, 1); len(ms) != 1 {
		t.Fatalf("refused removals changed the members: %v", ms)
	}
	wantPage(t, inst.post(cohortPath+"/members/"+itoa(cu.ID)+"/remove", url.Values{"reason": {"moved to the autumn cohort"}}, csrf), http.StatusOK, "Nobody has joined yet")

	// Every instructor action is in the audit log with actor and reason.
	es, _ := ts.Store.AuditEntries(ctx, certlab.AuditFilter{ActorID: &iu.ID})
	actions := map[string]string{}
	for _, e := range es {
		actions[e.Action] = e.Detail
		if e.Role != certlab.RoleInstructor || e.Target != "cohort:1" {
			t.Errorf("audit entry %+v", e)
		}
	}
	for _, a := range []string{"cohort.create", "cohort.assign", "cohort.export", "cohort.remove-member"} {
		if actions[a] == "" {
			t.Errorf("no %s in the audit log (%v)", a, actions)
		}
	}
	if !strings.Contains(actions["cohort.remove-member"], "moved to the autumn cohort") {
		t.Errorf("removal audit %q lacks the reason", actions["cohort.remove-member"])
	}
	// Leaving: the candidate leaves the other cohort.
	sp := stranger.get("/cohorts")
	wantPage(t, stranger.post("/cohorts/2/leave", url.Values{}, sp.csrf(t)), http.StatusOK, "You are not in a cohort")
	wantPage(t, stranger.post("/cohorts/2/leave", url.Values{}, sp.csrf(t)), http.StatusNotFound, "not in cohort")
}

// TestEndedCohort: a cohort past its end date takes no members and no
// assignments, and says so.
func TestEndedCohort(t *testing.T) {
	t.Parallel()
	clock := apptest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	a := apptest.Start(t, app.Config{Now: clock.Now, Seed: func() int64 { return 1 }})
	ts := &testServer{URL: a.URL, Store: a.Store, Catalog: a.Catalog, Engine: a.Engine, App: a.App}
	servers.Store(a.URL, ts)
	inst, _ := staff(t, ts, "inst@example.org", "Ivy", certlab.RoleInstructor)
	_, path, code := newCohort(t, inst, "Short", "az-400", clock.Now().Add(48*time.Hour))
	clock.Add(72 * time.Hour)
	// Sessions have expired meanwhile: sign in again.
	inst.post("/signin", url.Values{"email": {"inst@example.org"}, "password": {"correct horse battery"}}, "")
	cand := newBrowser(t, ts.URL)
	cand.register("cand@example.org")
	wantPage(t, cand.post("/cohorts/join", url.Values{"code": {code}}, cand.get("/cohorts").csrf(t)), http.StatusConflict, "ended on")
	wantPage(t, inst.post(path+"/assignments", url.Values{"kind": {"practice"}, "count": {"5"}, "due": {"2026-11-30"}}, inst.get(path).csrf(t)), http.StatusConflict, "ended on")
	if ms, _ := ts.Store.CohortMembers(context.Background(), 1); len(ms) != 0 {
		t.Fatalf("an ended cohort took a member: %v", ms)
	}
	wantPage(t, inst.get(path), http.StatusOK, "Ended")
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// firstWords is the start of a stem, long enough to be recognisable.
func firstWords(md string) string {
	f := strings.Fields(md)
	if len(f) > 8 {
		f = f[:8]
	}
	return strings.Join(f, " ")
}
