package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/fixture"
)

const chromiumPath = "/usr/bin/chromium"

// newChromium starts headless Chromium for a test; a missing Chromium
// fails the test in CI and skips it elsewhere (fixture.NeedTool).
func newChromium(t *testing.T) context.Context {
	t.Helper()
	_, err := os.Stat(chromiumPath)
	fixture.NeedTool(t, "Chromium", err, "apt-get install -y chromium")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	}
	// Generous: the audits take seconds a page on a busy machine.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	return bctx
}

// do runs chromedp steps and fails the test with the step's name and
// the page it was on.
func do(t *testing.T, ctx context.Context, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		failAt(t, ctx, step, err)
	}
}

// get runs one chromedp action that returns a value.
func get[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		failAt(t, ctx, step, err)
	}
	return v
}

func failAt(t *testing.T, ctx context.Context, step string, err error) {
	t.Helper()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	t.Fatalf("%s: %v (at %s)\n%s", step, err, loc, body)
}

// screenshot saves a PNG of the page when CERTLAB_WEB_SCREENSHOTS names a
// folder (used during development and for docs/web.md).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("CERTLAB_WEB_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf := get(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// answerByClicking fills the current question: a click on the first
// choices, or the first options of the drop-downs (a change event follows,
// as when a person picks one).
func answerByClicking(t *testing.T, ctx context.Context) string {
	t.Helper()
	typ := get(t, ctx, "read question type", chromedp.AttributeValue(chromedp.CSS("#answer-form"), "data-type")).Value
	switch typ {
	case "single", "yesno-series":
		do(t, ctx, "click a radio button", chromedp.Click(chromedp.CSS(`#answer-form input[name=answer]`)))
	case "multiple", "hotarea":
		choose := get(t, ctx, "read choose", chromedp.AttributeValue(chromedp.CSS("#answer-form"), "data-choose")).Value
		nodes := get(t, ctx, "find check boxes", chromedp.Nodes(chromedp.CSSAll(`#answer-form input[name=answer]`)))
		n := 1
		fmt.Sscan(choose, &n)
		for i := 0; i < n && i < len(nodes); i++ {
			do(t, ctx, "click a check box", chromedp.MouseClickNode(nodes[i]))
		}
	case "ordering", "matching", "activescreen":
		get(t, ctx, "pick drop-down options", chromedp.Evaluate[any](`document.querySelectorAll("#answer-form select").forEach(function (s, i) {
			s.selectedIndex = 1 + (i % (s.options.length - 1));
			s.dispatchEvent(new Event("change", {bubbles: true}));
		})`))
	default:
		t.Fatalf("question of unknown type %q", typ)
	}
	return typ
}

// TestBrowserPracticeAndExam drives the real server in headless Chromium:
// register, a practice set answered by clicking with feedback, then an
// exam with autosave, a completed section that cannot be reopened, the
// yes/no series, submission and the score report.
func TestBrowserPracticeAndExam(t *testing.T) {
	ts := startServer(t)
	ctx := newChromium(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	do(t, ctx, "register",
		chromedp.Navigate(ts.URL+"/register"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#name"), "Dana Browser"),
		chromedp.SendKeys(css("#email"), "dana@example.com"),
		chromedp.SendKeys(css("#password"), "correct horse battery"),
		chromedp.SendKeys(css("#password2"), "correct horse battery"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css("h1.dashboard")),
	)

	// Practice sets of each item type, answered by clicking, with feedback;
	// the first has two questions to follow "Next question".
	for n, typ := range []string{"hotarea", "ordering", "matching", "multiple", "single"} {
		count := "1"
		if n == 0 {
			count = "2"
		}
		do(t, ctx, "start practice",
			chromedp.Navigate(ts.URL+"/programs/"+programID),
			chromedp.WaitVisible(css("#practice-az-400")),
			chromedp.SetValue(css("#count-az-400"), count),
			chromedp.Click(css(`#practice-az-400 input[value=`+typ+`]`)),
			chromedp.Click(css(`#practice-az-400 button[type=submit]`)),
			chromedp.WaitVisible(css("#answer-form")),
		)
		for i := 0; ; i++ {
			if got := answerByClicking(t, ctx); got != typ {
				t.Fatalf("a practice set of %s shows a %s question", typ, got)
			}
			screenshot(t, ctx, "web-practice-"+typ)
			do(t, ctx, "check answer", chromedp.Click(css(`button[name=go][value=stay]`)), chromedp.WaitVisible(css("#feedback")))
			fb := get(t, ctx, "read feedback", chromedp.Text(css("#feedback")))
			if !strings.Contains(fb, "Your") || !strings.Contains(fb, "right") || !strings.Contains(fb, "Why") || !strings.Contains(fb, "points") {
				t.Fatalf("practice feedback for a %s question lacks the answer or explanation:\n%s", typ, fb)
			}
			if n == 0 && i == 0 {
				screenshot(t, ctx, "web-practice-feedback")
			}
			next := get(t, ctx, "find next", chromedp.Nodes(chromedp.CSSAll(`#feedback a.button`), chromedp.AtLeast(0)))
			if len(next) == 0 {
				if want := map[bool]int{true: 2, false: 1}[n == 0]; i+1 != want {
					t.Fatalf("practice set of %s ended after %d questions, want %d", typ, i+1, want)
				}
				break
			}
			do(t, ctx, "next question", chromedp.MouseClickNode(next[0]), chromedp.WaitNotPresent(css("#feedback")))
		}
	}

	// The exam's start page: facts, the retake status, the appointment;
	// without an admitted appointment there is no start button.
	do(t, ctx, "start page",
		chromedp.Navigate(ts.URL+"/programs/"+programID),
		chromedp.Click(css(`#start-az-400 a.button`)),
		chromedp.WaitVisible(css("#facts")),
	)
	if page := get(t, ctx, "start page", chromedp.Text(css("main"))); !strings.Contains(page, "50 questions") || !strings.Contains(page, "You have no appointment for this exam") {
		t.Fatalf("start page without an appointment:\n%s", page)
	}
	if n := get(t, ctx, "start button", chromedp.Nodes(chromedp.CSSAll(`input[name=accept]`), chromedp.AtLeast(0))); len(n) != 0 {
		t.Fatal("the start page offers to start a proctored exam without an admitted appointment")
	}
	dana, err := ts.Store.UserByEmail(context.Background(), "dana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	apptest.Admit(t, ts.App, time.Now(), dana, "az-400")
	do(t, ctx, "start page, admitted", chromedp.Reload(), chromedp.WaitVisible(css("#agreement")))
	screenshot(t, ctx, "web-exam-start")
	// The browser refuses to submit without the box ticked (required); the
	// server refuses too, which the handler tests check.
	do(t, ctx, "accept and start",
		chromedp.Click(css(`input[name=accept]`)),
		chromedp.Click(css(`form button.primary`)),
		chromedp.WaitVisible(css("#answer-form")),
	)
	loc := get(t, ctx, "location", chromedp.Location())
	id := attemptURL.FindStringSubmatch(strings.TrimPrefix(loc, ts.URL))
	if id == nil {
		t.Fatalf("exam page at %s", loc)
	}
	a := mustAttempt(t, ts, id[1])

	tabs := get(t, ctx, "exhibit tabs", chromedp.Nodes(chromedp.CSSAll(`.tablist a[role=tab]`)))
	if len(tabs) > 1 {
		do(t, ctx, "switch tab", chromedp.MouseClickNode(tabs[1]), chromedp.WaitVisible(css("#exhibit-1")))
		if hidden := get(t, ctx, "first tab hidden", chromedp.Evaluate[bool](`document.getElementById("exhibit-0").hidden`)); !hidden {
			t.Error("the first exhibit tab stays visible after choosing the second")
		}
	}

	key := get(t, ctx, "question key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value
	answerByClicking(t, ctx)
	do(t, ctx, "mark for review", chromedp.Click(css(`input[name=marked]`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("save-status").textContent.startsWith("Saved")`)); err != nil {
		failAt(t, ctx, "autosave", err)
	}
	saved := waitForResponse(t, ts, a.ID, key, func(r *certlab.Response) bool { return r.Marked })
	if string(saved.Value) == "null" || saved.Seq < 1 {
		t.Fatalf("autosaved response %s: value %s, seq %d; want the answer", key, saved.Value, saved.Seq)
	}
	screenshot(t, ctx, "web-exam-question")

	t1 := get(t, ctx, "timer", chromedp.Text(css("#timer .left")))
	do(t, ctx, "wait", chromedp.Sleep(1200*time.Millisecond))
	t2 := get(t, ctx, "timer", chromedp.Text(css("#timer .left")))
	if t1 == t2 || !strings.Contains(t1, ":") {
		t.Errorf("the countdown does not run: %q then %q", t1, t2)
	}

	// A proctor pauses the exam: the page says so with the time frozen,
	// then continues by itself when the proctor resumes.
	proctor, err := ts.Store.UserByEmail(context.Background(), "proctor@apptest.invalid")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.App.Proctor.Pause(context.Background(), proctor, a.ID, "candidate's camera dropped"); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "paused page", chromedp.Navigate(ts.URL+"/attempts/"+id[1]), chromedp.WaitVisible(css("#paused")))
	if p := get(t, ctx, "paused", chromedp.Text(css("#paused"))); !strings.Contains(p, "Paused by the proctor") || !strings.Contains(p, "left, frozen") {
		t.Fatalf("paused page: %q", p)
	}
	screenshot(t, ctx, "web-exam-paused")
	if _, err := ts.App.Proctor.Resume(context.Background(), proctor, a.ID, "camera back"); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "resumes by itself", chromedp.WaitVisible(css("#answer-form")))

	// Complete the case study through the review list and the confirmation.
	do(t, ctx, "complete section",
		chromedp.Click(css(`button[name=go][value=review]`)),
		chromedp.WaitVisible(css("table.review")),
		chromedp.Click(css("#complete-link")),
		chromedp.WaitVisible(css(".confirm")),
	)
	if warning := get(t, ctx, "warning", chromedp.Text(css(".confirm .warning"))); !strings.Contains(warning, "cannot return") {
		t.Fatalf("the confirmation does not say the section cannot be reopened: %q", warning)
	}
	screenshot(t, ctx, "web-complete-section")
	do(t, ctx, "confirm", chromedp.Click(css(`.confirm button[type=submit]`)), chromedp.WaitVisible(css("#answer-form")))
	if bar := get(t, ctx, "attempt bar", chromedp.Text(css(".attempt-bar"))); !strings.Contains(bar, "Section 2 of") {
		t.Fatalf("after completing section 1: %q", bar)
	}
	do(t, ctx, "reopen", chromedp.Navigate(ts.URL+"/attempts/"+id[1]+"?q="+key), chromedp.WaitVisible(css(".error-message")))
	if msg := get(t, ctx, "error", chromedp.Text(css(".error-message"))); !strings.Contains(msg, "cannot be reopened") {
		t.Fatalf("a completed section's question: %q", msg)
	}

	// The yes/no series: one statement, Next, no way back.
	do(t, ctx, "yes/no", chromedp.Navigate(ts.URL+"/attempts/"+id[1]), chromedp.WaitVisible(css(".statement")))
	screenshot(t, ctx, "web-yesno")
	first := get(t, ctx, "statement key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value
	do(t, ctx, "answer and next",
		chromedp.Click(css(`input[name=answer][value=yes]`)),
		chromedp.Click(css(`button[name=go][value=next-statement]`)),
		chromedp.WaitNotPresent(css(fmt.Sprintf(`#answer-form[data-key=%q]`, first))),
		chromedp.WaitVisible(css(".statement")),
	)
	second := get(t, ctx, "statement key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value
	if first == second {
		t.Fatal("Next did not move to the next statement")
	}
	if r := waitForResponse(t, ts, a.ID, first, nil); string(r.Value) != "true" {
		t.Fatalf("the first statement's answer is stored as %s, want true", r.Value)
	}
	if prev := get(t, ctx, "previous", chromedp.Nodes(chromedp.CSSAll(`button[value^="q:"]`), chromedp.AtLeast(0))); len(prev) != 0 {
		t.Error("a yes/no statement offers a way back")
	}

	// Submit and read the report.
	do(t, ctx, "submit",
		chromedp.Navigate(ts.URL+"/attempts/"+id[1]+"/submit"),
		chromedp.Click(css(`.confirm button[type=submit]`)),
		chromedp.WaitVisible(css("figure.chart svg")),
	)
	if report := get(t, ctx, "report", chromedp.Text(css("main"))); !strings.Contains(report, "Score report") || !strings.Contains(report, "Weakest objectives") {
		t.Fatalf("report page:\n%s", report)
	}
	screenshot(t, ctx, "web-report")
	do(t, ctx, "dashboard", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(css("h1.dashboard")))
	screenshot(t, ctx, "web-dashboard")
	do(t, ctx, "program", chromedp.Navigate(ts.URL+"/programs/"+programID), chromedp.WaitVisible(css("#practice-az-400")))
	screenshot(t, ctx, "web-program")
	if os.Getenv("CERTLAB_WEB_SCREENSHOTS") != "" {
		prog, err := ts.Catalog.Program(programID)
		if err != nil {
			t.Fatal(err)
		}
		do(t, ctx, "module", chromedp.Navigate(ts.URL+"/programs/"+programID+"/modules/"+prog.Paths[2].Modules[4]), chromedp.WaitVisible(css("article.module")))
		screenshot(t, ctx, "web-module")
	}
}
