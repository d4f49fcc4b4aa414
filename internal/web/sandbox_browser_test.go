package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certlab/certlab/internal/sandbox"
)

// TestBrowserSandbox walks the exam sandbox end to end in headless
// Chromium without an account: the case study with its exhibit tabs,
// answers by clicking saved by the script (and still there after a
// reload), a mark for review, the review list, the timer, the
// confirmations, the yes/no series, one question of every kind, and the
// end; every page audited (axe-core, 390 px), no row written.
func TestBrowserSandbox(t *testing.T) {
	ts := startServer(t)
	demo, err := sandbox.New(ts.Catalog)
	if err != nil {
		t.Fatal(err)
	}
	before := rowCounts(t, ts)
	ctx := newChromium(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	waitSaved := func(step string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("save-status").textContent.startsWith("Saved")`)); err != nil {
			failAt(t, ctx, step, err)
		}
	}
	do(t, ctx, "sandbox", chromedp.Navigate(ts.URL+"/sandbox"), chromedp.WaitVisible(css(`form[action="/sandbox/start"]`)))
	screenshot(t, ctx, "web-sandbox")
	auditPage(t, ctx, "sandbox: first page")
	do(t, ctx, "start", chromedp.Click(css(`form[action="/sandbox/start"] button`)), chromedp.WaitVisible(css("#answer-form")))

	// Section 1: the case study.
	tabs := get(t, ctx, "exhibit tabs", chromedp.Nodes(chromedp.CSSAll(`.tablist a[role=tab]`)))
	if len(tabs) < 2 {
		t.Fatalf("the case study has %d tabs", len(tabs))
	}
	do(t, ctx, "switch tab", chromedp.MouseClickNode(tabs[1]), chromedp.WaitVisible(css("#exhibit-1")))
	first := get(t, ctx, "key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value
	answerByClicking(t, ctx)
	do(t, ctx, "mark for review", chromedp.Click(css(`input[name=marked]`)))
	waitSaved("autosave")
	t1 := get(t, ctx, "timer", chromedp.Text(css("#timer .left")))
	do(t, ctx, "wait", chromedp.Sleep(1200*time.Millisecond))
	if t2 := get(t, ctx, "timer", chromedp.Text(css("#timer .left"))); t1 == t2 || !strings.HasPrefix(t1, "19:") && !strings.HasPrefix(t1, "20:") {
		t.Errorf("the countdown does not run from 20 minutes: %q then %q", t1, t2)
	}
	// The script's save went into the browser's run: a reload shows it.
	do(t, ctx, "reload", chromedp.Navigate(ts.URL+"/sandbox/question?q="+first), chromedp.WaitVisible(css("#answer-form")))
	if kept := get(t, ctx, "kept", chromedp.Evaluate[bool](`document.querySelector("#answer-form input[name=marked]").checked &&
		Array.from(document.querySelectorAll("#answer-form input[name=answer], #answer-form select")).some(function (e) { return e.checked || (e.tagName === "SELECT" && e.value !== ""); })`)); !kept {
		t.Fatal("after a reload the autosaved answer or mark is gone")
	}
	if k := get(t, ctx, "key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value; k != first {
		t.Fatalf("reloaded question %s, want %s", k, first)
	}
	screenshot(t, ctx, "web-sandbox-question")
	auditPage(t, ctx, "sandbox: case study question")
	for range len(demo.Form.Sections[0].Questions) - 1 {
		do(t, ctx, "next", chromedp.Click(css(`button[name=go][value^="q:"].primary`)), chromedp.WaitNotPresent(css(fmt.Sprintf(`#answer-form[data-key=%q]`, first))))
		first = get(t, ctx, "key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value
		answerByClicking(t, ctx)
		waitSaved("autosave")
	}
	do(t, ctx, "review list", chromedp.Click(css(`button[name=go][value=review]`)), chromedp.WaitVisible(css("table.review")))
	if marked := get(t, ctx, "marked rows", chromedp.Nodes(chromedp.CSSAll(`tr.marked`), chromedp.AtLeast(0))); len(marked) != 1 {
		t.Fatalf("%d marked rows in the review list, want 1", len(marked))
	}
	screenshot(t, ctx, "web-sandbox-review")
	auditPage(t, ctx, "sandbox: review list")
	do(t, ctx, "complete", chromedp.Click(css("#complete-link")), chromedp.WaitVisible(css(".confirm")))
	auditPage(t, ctx, "sandbox: complete section")
	do(t, ctx, "confirm", chromedp.Click(css(`.confirm button[type=submit]`)), chromedp.WaitVisible(css(".statement")))

	// Section 2: the yes/no series, one statement at a time.
	auditPage(t, ctx, "sandbox: yes/no statement")
	for i := range demo.Form.Sections[1].Questions {
		key := get(t, ctx, "key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value
		do(t, ctx, "answer yes", chromedp.Click(css(`input[name=answer][value=yes]`)))
		if prev := get(t, ctx, "previous", chromedp.Nodes(chromedp.CSSAll(`button[value^="q:"]`), chromedp.AtLeast(0))); len(prev) != 0 {
			t.Fatal("a yes/no statement offers a way back")
		}
		if i < len(demo.Form.Sections[1].Questions)-1 {
			do(t, ctx, "next statement", chromedp.Click(css(`button[name=go][value=next-statement]`)), chromedp.WaitNotPresent(css(fmt.Sprintf(`#answer-form[data-key=%q]`, key))), chromedp.WaitVisible(css(".statement")))
			continue
		}
		do(t, ctx, "complete the series", chromedp.Click(css(`button[name=go][value=complete]`)), chromedp.WaitVisible(css(".confirm")))
		do(t, ctx, "confirm", chromedp.Click(css(`.confirm button[type=submit]`)), chromedp.WaitVisible(css("#answer-form")))
	}

	// Section 3: one question of every other kind.
	seen := map[string]bool{}
	for i := range demo.Form.Sections[2].Questions {
		key := get(t, ctx, "key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value
		typ := answerByClicking(t, ctx)
		seen[typ] = true
		waitSaved("autosave " + typ)
		screenshot(t, ctx, "web-sandbox-"+typ)
		auditPage(t, ctx, "sandbox: "+typ+" question")
		if i < len(demo.Form.Sections[2].Questions)-1 {
			do(t, ctx, "next", chromedp.Click(css(`button[name=go][value^="q:"].primary`)), chromedp.WaitNotPresent(css(fmt.Sprintf(`#answer-form[data-key=%q]`, key))))
		}
	}
	for _, k := range []string{"single", "multiple", "ordering", "matching", "hotarea", "activescreen"} {
		if !seen[k] {
			t.Errorf("the sandbox showed no %s question", k)
		}
	}
	do(t, ctx, "finish", chromedp.Click(css(`button[name=go][value=submit]`)), chromedp.WaitVisible(css(".confirm")))
	auditPage(t, ctx, "sandbox: finish")
	do(t, ctx, "confirm finish", chromedp.Click(css(`.confirm button[type=submit]`)), chromedp.WaitVisible(css("#done")))
	n := len(demo.Form.Questions())
	if end := get(t, ctx, "end", chromedp.Text(css("main"))); !strings.Contains(end, fmt.Sprintf("You answered %d of %d questions and marked 1 for review", n, n)) || !strings.Contains(end, "Nothing was saved") {
		t.Fatalf("end page:\n%s", end)
	}
	screenshot(t, ctx, "web-sandbox-end")
	auditPage(t, ctx, "sandbox: end")
	if d := diffCounts(before, rowCounts(t, ts)); len(d) > 0 {
		t.Fatalf("the sandbox wrote to the database: %v", d)
	}
}
