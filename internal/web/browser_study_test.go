package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/item"
)

// css is a CSS selector query.
func css(s string) chromedp.CSS { return chromedp.CSS(s) }

// registerInBrowser creates an account through the registration page.
func registerInBrowser(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	do(t, ctx, "register",
		chromedp.Navigate(base+"/register"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#name"), "Sam Study"),
		chromedp.SendKeys(css("#email"), email),
		chromedp.SendKeys(css("#password"), password),
		chromedp.SendKeys(css("#password2"), password),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css("h1.dashboard")),
	)
}

// startPractice starts a practice set from the program page's form.
func startPractice(t *testing.T, ctx context.Context, base, count, typ string) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/programs/" + programID),
		chromedp.WaitVisible(css("#practice-az-400")),
		chromedp.SetValue(css("#count-az-400"), count),
	}
	if typ != "" {
		steps = append(steps, chromedp.Click(css(`#practice-az-400 input[value=`+typ+`]`)))
	}
	steps = append(steps, chromedp.Click(css(`#practice-az-400 button[type=submit]`)), chromedp.WaitVisible(css("#answer-form")))
	do(t, ctx, "start practice of "+typ, steps...)
}

// TestBrowserAccount: the account page in Chromium: change the password,
// create a token (its secret shown once) and revoke it; sign out, reset
// the password through the link a test mailer receives, and sign in with
// it. Each page passes the audit.
func TestBrowserAccount(t *testing.T) {
	ts, mb := startServerWithMail(t)
	ctx := newChromium(t)
	do(t, ctx, "sign-in page", chromedp.Navigate(ts.URL+"/signin"), chromedp.WaitVisible(css("#email")))
	auditPage(t, ctx, "sign-in")
	do(t, ctx, "register page", chromedp.Navigate(ts.URL+"/register"), chromedp.WaitVisible(css("#email")))
	if note := get(t, ctx, "note", chromedp.Text(css(".note"))); !strings.Contains(note, "first account") {
		t.Fatalf("registration note: %q", note)
	}
	auditPage(t, ctx, "register")
	screenshot(t, ctx, "web-register")
	registerInBrowser(t, ctx, ts.URL, "sam@example.com", "correct horse battery")
	auditPage(t, ctx, "dashboard")

	do(t, ctx, "account page", chromedp.Click(css(".top a.who")), chromedp.WaitVisible(css("#password")))
	auditPage(t, ctx, "account")
	do(t, ctx, "change password",
		chromedp.SendKeys(css("#current"), "correct horse battery"),
		chromedp.SendKeys(css("#new-password"), "staple battery horse"),
		chromedp.SendKeys(css("#new-password2"), "staple battery horse"),
		chromedp.Click(css(`#password button[type=submit]`)),
		chromedp.WaitVisible(css(".notice")),
	)
	if n := get(t, ctx, "notice", chromedp.Text(css(".notice"))); !strings.Contains(n, "Your password is changed") {
		t.Fatalf("after changing the password: %q", n)
	}
	do(t, ctx, "create token",
		chromedp.SendKeys(css("#token-name"), "laptop"),
		chromedp.Click(css(`#token-form button[type=submit]`)),
		chromedp.WaitVisible(css("#new-token")),
	)
	secret := get(t, ctx, "token", chromedp.Text(css("#new-token")))
	if !tokenRE.MatchString(secret) {
		t.Fatalf("new token shown as %q", secret)
	}
	if got := apiStatus(t, ts.URL, secret, "/api/v1/me"); got != 200 {
		t.Fatalf("the token made in the browser on the API: %d", got)
	}
	auditPage(t, ctx, "account with a new token")
	screenshot(t, ctx, "web-account")
	do(t, ctx, "reload", chromedp.Navigate(ts.URL+"/account"), chromedp.WaitVisible(css("table.tokens")))
	if body := get(t, ctx, "page", chromedp.Text(css("main"))); strings.Contains(body, secret) || !strings.Contains(body, "laptop") {
		t.Fatal("the token's secret shows again, or the token is not listed")
	}
	do(t, ctx, "revoke", chromedp.Click(css(`table.tokens button.danger`)), chromedp.WaitVisible(css(".notice")))
	if got := apiStatus(t, ts.URL, secret, "/api/v1/me"); got != 401 {
		t.Fatalf("a token revoked in the browser: %d, want 401", got)
	}

	// Forgotten password: sign out, ask for the link, follow it.
	do(t, ctx, "sign out", chromedp.Click(css(`.top button.link`)), chromedp.WaitVisible(css(`a[href="/password-reset"]`)))
	do(t, ctx, "reset page", chromedp.Click(css(`a[href="/password-reset"]`)), chromedp.WaitVisible(css("#email")))
	auditPage(t, ctx, "password reset")
	do(t, ctx, "ask for the link",
		chromedp.SendKeys(css("#email"), "sam@example.com"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p[role=status]`)),
	)
	auditPage(t, ctx, "password reset sent")
	m := mb.wait(t)
	link := resetLinkRE.FindString(m.Body)
	if link == "" {
		t.Fatalf("reset e-mail without a link:\n%s", m.Body)
	}
	do(t, ctx, "open the link", chromedp.Navigate(link), chromedp.WaitVisible(css("#password2")))
	auditPage(t, ctx, "new password")
	screenshot(t, ctx, "web-password-reset")
	do(t, ctx, "set the password",
		chromedp.SendKeys(css("#password"), "a fresh passphrase"),
		chromedp.SendKeys(css("#password2"), "a fresh passphrase"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(".notice")),
	)
	do(t, ctx, "sign in with it",
		chromedp.SendKeys(css("#email"), "sam@example.com"),
		chromedp.SendKeys(css("#password"), "a fresh passphrase"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css("h1.dashboard")),
	)
}

// TestBrowserStudyLoop: practice feedback marks a wrong pick and the right
// answer; Check answer with nothing chosen says so; the finished set is
// reviewed question by question; modules show reading time and progress.
// Every page on the way, and a question page of every item kind, passes
// the audit.
func TestBrowserStudyLoop(t *testing.T) {
	ts := startServer(t)
	ctx := newChromium(t)
	registerInBrowser(t, ctx, ts.URL, "loop@example.com", "correct horse battery")

	do(t, ctx, "program", chromedp.Navigate(ts.URL+"/programs/"+programID), chromedp.WaitVisible(css("#practice-az-400")))
	auditPage(t, ctx, "program")
	do(t, ctx, "module", chromedp.Navigate(ts.URL+"/programs/"+programID+"/modules/d3-yaml"), chromedp.WaitVisible(css("article.module")))
	auditPage(t, ctx, "module")
	do(t, ctx, "mark read", chromedp.Click(css(`#progress button.primary`)), chromedp.WaitVisible(css(`#progress .done`)))
	screenshot(t, ctx, "web-module-progress")

	// Single choice: nothing chosen, then a wrong pick.
	startPractice(t, ctx, ts.URL, "3", "single")
	auditPage(t, ctx, "question (single)")
	do(t, ctx, "check nothing", chromedp.Click(css(`button[name=go][value=stay]`)), chromedp.WaitVisible(css(".alert")))
	if msg := get(t, ctx, "alert", chromedp.Text(css(".alert"))); !strings.Contains(msg, "nothing is selected") {
		t.Fatalf("Check answer with nothing chosen: %q", msg)
	}
	key := get(t, ctx, "key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value
	it := itemOf(t, ts, key)
	wrong := wrongOption(it)
	do(t, ctx, "pick a wrong answer",
		chromedp.Click(css(fmt.Sprintf(`#answer-form input[value=%q]`, wrong))),
		chromedp.Click(css(`button[name=go][value=stay]`)),
		chromedp.WaitVisible(css("#feedback")),
	)
	wrongText := get(t, ctx, "wrong pick", chromedp.Text(css("#feedback .pick-wrong")))
	missedText := get(t, ctx, "missed", chromedp.Text(css("#feedback .pick-missed")))
	if !strings.Contains(wrongText, "your pick: wrong") || !strings.Contains(missedText, "right answer, not picked") {
		t.Fatalf("feedback marks: wrong %q, missed %q", wrongText, missedText)
	}
	auditPage(t, ctx, "feedback with a wrong pick")
	screenshot(t, ctx, "web-practice-feedback")
	do(t, ctx, "finish", chromedp.Click(css(`button[name=go][value=submit]`)), chromedp.WaitVisible(css(`.confirm button[type=submit]`)))
	do(t, ctx, "submit", chromedp.Click(css(`.confirm button[type=submit]`)), chromedp.WaitVisible(css("figure.chart svg")))
	auditPage(t, ctx, "practice report")
	screenshot(t, ctx, "web-report")
	if links := get(t, ctx, "study links", chromedp.Nodes(chromedp.CSSAll(`.study-links a`), chromedp.AtLeast(0))); len(links) == 0 {
		t.Error("the report's weak objectives link to no module")
	}
	do(t, ctx, "review", chromedp.Click(css(`a[href$="/questions"]`)), chromedp.WaitVisible(css("table.practice-review")))
	auditPage(t, ctx, "practice review")
	screenshot(t, ctx, "web-practice-review")
	do(t, ctx, "review question 1", chromedp.Click(css(`main a.button.primary`)), chromedp.WaitVisible(css("#feedback")))
	if fb := get(t, ctx, "feedback", chromedp.Text(css("#feedback"))); !strings.Contains(fb, "your pick: wrong") {
		t.Fatalf("the review of the wrongly answered question: %q", fb)
	}
	auditPage(t, ctx, "practice review question")
	screenshot(t, ctx, "web-practice-review-question")
	do(t, ctx, "dashboard", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(css("h1.dashboard")))
	auditPage(t, ctx, "dashboard with readiness")
	screenshot(t, ctx, "web-dashboard")
	do(t, ctx, "program again", chromedp.Navigate(ts.URL+"/programs/"+programID), chromedp.WaitVisible(css(".path-progress")))
	screenshot(t, ctx, "web-program")
}

// TestBrowserExamPages audits the exam's pages: the start page, a case
// study question with exhibit tabs, the review list and its filters, the
// confirmation; on a long case study the timer stays in view.
func TestBrowserExamPages(t *testing.T) {
	ts := startServer(t)
	ctx := newChromium(t)
	registerInBrowser(t, ctx, ts.URL, "exampages@example.com", "correct horse battery")
	u, err := ts.Store.UserByEmail(context.Background(), "exampages@example.com")
	if err != nil {
		t.Fatal(err)
	}
	apptest.Admit(t, ts.App, time.Now(), u, "az-400")
	do(t, ctx, "start page", chromedp.Navigate(ts.URL+"/exams/az-400/start"), chromedp.WaitVisible(css("#agreement")))
	auditPage(t, ctx, "exam start")
	do(t, ctx, "start",
		chromedp.Click(css(`input[name=accept]`)),
		chromedp.Click(css(`form button.primary`)),
		chromedp.WaitVisible(css("#answer-form")),
	)
	auditPage(t, ctx, "exam question (case study)")
	// The timer stays in view when a long page is scrolled.
	do(t, ctx, "narrow", chromedp.EmulateViewport(narrowWidth, 700))
	get(t, ctx, "scroll", chromedp.Evaluate[any](`window.scrollTo(0, document.body.scrollHeight); true`))
	top := get(t, ctx, "timer position", chromedp.Evaluate[float64](`document.getElementById("timer").getBoundingClientRect().top`))
	scrolled := get(t, ctx, "scrolled", chromedp.Evaluate[float64](`window.scrollY`))
	if scrolled > 0 && (top < 0 || top > 700) {
		t.Errorf("scrolled %v px down a case study, the timer is at %v px: out of view", scrolled, top)
	}
	screenshot(t, ctx, "web-exam-sticky-timer")
	do(t, ctx, "restore", chromedp.EmulateViewport(1100, 900))
	do(t, ctx, "mark and review",
		chromedp.Click(css(`input[name=marked]`)),
		chromedp.Click(css(`button[name=go][value=review]`)),
		chromedp.WaitVisible(css("table.review")),
	)
	auditPage(t, ctx, "review list")
	do(t, ctx, "marked only", chromedp.Click(css(`nav.filters a[href$="show=marked"]`)), chromedp.WaitVisible(css(`nav.filters a[aria-current=page]`)))
	if n := get(t, ctx, "rows", chromedp.Nodes(chromedp.CSSAll(`table.review tbody tr`))); len(n) != 1 {
		t.Fatalf("the marked filter shows %d rows, want 1", len(n))
	}
	screenshot(t, ctx, "web-review-filter")
	do(t, ctx, "unanswered only", chromedp.Click(css(`nav.filters a[href$="show=unanswered"]`)), chromedp.WaitVisible(css(`table.review`)))
	auditPage(t, ctx, "review list, unanswered")
	do(t, ctx, "confirm", chromedp.Click(css("#complete-link")), chromedp.WaitVisible(css(".confirm")))
	auditPage(t, ctx, "complete section")
	loc := get(t, ctx, "location", chromedp.Location())
	if !strings.Contains(loc, "/complete") {
		t.Fatalf("at %s", loc)
	}
}

// TestBrowserItemKinds audits a practice question of every item kind and
// its feedback (the active screen's exhibit at 390 px among them).
func TestBrowserItemKinds(t *testing.T) {
	ts := startServer(t)
	ctx := newChromium(t)
	registerInBrowser(t, ctx, ts.URL, "kinds@example.com", "correct horse battery")
	for _, typ := range []string{"hotarea", "ordering", "matching", "multiple", "activescreen", "yesno-series"} {
		startPractice(t, ctx, ts.URL, "1", typ)
		auditPage(t, ctx, "question ("+typ+")")
		answerByClicking(t, ctx)
		do(t, ctx, "check answer", chromedp.Click(css(`button[name=go][value=stay]`)), chromedp.WaitVisible(css("#feedback")))
		auditPage(t, ctx, "feedback ("+typ+")")
		if typ == "activescreen" {
			screenshot(t, ctx, "web-practice-activescreen")
		}
	}
	// Exhibits keep every line's indentation, the first one's too.
	startPractice(t, ctx, ts.URL, "1", "activescreen")
	key := get(t, ctx, "key", chromedp.AttributeValue(css("#answer-form"), "data-key")).Value
	_, lines, _ := item.Fence(itemOf(t, ts, key).Exhibit)
	first := get(t, ctx, "first line", chromedp.Evaluate[string](`document.querySelector(".screen code").textContent.split("\n")[0]`))
	ws := get(t, ctx, "white-space", chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".screen")).whiteSpace`))
	indent := func(s string) string { return s[:len(s)-len(strings.TrimLeft(s, " \t"))] }
	if len(lines) == 0 || indent(first) != indent(lines[0]) || !strings.HasPrefix(ws, "pre") {
		t.Errorf("the exhibit's first line shows as %q (white-space %s), written %q", first, ws, lines[0])
	}

}
