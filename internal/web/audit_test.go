package web_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"context"

	"github.com/chromedp/chromedp"

	"github.com/certlab/certlab/internal/fixture"
)

// axePath is axe-core's browser bundle, installed by
// `npm ci` in testdata/axe (.ci/run does it).
const axePath = "testdata/axe/node_modules/axe-core/axe.min.js"

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	return string(b), err
})

// axeViolation is one rule axe-core reports as broken.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// narrowWidth is the phone width every page must fit without scrolling
// sideways.
const narrowWidth = 390

// auditPage checks the page open in ctx as every page must pass: axe-core
// (WCAG 2.1 A and AA rules and best practices) reports no serious or
// critical violation, and at 390 px wide the page does not scroll
// sideways. name says which page failed.
func auditPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	src, err := axeSource()
	fixture.NeedTool(t, "axe-core", err, "cd internal/web/testdata/axe && npm ci")
	if err != nil {
		return
	}
	loaded := get(t, ctx, name+": load axe-core", chromedp.Evaluate[bool](`typeof window.axe !== "undefined"`))
	if !loaded {
		get(t, ctx, name+": inject axe-core", chromedp.Evaluate[any](src+";true"))
	}
	violations := get(t, ctx, name+": run axe-core", chromedp.Evaluate[[]axeViolation](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
		resultTypes: ["violations"]
	}).then(function (r) {
		return r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; }).map(function (v) {
			return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(" "); })};
		});
	})`, chromedp.EvalAwaitPromise))
	for _, v := range violations {
		t.Errorf("%s: axe-core %s violation %s: %s (at %s)", name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "; "))
	}
	do(t, ctx, name+": narrow the window", chromedp.EmulateViewport(narrowWidth, 844))
	width := get(t, ctx, name+": measure width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if width > narrowWidth {
		wide := get(t, ctx, name+": find wide elements", chromedp.Evaluate[[]string](fmt.Sprintf(`Array.from(document.querySelectorAll("body *")).filter(function (e) {
			return e.getBoundingClientRect().right > %d;
		}).slice(0, 5).map(function (e) { return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : ""); })`, narrowWidth)))
		t.Errorf("%s: at %d px the page is %d px wide (scrolls sideways); widest elements: %s", name, narrowWidth, width, strings.Join(wide, ", "))
	}
	do(t, ctx, name+": restore the window", chromedp.EmulateViewport(1100, 900))
}

// TestBrowserAuditPages audits the pages a new visitor and a new candidate
// see first.
func TestBrowserAuditPages(t *testing.T) {
	ts := startServer(t)
	ctx := newChromium(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do(t, ctx, "sign-in page", chromedp.Navigate(ts.URL+"/signin"), chromedp.WaitVisible(css("#email")))
	auditPage(t, ctx, "sign-in")
	do(t, ctx, "register page", chromedp.Navigate(ts.URL+"/register"), chromedp.WaitVisible(css("#email")))
	auditPage(t, ctx, "register")
	do(t, ctx, "register",
		chromedp.SendKeys(css("#name"), "Ada Audit"),
		chromedp.SendKeys(css("#email"), "ada@example.com"),
		chromedp.SendKeys(css("#password"), "correct horse battery"),
		chromedp.SendKeys(css("#password2"), "correct horse battery"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css("h1.dashboard")),
	)
	auditPage(t, ctx, "dashboard")
	do(t, ctx, "program", chromedp.Navigate(ts.URL+"/programs/"+programID), chromedp.WaitVisible(css("#practice-az-400")))
	auditPage(t, ctx, "program")
	do(t, ctx, "exam start page", chromedp.Click(css(`#start-az-400 a.button`)), chromedp.WaitVisible(css("#facts")))
	auditPage(t, ctx, "exam start")
}
