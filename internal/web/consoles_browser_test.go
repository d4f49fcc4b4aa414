package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/exam"
)

// signInAt signs the browser in through the sign-in page.
func signInAt(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	do(t, ctx, "sign in "+email,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), email),
		chromedp.SendKeys(css("#password"), "correct horse battery"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css("h1.dashboard")),
	)
}

func signOutAt(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "sign out", chromedp.Click(css(`form[action="/signout"] button`)), chromedp.WaitVisible(css("#email")))
}

// examForm creates a proctored AZ-400 attempt for the candidate through
// the server's engine (the form is assembled from the server's fixed
// seed), submits it at once and returns its form.
func examForm(t *testing.T, ts *testServer, u *certlab.User) *certlab.Form {
	t.Helper()
	ctx := context.Background()
	a, err := ts.Engine.CreateAttempt(ctx, u, "az-400", certlab.ModeExam, exam.PracticeOptions{Appointment: apptest.Admit(t, ts.App, time.Now(), u, "az-400")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Engine.Start(ctx, u, a.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Engine.Submit(ctx, u, a.ID); err != nil {
		t.Fatal(err)
	}
	return a.Form
}

// TestBrowserAuthorDay: an author's day in headless Chromium. She searches
// the bank, previews an exam item with its key and explanation, reads the
// lint results and a case study, starts a calibration and follows its
// progress to the result, then flags and retires the item; a form
// assembled afterwards from the same seed no longer holds it, while one
// assembled before did. Every console page passes auditPage.
func TestBrowserAuthorDay(t *testing.T) {
	ts := startServer(t)
	bg := context.Background()
	if _, err := ts.App.Accounts.Create(bg, "ann@example.org", "Ann Author", "correct horse battery", certlab.RoleAuthor); err != nil {
		t.Fatal(err)
	}
	cand, err := ts.App.Accounts.Create(bg, "sam@example.org", "Sam Candidate", "correct horse battery", certlab.RoleCandidate)
	if err != nil {
		t.Fatal(err)
	}
	// The form before: pick a general question of it to retire.
	before := examForm(t, ts, cand)
	var target *certlab.Question
	for _, s := range before.Sections {
		for _, q := range s.Questions {
			if s.Kind == certlab.SectionGeneral && !q.Pilot && q.Statement == "" {
				target = q
			}
		}
	}
	if target == nil {
		t.Fatal("no general question in the form")
	}
	ex, _ := ts.Catalog.Exam("az-400")
	it, _ := ex.Item(target.ItemID)

	ctx := newChromium(t)
	signInAt(t, ctx, ts.URL, "ann@example.org")
	do(t, ctx, "author console", chromedp.Click(css(`a.nav[href="/author"]`)), chromedp.WaitVisible(css("#q")))
	auditPage(t, ctx, "author browse")
	screenshot(t, ctx, "web-author-browse")
	do(t, ctx, "search",
		chromedp.SendKeys(css("#q"), it.ID),
		chromedp.SetValue(css("#f-pool"), "exam"),
		chromedp.Click(css(`form.search button[type=submit]`)),
		chromedp.WaitVisible(css(`a[href="/author/items/`+it.ExamID+`/`+it.ID+`"]`)),
	)
	do(t, ctx, "open the item", chromedp.Click(css(`a[href="/author/items/`+it.ExamID+`/`+it.ID+`"]`)), chromedp.WaitVisible(css("#key-title")))
	preview := get(t, ctx, "read the preview", chromedp.Text(css("main")))
	for _, want := range []string{"As the candidate sees it", "The answer", "Explanation", "exam pool"} {
		if !strings.Contains(preview, want) {
			t.Fatalf("the preview lacks %q:\n%s", want, preview)
		}
	}
	auditPage(t, ctx, "author item")
	screenshot(t, ctx, "web-author-item")

	// Flag and retire the item.
	do(t, ctx, "flag",
		chromedp.Navigate(ts.URL+"/author/items/"+it.ExamID+"/"+it.ID),
		chromedp.WaitVisible(css("#note")),
		chromedp.Click(css(`form[action$="/flag"] button[value=on]`)),
		chromedp.WaitVisible(css(".alert")),
	)
	if msg := get(t, ctx, "read the refusal", chromedp.Text(css(".alert"))); !strings.Contains(msg, "is required") {
		t.Fatalf("flag without a note: %q", msg)
	}
	do(t, ctx, "flag with a note",
		chromedp.SendKeys(css("#note"), "Two options are defensible since the portal change"),
		chromedp.Click(css(`form[action$="/flag"] button[value=on]`)),
		// Only the flagged item's page has "Clear the flag": the form
		// below is then the new page's, not the one being left.
		chromedp.WaitVisible(css(`form[action$="/flag"] button[value=off]`)),
		chromedp.SendKeys(css("#reason"), "Replaced by a rewritten item"),
		chromedp.Click(css(`form[action$="/retire"] button`)),
		chromedp.WaitVisible(css(`form[action$="/retire"] button[value=reinstate]`)),
	)
	status := get(t, ctx, "read the status", chromedp.Text(css("#status")))
	if !strings.Contains(status, "Flagged") || !strings.Contains(status, "Two options are defensible") || !strings.Contains(status, "Retired") {
		t.Fatalf("status after flag and retire:\n%s", status)
	}
	auditPage(t, ctx, "author item retired")
	screenshot(t, ctx, "web-author-retired")
	do(t, ctx, "retired items", chromedp.Navigate(ts.URL+"/author?is=retired"), chromedp.WaitVisible(css(`a[href="/author/items/`+it.ExamID+`/`+it.ID+`"]`)))

	// The form after: the same seed, without the retired item.
	after := examForm(t, ts, cand)
	if _, _, ok := after.Question(target.Key); ok {
		t.Fatalf("a form assembled after the retirement holds %s", it.ID)
	}
	if _, _, ok := before.Question(target.Key); !ok {
		t.Fatal("the form before lost the item")
	}
	if err := exam.CheckForm(ex, after); err != nil {
		t.Fatalf("the new form breaks the blueprint: %v", err)
	}
	// No candidate's identity on what the author saw.
	if body := get(t, ctx, "page", chromedp.OuterHTML(css("html"))); regexp.MustCompile(`Sam Candidate|sam@example`).MatchString(body) {
		t.Fatal("an author page shows a candidate")
	}
}

// TestBrowserAuthorPages: the author's other pages (lint, a case study, a
// module, a lab) in headless Chromium pass auditPage.
func TestBrowserAuthorPages(t *testing.T) {
	ts := startServer(t)
	if _, err := ts.App.Accounts.Create(context.Background(), "ann@example.org", "Ann Author", "correct horse battery", certlab.RoleAuthor); err != nil {
		t.Fatal(err)
	}
	ex, _ := ts.Catalog.Exam("az-400")
	ctx := newChromium(t)
	signInAt(t, ctx, ts.URL, "ann@example.org")
	do(t, ctx, "author console", chromedp.Navigate(ts.URL+"/author"), chromedp.WaitVisible(css("#q")))
	do(t, ctx, "lint", chromedp.Click(css(`.subnav a[href="/author/lint"]`)), chromedp.WaitVisible(css(".card")))
	auditPage(t, ctx, "author lint")
	do(t, ctx, "a case study", chromedp.Navigate(ts.URL+"/author/cases/az-400/"+ex.Cases[0].ID), chromedp.WaitVisible(css(".case")))
	auditPage(t, ctx, "author case")
	prog, _ := ts.Catalog.Program(ex.ProgramID)
	do(t, ctx, "a module", chromedp.Navigate(ts.URL+"/author/modules/"+prog.ID+"/"+prog.Modules[0].ID), chromedp.WaitVisible(css("article.module")))
	auditPage(t, ctx, "author module")
	do(t, ctx, "labs", chromedp.Navigate(ts.URL+"/author?q=kind:lab"), chromedp.Click(css(`table.bank a[href^="/author/labs/"]`)), chromedp.WaitVisible(css("#key-title")))
	auditPage(t, ctx, "author lab")

	if body := get(t, ctx, "page", chromedp.OuterHTML(css("html"))); regexp.MustCompile(`sim\d{3}@|Simulated Person`).MatchString(body) {
		t.Fatal("an author page shows a candidate")
	}
}

// TestBrowserInstructorDay: an instructor creates a cohort, a candidate
// joins with its link, the instructor assigns a module, the candidate reads
// it from the dashboard and marks it read, and the instructor sees it
// completed. Every page passes auditPage.
func TestBrowserInstructorDay(t *testing.T) {
	ts := startServer(t)
	ctx := newChromium(t)
	bg := context.Background()
	if _, err := ts.App.Accounts.Create(bg, "ivy@example.org", "Ivy Instructor", "correct horse battery", certlab.RoleInstructor); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.App.Accounts.Create(bg, "cal@example.org", "Cal Candidate", "correct horse battery", certlab.RoleCandidate); err != nil {
		t.Fatal(err)
	}
	ends := time.Now().UTC().Add(60 * 24 * time.Hour).Format("2006-01-02")
	due := time.Now().UTC().Add(14 * 24 * time.Hour).Format("2006-01-02")

	signInAt(t, ctx, ts.URL, "ivy@example.org")
	do(t, ctx, "instructor console", chromedp.Click(css(`a.nav[href="/instructor"]`)), chromedp.WaitVisible(css("#name")))
	auditPage(t, ctx, "instructor home")
	do(t, ctx, "create a cohort",
		chromedp.SendKeys(css("#name"), "Evening AZ-400"),
		chromedp.SetValue(css("#exam"), "az-400"),
		chromedp.SetValue(css("#ends"), ends),
		chromedp.Click(css(`form[action="/instructor/cohorts"] button`)),
		chromedp.WaitVisible(css(".join-code")),
	)
	link := get(t, ctx, "read the join link", chromedp.AttributeValue(css(`#join-title ~ p a[href^="/cohorts/join"]`), "href")).Value
	cohortPage := get(t, ctx, "cohort URL", chromedp.Location())
	auditPage(t, ctx, "instructor cohort, empty")
	signOutAt(t, ctx)

	signInAt(t, ctx, ts.URL, "cal@example.org")
	do(t, ctx, "follow the join link", chromedp.Navigate(ts.URL+link), chromedp.WaitVisible(css("#code")))
	auditPage(t, ctx, "cohorts join")
	do(t, ctx, "join", chromedp.Click(css(`form[action="/cohorts/join"] button`)), chromedp.WaitVisible(css(`section[id^="cohort-"]`)))
	if txt := get(t, ctx, "cohort page", chromedp.Text(css("main"))); !strings.Contains(txt, "Evening AZ-400") || !strings.Contains(txt, "led by Ivy Instructor") {
		t.Fatalf("after joining:\n%s", txt)
	}
	auditPage(t, ctx, "cohorts")
	signOutAt(t, ctx)

	signInAt(t, ctx, ts.URL, "ivy@example.org")
	do(t, ctx, "assign a module",
		chromedp.Navigate(cohortPage),
		chromedp.WaitVisible(css("#module")),
		chromedp.SetValue(css("#due"), due),
		chromedp.Click(css(`button[name=kind][value=module]`)),
		chromedp.WaitVisible(css(".assignment-list")),
	)
	assigned := get(t, ctx, "assignment", chromedp.Text(css(".assignment-list")))
	auditPage(t, ctx, "instructor cohort, assigned")
	signOutAt(t, ctx)

	signInAt(t, ctx, ts.URL, "cal@example.org")
	dash := get(t, ctx, "dashboard", chromedp.Text(css(".assignments")))
	if !strings.Contains(dash, strings.TrimSpace(strings.SplitN(assigned, "·", 2)[0])) {
		t.Fatalf("the dashboard does not list %q:\n%s", assigned, dash)
	}
	auditPage(t, ctx, "dashboard with assignments")
	screenshot(t, ctx, "web-dashboard-assignments")
	do(t, ctx, "read the module", chromedp.Click(css(`.assignments form[action$="/start"] button`)), chromedp.WaitVisible(css("article.module")))
	do(t, ctx, "mark it read",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(css(".assignments")),
		chromedp.Click(css(`.assignments form[action$="/done"] button`)),
	)
	// Back on the dashboard, the read module is no longer listed.
	do(t, ctx, "the module leaves the dashboard", chromedp.WaitNotPresent(css(".assignments")), chromedp.WaitVisible(css("h1.dashboard")))
	signOutAt(t, ctx)

	signInAt(t, ctx, ts.URL, "ivy@example.org")
	do(t, ctx, "the cohort", chromedp.Navigate(cohortPage), chromedp.WaitVisible(css("table.members")))
	members := get(t, ctx, "members", chromedp.Text(css("table.members")))
	if !strings.Contains(members, "Cal Candidate") || !strings.Contains(members, "1 of 1 completed") || !strings.Contains(members, "1 modules read") {
		t.Fatalf("the instructor does not see the module completed:\n%s", members)
	}
	do(t, ctx, "open a member's details", chromedp.Click(css("details.member summary")))
	auditPage(t, ctx, "instructor cohort, completed")
	screenshot(t, ctx, "web-instructor-cohort")
}

// TestBrowserCalibration: an author starts a calibration from stored
// results in headless Chromium and follows it to its result through the
// progress page's own refresh (no script needed).
func TestBrowserCalibration(t *testing.T) {
	ts := startServer(t)
	simulate(t, ts, "az-400", 80, 8)
	if _, err := ts.App.Accounts.Create(context.Background(), "ann@example.org", "Ann Author", "correct horse battery", certlab.RoleAuthor); err != nil {
		t.Fatal(err)
	}
	ctx := newChromium(t)
	signInAt(t, ctx, ts.URL, "ann@example.org")
	do(t, ctx, "author console", chromedp.Navigate(ts.URL+"/author"), chromedp.WaitVisible(css("#q")))
	// A calibration, followed without script by the page's own refresh.
	do(t, ctx, "analysis", chromedp.Click(css(`.subnav a[href="/author/analysis"]`)), chromedp.WaitVisible(css("#start-title")),
		chromedp.SetValue(css("#exam"), "az-400"), chromedp.Click(css(`form[action="/author/analysis"] button`)),
		chromedp.WaitReady(css(`input[name=exam][value="az-400"]`)))
	auditPage(t, ctx, "author analysis")
	do(t, ctx, "start a calibration",
		chromedp.SetValue(css("#min"), "50"),
		chromedp.Click(css(`form[action="/author/calibrations"] button`)),
		chromedp.WaitVisible(css("#run-progress")),
	)
	auditPage(t, ctx, "author calibration progress")
	do(t, ctx, "wait for the result (the page reloads itself)", chromedp.WaitVisible(css("#result-title")))
	result := get(t, ctx, "read the result", chromedp.Text(css("main")))
	if !strings.Contains(result, "80 candidates") || !strings.Contains(result, "8 items") {
		t.Fatalf("calibration result:\n%s", result)
	}
	auditPage(t, ctx, "author calibration result")
	screenshot(t, ctx, "web-author-calibration")

	if body := get(t, ctx, "page", chromedp.OuterHTML(css("html"))); regexp.MustCompile(`sim\d{3}@|Simulated Person`).MatchString(body) {
		t.Fatal("an author page shows a candidate")
	}
}
