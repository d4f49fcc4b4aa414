package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/authoring"
	"github.com/certlab/certlab/internal/cohort"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
)

// maxPageBytes is the most a page may weigh.
const maxPageBytes = 100 << 10

// pageURL is one URL that shows a page, and the browser (session) that
// may see it.
type pageURL struct {
	path string
	b    *browser
}

// seedPages fills a server with what every page needs and returns, for
// every GET page route of the web UI (Handler.Patterns), the URLs that show
// it: a visitor; a candidate with a finished practice set, a finished
// practice exam and a reset link; a candidate in the middle of a
// proctored exam; a candidate with an exam waiting to start. A route with
// no URL here makes the page tests fail, so a new page is never left out.
func seedPages(t testing.TB) (*testServer, []string, map[string][]pageURL) {
	t.Helper()
	// Credentials on (the admin's reviews, credentials and keys pages).
	a := apptest.Start(t, app.Config{Seed: func() int64 { return 20261125 },
		Credentials: &credential.Config{IssuerName: "certlab pages", KeySecret: []byte("pages-test-secret-0123456789")}})
	ts := &testServer{URL: a.URL, Store: a.Store, Catalog: a.Catalog, Engine: a.Engine, App: a.App}
	servers.Store(a.URL, ts)
	ctx := context.Background()
	anon := newBrowser(t, ts.URL)
	study := newBrowser(t, ts.URL)
	csrf := study.register("pages-study@example.com").csrf(t)
	taker := newBrowser(t, ts.URL)
	tcsrf := taker.register("pages-exam@example.com").csrf(t)
	waiter := newBrowser(t, ts.URL)
	waiter.register("pages-wait@example.com")

	// A finished practice set of every kind, answered (the first of each
	// kind wrong where it can be), with its review.
	p := study.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"practice"}, "count": {"24"}})
	practice := attemptURL.FindStringSubmatch(p.URL)[1]
	pa := mustAttempt(t, ts, practice)
	for i, q := range pa.Form.Questions() {
		f := formFor(itemOf(t, ts, q.Key), q.Key)
		if it := itemOf(t, ts, q.Key); i%2 == 0 && it.Type == certlab.TypeSingle {
			f.Set("answer", wrongOption(it))
		}
		if it := itemOf(t, ts, q.Key); it.Type == certlab.TypeYesNoSeries {
			f.Set("answer", "yes")
		}
		study.post("/attempts/"+practice+"/answer", f, csrf)
	}
	study.post("/attempts/"+practice+"/submit", url.Values{}, csrf)
	// A finished unproctored practice exam (the report of an exam).
	e := study.start(csrf, url.Values{"exam": {"az-400-practice"}, "mode": {"exam"}})
	examID := attemptURL.FindStringSubmatch(e.URL)[1]
	study.post("/attempts/"+examID+"/submit", url.Values{}, csrf)
	study.post("/programs/"+programID+"/modules/d3-yaml/read", url.Values{}, csrf)

	// An open proctored exam, some answers marked.
	x := taker.start(tcsrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	open := attemptURL.FindStringSubmatch(x.URL)[1]
	xa := mustAttempt(t, ts, open)
	first := xa.Form.Sections[0].Questions
	taker.post("/attempts/"+open+"/answer", url.Values{"key": {first[0].Key}, "seq": {"1"}, "marked": {"on"}}, tcsrf)

	// An exam waiting on its start page.
	wu, err := ts.Store.UserByEmail(ctx, "pages-wait@example.com")
	if err != nil {
		t.Fatal(err)
	}
	created, err := ts.Engine.CreateAttempt(ctx, wu, "az-400-practice", certlab.ModeExam, exam.PracticeOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// A password reset link.
	su, err := ts.Store.UserByEmail(ctx, "pages-study@example.com")
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := ts.App.Accounts.RequestReset(ctx, su.Email, time.Now())
	if err != nil || secret == "" {
		t.Fatalf("reset link: %v", err)
	}

	prog, err := ts.Catalog.Program(programID)
	if err != nil {
		t.Fatal(err)
	}
	var modules, questions, reviews []pageURL
	for _, m := range prog.Modules {
		modules = append(modules, pageURL{"/programs/" + programID + "/modules/" + m.ID, study})
	}
	for _, q := range first {
		questions = append(questions, pageURL{"/attempts/" + open + "?q=" + url.QueryEscape(q.Key), taker})
	}
	for n := range pa.Form.Questions() {
		reviews = append(reviews, pageURL{"/attempts/" + practice + "/questions/" + strconv.Itoa(n+1), study})
	}
	// The sandbox, walked by a visitor.
	sand := newBrowser(t, ts.URL)
	sand.get("/sandbox")
	sand.post("/sandbox/start", url.Values{}, "")
	for path, want := range map[string]string{"/sandbox": "sandbox", "/sandbox/question": "question"} {
		if p := sand.get(path); p.Status != http.StatusOK {
			t.Fatalf("%s (%s): %d", path, want, p.Status)
		}
	}

	// Staff: an author with a finished calibration, an instructor with a
	// cohort the studying candidate joined.
	author, au := staff(t, ts, "pages-author@example.org", "Ann Author", certlab.RoleAuthor)
	instructor, iu := staff(t, ts, "pages-instructor@example.org", "Ivo Instructor", certlab.RoleInstructor)
	simulate(t, ts, "az-400", 120, 10)
	run, err := ts.App.Authoring.StartCalibration(ctx, au, authoring.CalibrationRequest{Exam: "az-400", Model: "2pl", MinResponses: 50})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		r, err := ts.Store.CalibrationRun(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != certlab.RunRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the calibration did not finish")
		}
	}
	co, err := ts.App.Cohorts.Create(ctx, iu, cohort.CreateRequest{Name: "Pages cohort", Exam: "az-400", EndsAt: time.Now().Add(30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	study.post("/cohorts/join", url.Values{"code": {co.Code}}, csrf)
	ex, _ := ts.Catalog.Exam("az-400")
	anItem := ex.Items[0]
	aCase := ex.Cases[0]
	const aLab = "git-hotfix-cherry-pick"
	// A proctor, and a candidate in the lab section of an exam (the
	// question sections completed).
	proctor, _ := staff(t, ts, "pages-proctor@example.org", "Pia Proctor", certlab.RoleProctor)
	labber := newBrowser(t, ts.URL)
	lcsrf := labber.register("pages-lab@example.com").csrf(t)
	lx := labber.start(lcsrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	labAttempt := attemptURL.FindStringSubmatch(lx.URL)[1]
	la := mustAttempt(t, ts, labAttempt)
	var labKey string
	for n, sec := range la.Form.Sections {
		if sec.Kind == certlab.SectionLab {
			labKey = sec.Questions[0].Key
			break
		}
		labber.post(fmt.Sprintf("/attempts/%s/sections/%d/complete", labAttempt, n+1), url.Values{}, lcsrf)
	}
	if labKey == "" {
		t.Fatal("the az-400 form has no lab section")
	}
	tu, err := ts.Store.UserByEmail(ctx, "pages-exam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	admin := study // the first account is the admin
	// A credential (AZ-104 passed) and a declared external credential.
	holder, err := ts.App.Accounts.Create(ctx, "pages-holder@example.com", "Hana Holder", "correct horse battery staple", certlab.RoleCandidate)
	if err != nil {
		t.Fatal(err)
	}
	passExamOn(t, ts, time.Now(), holder, "az-104")
	creds, err := ts.Store.Credentials(ctx, certlab.CredentialFilter{UserID: &holder.ID})
	if err != nil || len(creds) == 0 {
		t.Fatalf("the holder's credentials: %v %v", creds, err)
	}
	earned := time.Now().AddDate(-1, 0, 0)
	ext, err := ts.App.Credentials.Declare(ctx, holder, credential.Declaration{Credential: "azure-developer-associate", Issuer: "Microsoft",
		Name: "Microsoft Certified: Azure Developer Associate", ExternalID: "AZ204-1", EarnedAt: &earned})
	if err != nil {
		t.Fatal(err)
	}
	takerAps, err := ts.Store.Appointments(ctx, certlab.AppointmentFilter{UserID: &tu.ID})
	if err != nil || len(takerAps) == 0 {
		t.Fatalf("the exam taker's appointments: %v %v", takerAps, err)
	}
	runPath := fmt.Sprintf("/author/calibrations/%d", run.ID)
	cohortPath := fmt.Sprintf("/instructor/cohorts/%d", co.ID)

	urls := map[string][]pageURL{
		"GET /{$}":                                 {{"/", study}, {"/", taker}},
		"GET /signin":                              {{"/signin", anon}},
		"GET /register":                            {{"/register", anon}},
		"GET /password-reset":                      {{"/password-reset", anon}},
		"GET /password-reset/new":                  {{"/password-reset/new?token=" + url.QueryEscape(secret), anon}},
		"GET /account":                             {{"/account", study}},
		"GET /programs/{id}":                       {{"/programs/" + programID, study}},
		"GET /programs/{id}/modules/{module}":      modules,
		"GET /exams/{id}/start":                    {{"/exams/az-400/start", study}, {"/exams/az-400-practice/start", study}},
		"GET /attempts/{id}/start":                 {{fmt.Sprintf("/attempts/%d/start", created.ID), waiter}},
		"GET /attempts/{id}":                       questions,
		"GET /attempts/{id}/review":                {{"/attempts/" + open + "/review", taker}, {"/attempts/" + open + "/review?show=marked", taker}},
		"GET /attempts/{id}/sections/{n}/complete": {{"/attempts/" + open + "/sections/1/complete", taker}},
		"GET /attempts/{id}/submit":                {{"/attempts/" + open + "/submit", taker}},
		"GET /attempts/{id}/report":                {{"/attempts/" + practice + "/report", study}, {"/attempts/" + examID + "/report", study}},
		"GET /attempts/{id}/questions":             {{"/attempts/" + practice + "/questions", study}},
		"GET /attempts/{id}/questions/{n}":         reviews,
		"GET /appointments":                        {{"/appointments", study}},
		"GET /accommodations":                      {{"/accommodations", study}},
		"GET /wallet":                              {{"/wallet", study}},
		"GET /sandbox":                             {{"/sandbox", anon}, {"/sandbox", sand}},
		"GET /sandbox/question":                    {{"/sandbox/question", sand}},
		"GET /sandbox/review":                      {{"/sandbox/review", sand}},
		"GET /sandbox/sections/{n}/complete":       {{"/sandbox/sections/1/complete", sand}},
		"GET /sandbox/submit":                      {{"/sandbox/submit", sand}},
		"GET /author":                              {{"/author", author}, {"/author?q=pipeline", author}},
		"GET /author/lint":                         {{"/author/lint", author}},
		"GET /author/items/{exam}/{item}":          {{"/author/items/az-400/" + anItem.ID, author}},
		"GET /author/cases/{exam}/{case}":          {{"/author/cases/az-400/" + aCase.ID, author}},
		"GET /author/modules/{program}/{module}":   {{"/author/modules/" + programID + "/" + prog.Modules[0].ID, author}},
		"GET /author/labs/{lab}":                   {{"/author/labs/" + aLab, author}},
		"GET /author/analysis":                     {{"/author/analysis?exam=az-400", author}},
		"GET /author/calibrations/{id}":            {{runPath, author}},
		"GET /author/calibrations/{id}/report":     {{runPath + "/report", author}},
		"GET /instructor":                          {{"/instructor", instructor}},
		"GET /instructor/cohorts/{id}":             {{cohortPath, instructor}},
		"GET /instructor/cohorts/{id}/export.csv":  {{cohortPath + "/export.csv", instructor}},
		"GET /cohorts":                             {{"/cohorts", study}},
		"GET /cohorts/join":                        {{"/cohorts/join?code=" + co.Code, study}},
		"GET /admin":                               {{"/admin", admin}},
		"GET /admin/users":                         {{"/admin/users", admin}, {"/admin/users?role=candidate", admin}},
		"GET /admin/users/new":                     {{"/admin/users/new", admin}},
		"GET /admin/users/{id}":                    {{fmt.Sprintf("/admin/users/%d", tu.ID), admin}},
		"GET /admin/reviews":                       {{"/admin/reviews", admin}},
		"GET /admin/credentials":                   {{"/admin/credentials", admin}},
		"GET /admin/credentials/{id}":              {{fmt.Sprintf("/admin/credentials/%d", creds[0].ID), admin}},
		"GET /admin/reviews/{id}":                  {{fmt.Sprintf("/admin/reviews/%d", ext.ID), admin}},
		"GET /proctor/appointments/{id}":           {{fmt.Sprintf("/proctor/appointments/%d", takerAps[0].ID), proctor}},
		"GET /admin/keys":                          {{"/admin/keys", admin}},
		"GET /admin/audit":                         {{"/admin/audit", admin}},
		"GET /admin/audit.csv":                     {{"/admin/audit.csv", admin}},
		"GET /proctor":                             {{"/proctor", proctor}},
		"GET /proctor/live":                        {{"/proctor/live", proctor}},
		"GET /proctor/attempts/{id}":               {{"/proctor/attempts/" + open, proctor}},
		"GET /programs/{id}/labs":                  {{"/programs/" + programID + "/labs", study}},
		"GET /labs/{lab}":                          {{"/labs/" + aLab, study}},
		"GET /labs/{lab}/workspace":                {{"/labs/" + aLab + "/workspace", study}},
		"GET /attempts/{id}/labs/{key}":            {{"/attempts/" + labAttempt + "/labs/" + url.PathEscape(labKey), labber}},
		"GET /attempts/{id}/labs/{key}/workspace":  {{"/attempts/" + labAttempt + "/labs/" + url.PathEscape(labKey) + "/workspace", labber}},
	}

	var routes []string
	for _, p := range ts.App.Web.Patterns() {
		if !strings.HasPrefix(p, "GET ") || p == "GET /static/{hash}/{name}" {
			continue
		}
		routes = append(routes, p)
	}
	return ts, routes, urls
}

// TestEveryPageUnder100KB fetches every page of the web UI, in every
// variant seedPages makes (every module, every question of a case study,
// every reviewed practice question): each answers 200 and weighs at most
// 100 KB.
func TestEveryPageUnder100KB(t *testing.T) {
	t.Parallel()
	_, routes, urls := seedPages(t)
	type sized struct {
		path string
		n    int
	}
	var all []sized
	for _, route := range routes {
		us, ok := urls[route]
		if !ok || len(us) == 0 {
			t.Errorf("page route %s has no URL in seedPages: add one, so the page is measured", route)
			continue
		}
		for _, u := range us {
			p := u.b.get(u.path)
			if p.Status != http.StatusOK || p.URL != u.path {
				t.Errorf("%s (%s): %d at %s, want 200 there\n%s", route, u.path, p.Status, p.URL, text(p.Body))
				continue
			}
			if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
				continue // a download (workspace, CSV), not a page
			}
			all = append(all, sized{u.path, len(p.Body)})
			if len(p.Body) > maxPageBytes {
				t.Errorf("%s is %d KB, more than %d KB", u.path, len(p.Body)>>10, maxPageBytes>>10)
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n })
	for _, s := range all[:min(5, len(all))] {
		t.Logf("largest: %6.1f KB %s", float64(s.n)/1024, s.path)
	}
	t.Logf("%d routes, %d pages measured", len(routes), len(all))
}

// BenchmarkPages renders every page of the web UI through the whole
// handler (middleware, session, store, templates), without the network:
// one sub-benchmark per route, on its largest variant. It reports the
// 95th percentile of the server-side render time and the page's size.
//
//	go test ./internal/web -run '^$' -bench BenchmarkPages -benchtime 200x
func BenchmarkPages(b *testing.B) {
	ts, routes, urls := seedPages(b)
	h := ts.App.Handler()
	for _, route := range routes {
		us := urls[route]
		if len(us) == 0 {
			b.Errorf("page route %s has no URL in seedPages", route)
			continue
		}
		// The largest variant.
		best, size := us[0], -1
		for _, u := range us {
			if n := len(u.b.get(u.path).Body); n > size {
				best, size = u, n
			}
		}
		req := httptest.NewRequest(http.MethodGet, best.path, nil)
		base, _ := url.Parse(ts.URL)
		for _, c := range best.b.c.Jar.Cookies(base) {
			req.AddCookie(c)
		}
		b.Run(strings.TrimPrefix(route, "GET "), func(b *testing.B) {
			var times []time.Duration
			bytes := 0
			for b.Loop() {
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req.Clone(context.Background()))
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", best.path, rec.Code)
				}
				bytes = rec.Body.Len()
			}
			slices.Sort(times)
			p95 := times[(len(times)*95+99)/100-1]
			b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(bytes)/1024, "KB")
		})
	}
}
