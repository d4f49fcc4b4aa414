package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/fixture"
	"github.com/certlab/certlab/internal/labrun/labtest"
)

// downloadFile clicks a download link in Chromium and returns the file it
// saved in dir once complete.
func downloadFile(t *testing.T, ctx context.Context, dir, selector, name string) []byte {
	t.Helper()
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	do(t, ctx, "click "+selector, chromedp.Click(chromedp.CSS(selector)))
	file := filepath.Join(dir, name)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(file); err == nil && len(b) > 0 {
			time.Sleep(200 * time.Millisecond)
			if again, _ := os.ReadFile(file); len(again) == len(b) {
				return b
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	t.Fatalf("the download of %s did not arrive in %s (found %v)", name, dir, entries)
	return nil
}

// TestBrowserLabs: in headless Chromium a candidate opens a program's
// practice labs, a lab with its ticket and a hint, downloads the
// workspace (a git repository), which the test solves with the lab's
// solution.sh and real git, uploads it and reads the verdicts; a refused
// upload says why and keeps them. Then an exam with a lab section: the
// lab's page in the sitting, its workspace downloaded, solved, uploaded
// and acknowledged without verdicts, and the score report with the labs.
func TestBrowserLabs(t *testing.T) {
	for _, tool := range []string{"git", "tar", "bash"} {
		_, err := exec.LookPath(tool)
		fixture.NeedTool(t, tool, err, "apt-get install "+tool)
	}
	ts := startServer(t)
	ctx := newChromium(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	downloads := t.TempDir()
	const id = "git-hotfix-cherry-pick"
	l, err := ts.App.LabCatalog.Lab(id)
	if err != nil {
		t.Fatal(err)
	}

	do(t, ctx, "register",
		chromedp.Navigate(ts.URL+"/register"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#name"), "Lab Candidate"),
		chromedp.SendKeys(css("#email"), "labs@example.com"),
		chromedp.SendKeys(css("#password"), "correct horse battery"),
		chromedp.SendKeys(css("#password2"), "correct horse battery"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css("h1.dashboard")),
	)
	do(t, ctx, "program page links to the labs",
		chromedp.Navigate(ts.URL+"/programs/"+programID),
		chromedp.Click(css(`a[href="/programs/`+programID+`/labs"]`)),
		chromedp.WaitVisible(css(".lab-list")),
	)
	list := get(t, ctx, "lab list", chromedp.Text(css("main")))
	if !strings.Contains(list, l.Title) || strings.Contains(list, "Write release notes from git history") {
		t.Fatalf("the practice lab list:\n%s", list)
	}
	auditPage(t, ctx, "labs")
	screenshot(t, ctx, "web-labs")

	do(t, ctx, "open the lab",
		chromedp.Click(css(`a[href="/labs/`+id+`"]`)),
		chromedp.WaitVisible(css("#ticket-title")),
		chromedp.Click(css(`a[href="/labs/`+id+`?hint=`+l.Tasks[0].ID+`#task-`+l.Tasks[0].ID+`"]`)),
		chromedp.WaitVisible(css(".hint-text")),
	)
	if hint := get(t, ctx, "hint", chromedp.Text(css(".hint-text"))); !strings.Contains(hint, "cherry-pick") {
		t.Fatalf("hint: %q", hint)
	}
	page := get(t, ctx, "lab page", chromedp.Text(css("main")))
	for _, want := range []string{"The ticket", "certlab lab start " + id, "certlab lab submit " + id, "Nothing submitted yet", "not submitted yet"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the lab page lacks %q:\n%s", want, page)
		}
	}
	auditPage(t, ctx, "lab")

	archive := downloadFile(t, ctx, downloads, `a[href="/labs/`+id+`/workspace"]`, id+".tar.gz")
	upload := filepath.Join(t.TempDir(), "solved.tar.gz")
	if err := os.WriteFile(upload, labtest.TarGz(t, labtest.Solve(t, l, archive)), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "upload the solved workspace",
		chromedp.SetUploadFiles(css("#workspace"), []string{upload}),
		chromedp.Click(css(`form.upload button[type=submit]`)),
		chromedp.WaitVisible(css(".task-verdict")),
	)
	verdicts := get(t, ctx, "verdicts", chromedp.Text(css("#verdicts")))
	if !strings.Contains(verdicts, "4 of 4 points") || !strings.Contains(verdicts, "every check passes") || strings.Contains(verdicts, "Failed:") {
		t.Fatalf("verdicts after the solution:\n%s", verdicts)
	}
	if state := get(t, ctx, "task state", chromedp.Text(css("#task-"+l.Tasks[0].ID+" .lab-state"))); !strings.HasPrefix(state, "passed") {
		t.Fatalf("task state %q", state)
	}
	auditPage(t, ctx, "lab with verdicts")
	screenshot(t, ctx, "web-lab-verdicts")

	notes := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notes, []byte("these are my notes, not the workspace"), 0o644)
	do(t, ctx, "upload a text file",
		chromedp.SetUploadFiles(css("#workspace"), []string{notes}),
		chromedp.Click(css(`form.upload button[type=submit]`)),
		chromedp.WaitVisible(css(".alert")),
	)
	if alert := get(t, ctx, "alert", chromedp.Text(css(".alert"))); !strings.Contains(alert, "not a .tar.gz, .zip or git bundle") {
		t.Fatalf("a refused upload says %q", alert)
	}
	if verdicts := get(t, ctx, "verdicts kept", chromedp.Text(css("#verdicts"))); !strings.Contains(verdicts, "4 of 4 points") {
		t.Fatalf("the earlier verdicts are gone after a refused upload:\n%s", verdicts)
	}
	do(t, ctx, "an exam lab has no practice page", chromedp.Navigate(ts.URL+"/labs/release-notes-from-git-history"), chromedp.WaitVisible(css(".error-message")))

	// The exam: its questions are left to the engine, the lab section is
	// done in the browser.
	cand, err := ts.Store.UserByEmail(context.Background(), "labs@example.com")
	if err != nil {
		t.Fatal(err)
	}
	apptest.Admit(t, ts.App, time.Now(), cand, "az-400")
	do(t, ctx, "accept and start",
		chromedp.Navigate(ts.URL+"/exams/az-400/start"),
		chromedp.WaitVisible(css("#agreement")),
		chromedp.Click(css(`input[name=accept]`)),
		chromedp.Click(css(`form button.primary`)),
		chromedp.WaitVisible(css("#answer-form")),
	)
	facts := get(t, ctx, "attempt", chromedp.Location())
	m := attemptURL.FindStringSubmatch(strings.TrimPrefix(facts, ts.URL))
	if m == nil {
		t.Fatalf("exam page at %s", facts)
	}
	a := mustAttempt(t, ts, m[1])
	for si, sec := range a.Form.Sections {
		if sec.Kind == certlab.SectionLab {
			break
		}
		if _, err := ts.Engine.CompleteSection(context.Background(), cand, a.ID, si); err != nil {
			t.Fatal(err)
		}
	}
	labSec := a.Form.Sections[len(a.Form.Sections)-1]
	do(t, ctx, "the lab section", chromedp.Navigate(ts.URL+"/attempts/"+m[1]), chromedp.WaitVisible(css("#ticket-title")))
	if bar := get(t, ctx, "timer", chromedp.Text(css(".attempt-bar"))); !strings.Contains(bar, "Time left") || !strings.Contains(bar, "Labs") {
		t.Fatalf("the lab section's bar: %q", bar)
	}
	auditPage(t, ctx, "exam lab")
	screenshot(t, ctx, "web-exam-lab")
	for i, q := range labSec.Questions {
		el, err := ts.App.LabCatalog.Lab(mustItem(t, ts, q.ItemID).Lab)
		if err != nil {
			t.Fatal(err)
		}
		do(t, ctx, "open lab "+el.ID, chromedp.Navigate(ts.URL+"/attempts/"+m[1]+"/labs/"+q.Key), chromedp.WaitVisible(css("#ticket-title")))
		if h := get(t, ctx, "title", chromedp.Text(css("main h1"))); h != el.Title {
			t.Fatalf("lab page of %s shows %q", el.ID, h)
		}
		dir := filepath.Join(downloads, "exam", q.Key)
		os.MkdirAll(dir, 0o755)
		ws := downloadFile(t, ctx, dir, `a[href$="/labs/`+q.Key+`/workspace"]`, el.ID+".tar.gz")
		up := filepath.Join(t.TempDir(), "exam.tar.gz")
		os.WriteFile(up, labtest.TarGz(t, labtest.Solve(t, el, ws)), 0o644)
		do(t, ctx, "upload "+el.ID,
			chromedp.SetUploadFiles(css("#workspace"), []string{up}),
			chromedp.Click(css(`form.upload button[type=submit]`)),
			// Only a received submission has p.received ("Nothing
			// submitted yet" is the page being left).
			chromedp.WaitVisible(css("#latest p.received")),
		)
		got := get(t, ctx, "acknowledgement", chromedp.Text(css("#latest")))
		if !strings.Contains(got, "received") || !strings.Contains(got, "Verdicts are not shown during an exam") || strings.Contains(got, "points") {
			t.Fatalf("exam lab %s after the upload:\n%s", el.ID, got)
		}
		if i == 0 {
			auditPage(t, ctx, "exam lab submitted")
		}
	}
	do(t, ctx, "submit the exam",
		chromedp.Click(css(`a[href="/attempts/`+m[1]+`/submit"]`)),
		chromedp.Click(css(`.confirm button[type=submit]`)),
		chromedp.WaitVisible(css("#labs-result")),
	)
	want := fmt.Sprintf("%d of %d points", 5*len(labSec.Questions), 5*len(labSec.Questions))
	if got := get(t, ctx, "report", chromedp.Text(css("#labs-result"))); !strings.Contains(got, want) {
		t.Fatalf("the report's labs: %q, want %s", got, want)
	}
	// The report page is not a lab page: auditPage is not called on it here.
	screenshot(t, ctx, "web-report-labs")
}

func mustItem(t *testing.T, ts *testServer, id string) *certlab.Item {
	t.Helper()
	ex, _ := ts.Catalog.Exam("az-400")
	it, ok := ex.Item(id)
	if !ok {
		t.Fatalf("no item %s", id)
	}
	return it
}
