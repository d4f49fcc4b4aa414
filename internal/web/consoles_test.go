package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

// staff creates an account with the role and signs a browser in with it.
func staff(t testing.TB, ts *testServer, email, name, role string) (*browser, *certlab.User) {
	t.Helper()
	u, err := ts.App.Accounts.Create(context.Background(), email, name, "correct horse battery", role)
	if err != nil {
		t.Fatalf("create %s: %v", role, err)
	}
	b := newBrowser(t, ts.URL)
	if p := b.post("/signin", url.Values{"email": {email}, "password": {"correct horse battery"}}, ""); p.Status != http.StatusOK {
		t.Fatalf("sign in %s: %d\n%s", email, p.Status, text(p.Body))
	}
	b.email = email
	return b, u
}

// pickItem finds an item of the exam's pool that the predicate accepts.
func pickItem(t testing.TB, ts *testServer, examID, pool string, ok func(*certlab.Item) bool) *certlab.Item {
	t.Helper()
	ex, err := ts.Catalog.Exam(examID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range ex.Items {
		if it.Pool == pool && ok(it) {
			return it
		}
	}
	t.Fatalf("no %s-pool item of %s fits", pool, examID)
	return nil
}

// singleChoice accepts items answered by choosing one option.
func singleChoice(it *certlab.Item) bool {
	_, one := item.Of(it).Key(it, "").(string)
	return one && len(it.Options) > 1 && it.CaseID == "" && !it.Pilot
}

func wantPage(t testing.TB, p page, status int, contains ...string) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", p.URL, p.Status, status, text(p.Body))
	}
	for _, c := range contains {
		if !strings.Contains(p.Body, c) && !strings.Contains(text(p.Body), c) {
			t.Fatalf("%s does not say %q:\n%s", p.URL, c, text(p.Body))
		}
	}
}

func TestAuthorConsole(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ctx := context.Background()
	author, au := staff(t, ts, "author@example.org", "Ann Author", certlab.RoleAuthor)

	t.Run("roles", func(t *testing.T) {
		cand, _ := staff(t, ts, "cand-roles@example.org", "Cand", certlab.RoleCandidate)
		inst, _ := staff(t, ts, "inst-roles@example.org", "Inst", certlab.RoleInstructor)
		for _, b := range []*browser{cand, inst} {
			for _, path := range []string{"/author", "/author/lint", "/author/analysis"} {
				if p := b.get(path); p.Status != http.StatusForbidden {
					t.Errorf("%s as %s: %d, want 403", path, b.email, p.Status)
				}
			}
		}
		if p := newBrowser(t, ts.URL).get("/author"); !strings.HasPrefix(p.URL, "/signin?next=") {
			t.Errorf("a visitor at /author went to %s, want the sign-in page", p.URL)
		}
		admin, _ := staff(t, ts, "admin-roles@example.org", "Admin", certlab.RoleAdmin)
		wantPage(t, admin.get("/author"), http.StatusOK, "Author console")
	})

	t.Run("browse and search", func(t *testing.T) {
		all := author.get("/author")
		wantPage(t, all, http.StatusOK, "Search the bank", "Lint:")
		p := author.get("/author?" + url.Values{"q": {"kind:item"}, "pool": {"exam"}, "exam": {"az-400"}}.Encode())
		ex, _ := ts.Catalog.Exam("az-400")
		n := 0
		for _, it := range ex.Items {
			if it.Pool == certlab.PoolExam {
				n++
			}
		}
		wantPage(t, p, http.StatusOK, fmt.Sprintf("%d entries", n), "exam:az-400 pool:exam kind:item")
		if strings.Contains(p.Body, "/author/cases/") || strings.Contains(p.Body, "/author/labs/") {
			t.Error("kind:item lists cases or labs")
		}
		for _, kind := range []string{"case", "module", "lab"} {
			wantPage(t, author.get("/author?q=kind:"+kind), http.StatusOK, "/author/"+kind+"s/")
		}
		it := pickItem(t, ts, "az-400", certlab.PoolPractice, singleChoice)
		p = author.get("/author?q=" + url.QueryEscape(it.ID))
		wantPage(t, p, http.StatusOK, "/author/items/"+it.ExamID+"/"+it.ID)
		bad := author.get("/author?q=" + url.QueryEscape("color:red"))
		wantPage(t, bad, http.StatusBadRequest, `unknown filter "color:"`)
		wantPage(t, author.get("/author/lint"), http.StatusOK, "Lint results", "errors")
	})

	t.Run("previews", func(t *testing.T) {
		it := pickItem(t, ts, "az-400", certlab.PoolExam, singleChoice)
		p := author.get("/author/items/" + it.ExamID + "/" + it.ID)
		wantPage(t, p, http.StatusOK, "As the candidate sees it", "Key and explanation", "(key)", `type="radio"`)
		if !strings.Contains(p.Body, `id="stem"`) {
			t.Error("the preview has no stem")
		}
		yn := pickItem(t, ts, "az-400", certlab.PoolPractice, func(it *certlab.Item) bool { return len(it.Statements) > 1 })
		p = author.get("/author/items/" + yn.ExamID + "/" + yn.ID + "?statement=" + yn.Statements[1].ID)
		wantPage(t, p, http.StatusOK, "This statement", `aria-current="true"`)
		wantPage(t, author.get("/author/items/az-400/no-such-item"), http.StatusNotFound, "no item")
		wantPage(t, author.get("/author/items/"+yn.ExamID+"/"+yn.ID+"?statement=zz"), http.StatusNotFound, "no statement")
		ex, _ := ts.Catalog.Exam("az-400")
		c := ex.Cases[0]
		wantPage(t, author.get("/author/cases/az-400/"+c.ID), http.StatusOK, c.Title, "Its questions")
		prog, _ := ts.Catalog.Program(ex.ProgramID)
		m := prog.Modules[0]
		wantPage(t, author.get("/author/modules/"+prog.ID+"/"+m.ID), http.StatusOK, m.Title)
		p = author.get("/author?q=kind:lab")
		lab := regexp.MustCompile(`/author/labs/([a-z0-9.-]+)`).FindStringSubmatch(p.Body)
		if lab == nil {
			t.Fatal("no lab listed")
		}
		wantPage(t, author.get(lab[0]), http.StatusOK, "Tasks and their checks", "as the candidate reads them")
	})

	t.Run("flag and retire", func(t *testing.T) {
		it := pickItem(t, ts, "az-400", certlab.PoolExam, func(it *certlab.Item) bool { return singleChoice(it) && it.ID != "" })
		ref := certlab.ItemRef{ExamID: it.ExamID, ItemID: it.ID}
		base := "/author/items/" + it.ExamID + "/" + it.ID
		csrf := author.get(base).csrf(t)
		unchanged := func() {
			t.Helper()
			st, _ := ts.Store.ItemStatuses(ctx)
			if st[ref] != nil {
				t.Fatalf("a refused form changed the item: %+v", st[ref])
			}
		}
		wantPage(t, author.post(base+"/flag", url.Values{"flagged": {"on"}, "note": {"   "}}, csrf), http.StatusBadRequest, "a note saying what is wrong with the item is required")
		unchanged()
		wantPage(t, author.post(base+"/retire", url.Values{"action": {"retire"}, "reason": {""}}, csrf), http.StatusBadRequest, "a reason is required")
		unchanged()
		wantPage(t, author.post("/author/items/az-400/no-such-item/flag", url.Values{"note": {"x"}}, csrf), http.StatusNotFound, "no item")
		wantPage(t, author.post("/author/items/no-exam/"+it.ID+"/retire", url.Values{"reason": {"x"}}, csrf), http.StatusNotFound, "not found")
		unchanged()

		p := author.post(base+"/flag", url.Values{"flagged": {"on"}, "note": {"Option C is also right since the 2025 change"}}, csrf)
		wantPage(t, p, http.StatusOK, "Flagged", "Option C is also right since the 2025 change")
		p = author.post(base+"/retire", url.Values{"action": {"retire"}, "reason": {"replaced by a rewritten item"}}, csrf)
		wantPage(t, p, http.StatusOK, "Retired", "New forms leave it out")
		wantPage(t, author.post(base+"/retire", url.Values{"action": {"retire"}, "reason": {"again"}}, csrf), http.StatusConflict, "already retired")
		wantPage(t, author.get("/author?q=is:retired%20is:flagged"), http.StatusOK, it.ID)
		entries, err := ts.Store.AuditEntries(ctx, certlab.AuditFilter{Target: "item:" + it.ExamID + "/" + it.ID})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit entries %v %v, want a flag and a retirement", entries, err)
		}
		for _, e := range entries {
			if e.ActorID != au.ID || e.Role != certlab.RoleAuthor || e.Detail == "" {
				t.Errorf("audit entry %+v lacks the actor or the reason", e)
			}
		}
		if entries[0].Action != "item.retire" || entries[0].Detail != "replaced by a rewritten item" {
			t.Errorf("newest audit entry %+v, want the retirement with its reason", entries[0])
		}
	})
}

// simulate stores the results of n simulated candidates on practice-pool
// single-choice items of the exam through the store's own paths (an
// attempt, a response per question, the scored report), answering by a
// 2PL model: the key with probability P(θ), otherwise a distractor. It
// returns the items used.
func simulate(t testing.TB, ts *testServer, examID string, n, m int) []*certlab.Item {
	t.Helper()
	ctx := context.Background()
	ex, _ := ts.Catalog.Exam(examID)
	var items []*certlab.Item
	for _, it := range ex.Items {
		if it.Pool == certlab.PoolPractice && singleChoice(it) && len(items) < m {
			items = append(items, it)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	b := make([]float64, len(items))
	for j := range b {
		b[j] = rng.NormFloat64()
	}
	now := time.Now().UTC().Add(-time.Hour)
	for i := 0; i < n; i++ {
		u := &certlab.User{Email: fmt.Sprintf("sim%03d@example.org", i), Name: fmt.Sprintf("Simulated Person %03d", i), Role: certlab.RoleCandidate, PasswordHash: "x"}
		if err := ts.Store.CreateUser(ctx, u, false); err != nil {
			t.Fatal(err)
		}
		sec := &certlab.FormSection{Kind: certlab.SectionGeneral, Title: "Practice"}
		for _, it := range items {
			sec.Questions = append(sec.Questions, &certlab.Question{Key: it.ID, ItemID: it.ID})
		}
		deadline := now.Add(2 * time.Hour)
		a := &certlab.Attempt{UserID: u.ID, ExamID: examID, Mode: certlab.ModePractice, Status: certlab.StatusStarted, Form: &certlab.Form{ExamID: examID, Sections: []*certlab.FormSection{sec}},
			CreatedAt: now, StartedAt: &now, Deadline: &deadline}
		if err := ts.Store.CreateAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
		theta := rng.NormFloat64()
		rep := &certlab.Report{ExamID: examID, Mode: certlab.ModePractice}
		for j, it := range items {
			key := item.Of(it).Key(it, "").(string)
			chosen := key
			correct := rng.Float64() < 1/(1+math.Exp(-1.4*(theta-b[j])))
			if !correct {
				for chosen == key {
					chosen = it.Options[rng.IntN(len(it.Options))].ID
				}
			}
			v, _ := json.Marshal(chosen)
			if _, _, err := ts.Store.SaveResponse(ctx, &certlab.Response{AttemptID: a.ID, Key: it.ID, Seq: 1, Value: v, SavedAt: now}, 0, 0, now); err != nil {
				t.Fatal(err)
			}
			pts := 0.0
			if correct {
				pts = 1
			}
			rep.Questions = append(rep.Questions, certlab.QuestionResult{Key: it.ID, ItemID: it.ID, Points: pts, MaxPoints: 1})
		}
		at := now.Add(time.Minute)
		a.Status, a.SubmittedAt, a.SubmitReason, a.Report = certlab.StatusScored, &at, "candidate", rep
		rep.SubmittedAt = at
		if err := ts.Store.UpdateAttempt(ctx, a, certlab.StatusStarted, 0); err != nil {
			t.Fatal(err)
		}
	}
	return items
}

var runURL = regexp.MustCompile(`^/author/calibrations/(\d+)$`)

// TestCalibrationFromStoredResults starts a calibration from the author
// console, follows its progress page to the result, reads the item
// analysis (parameters with standard errors, distractors) and the HTML
// report, applies the parameters, and checks that no candidate's e-mail
// or name appears on any author page.
func TestCalibrationFromStoredResults(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ctx := context.Background()
	items := simulate(t, ts, "az-400", 160, 12)
	author, _ := staff(t, ts, "author@example.org", "Ann Author", certlab.RoleAuthor)
	csrf := author.get("/author/analysis?exam=az-400").csrf(t)

	var seen []page
	keep := func(p page) page { seen = append(seen, p); return p }
	wantPage(t, keep(author.post("/author/calibrations", url.Values{"exam": {"az-400"}, "model": {"4pl"}}, csrf)), http.StatusBadRequest, "use rasch, 2pl, 3pl")
	wantPage(t, author.post("/author/calibrations", url.Values{"exam": {"az-400"}, "min_responses": {"many"}}, csrf), http.StatusBadRequest, "not a whole number")
	wantPage(t, author.post("/author/calibrations", url.Values{"exam": {"nope"}}, csrf), http.StatusNotFound, "not found")
	if runs, _ := ts.Store.CalibrationRuns(ctx, "", 10); len(runs) != 0 {
		t.Fatalf("refused requests started %d runs", len(runs))
	}
	p := keep(author.post("/author/calibrations", url.Values{"exam": {"az-400"}, "model": {"2pl"}, "min_responses": {"100"}}, csrf))
	m := runURL.FindStringSubmatch(p.URL)
	if p.Status != http.StatusOK || m == nil {
		t.Fatalf("start: %d at %s\n%s", p.Status, p.URL, text(p.Body))
	}
	deadline := time.Now().Add(60 * time.Second)
	for p.Header.Get("Refresh") != "" {
		wantPage(t, p, http.StatusOK, "<progress", "Stop reloading")
		if stop := author.get(p.URL + "?follow=off"); stop.Header.Get("Refresh") != "" || strings.Contains(stop.Body, "Stop reloading") {
			t.Fatal("?follow=off still reloads")
		}
		if time.Now().After(deadline) {
			t.Fatalf("the calibration did not finish:\n%s", text(p.Body))
		}
		time.Sleep(200 * time.Millisecond)
		p = keep(author.get(p.URL))
	}
	wantPage(t, p, http.StatusOK, "Done", "160 candidates", "12 items", "converged", "Apply the parameters")
	run := p.URL

	it := items[0]
	ip := keep(author.get("/author/items/" + it.ExamID + "/" + it.ID))
	wantPage(t, ip, http.StatusOK, "Item analysis", "160 candidates answered it", "Distractor analysis", "(key)")
	if !regexp.MustCompile(`\d\.\d\d \(0\.\d\d\)`).MatchString(ip.Body) {
		t.Errorf("the item page shows no parameter with its standard error:\n%s", text(ip.Body))
	}
	an := keep(author.get("/author/analysis?exam=az-400"))
	wantPage(t, an, http.StatusOK, "Latest result", it.ID)

	rep := keep(author.get(run + "/report"))
	wantPage(t, rep, http.StatusOK, "<svg", it.ID)
	if csp := rep.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") && !strings.Contains(csp, "script-src 'none'") {
		t.Errorf("report CSP %q allows more than styles", csp)
	}
	if strings.Contains(rep.Body, "<script") {
		t.Error("the report has a script")
	}

	wantPage(t, author.post(run+"/apply", url.Values{"reason": {" "}}, csrf), http.StatusBadRequest, "a reason is required")
	if ps, _ := ts.App.Store.ItemParams(ctx, "az-400"); len(ps) != 0 {
		t.Fatalf("a refused apply wrote %d parameters", len(ps))
	}
	wantPage(t, keep(author.post(run+"/apply", url.Values{"reason": {"first calibration of the practice pool"}}, csrf)), http.StatusOK, "Applied on")
	ps, err := ts.App.Store.ItemParams(ctx, "az-400")
	if err != nil || len(ps) != 12 || ps[it.ID].A <= 0 {
		t.Fatalf("applied parameters %v %v", ps, err)
	}
	wantPage(t, author.post(run+"/apply", url.Values{"reason": {"again"}}, csrf), http.StatusConflict, "already applied")
	if es, _ := ts.Store.AuditEntries(ctx, certlab.AuditFilter{Action: "calibration.apply"}); len(es) != 1 || !strings.Contains(es[0].Detail, "first calibration") {
		t.Fatalf("apply audit %v", es)
	}

	// Authors never see who the candidates are.
	for _, path := range []string{"/author", "/author/lint", "/author?q=is:flagged", "/author/analysis?exam=az-400"} {
		seen = append(seen, author.get(path))
	}
	identity := regexp.MustCompile(`sim\d{3}@example\.org|Simulated Person`)
	for _, p := range seen {
		if who := identity.FindString(p.Body); who != "" {
			t.Errorf("%s shows a candidate's identity (%q)", p.URL, who)
		}
	}
	// The check can fail: the candidates are in the store.
	if u, err := ts.Store.UserByEmail(ctx, "sim042@example.org"); err != nil || !identity.MatchString(u.Email+" "+u.Name) {
		t.Fatalf("simulated candidate: %v %v", u, err)
	}
}
