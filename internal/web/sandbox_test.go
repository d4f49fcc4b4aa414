package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/sandbox"
)

// rowCounts counts the rows of every table of the test server's database.
func rowCounts(t *testing.T, ts *testServer) map[string]int {
	t.Helper()
	db := ts.App.Store.DB()
	rows, err := db.QueryContext(context.Background(), `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 20 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM "`+tb+`"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

func diffCounts(before, after map[string]int) []string {
	var d []string
	for tb, n := range after {
		if before[tb] != n {
			d = append(d, fmt.Sprintf("%s: %d -> %d", tb, before[tb], n))
		}
	}
	return d
}

// TestSandboxWritesNothing walks the whole exam sandbox without an
// account, with plain form posts: every question of every kind answered,
// one marked for review, the review list, the sections completed (and not
// reopened), the end. Every page shows the exam's interface and no
// explanation or exam-pool item, and no row of any table changes; the
// count does see a registration, so the check can fail.
func TestSandboxWritesNothing(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	demo, err := sandbox.New(ts.Catalog)
	if err != nil {
		t.Fatal(err)
	}
	ex := demo.Exam
	var secretTexts, poolStems []string
	for _, it := range ex.Items {
		if it.Pool == certlab.PoolExam {
			if w := strings.Fields(plain(it.Stem)); len(w) >= 8 {
				poolStems = append(poolStems, strings.Join(w[:8], " "))
			}
		}
	}
	for _, q := range demo.Form.Questions() {
		it, _ := demo.Item(q.Key)
		secretTexts = append(secretTexts, secrets(it)...)
	}
	check := func(p page, what string) {
		t.Helper()
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d at %s: %s", what, p.Status, p.URL, text(p.Body))
		}
		body := plain(p.Body)
		for _, s := range secretTexts {
			if s != "" && strings.Contains(body, s) {
				t.Fatalf("%s shows an answer's explanation or reference: %q", what, s)
			}
		}
		for _, s := range poolStems {
			if strings.Contains(body, s) {
				t.Fatalf("%s shows an exam-pool item: %q", what, s)
			}
		}
		if len(p.Body) > 100<<10 {
			t.Errorf("%s is %d bytes, over 100 KB", what, len(p.Body))
		}
	}
	before := rowCounts(t, ts)
	b := newBrowser(t, ts.URL)
	intro := b.get("/sandbox")
	check(intro, "the sandbox's first page")
	for _, want := range []string{"Start the sandbox", "Nothing is saved or scored", "a case study", "hot area", "yes/no series", "active screen"} {
		if !strings.Contains(strings.ToLower(intro.Body), strings.ToLower(want)) {
			t.Errorf("first page lacks %q", want)
		}
	}
	if p := b.get("/sandbox/question"); p.URL != "/sandbox" {
		t.Fatalf("a question without a run goes to %s", p.URL)
	}
	first := b.post("/sandbox/start", url.Values{}, "")
	check(first, "the first question")
	if first.URL != "/sandbox/question" || !strings.Contains(first.Body, `class="case card"`) || !strings.Contains(first.Body, `id="timer"`) || !strings.Contains(first.Body, "Mark for review") {
		t.Fatalf("first question at %s lacks the case study, the timer or the mark:\n%s", first.URL, text(first.Body))
	}
	kinds := map[string]bool{}
	for si, sec := range demo.Form.Sections {
		for qi, q := range sec.Questions {
			it, _ := demo.Item(q.Key)
			kinds[it.Type] = true
			if sec.Sequential() {
				p := b.get("/sandbox/question")
				check(p, "statement "+q.Key)
				if m := keyField.FindStringSubmatch(p.Body); m == nil || m[1] != q.Key || strings.Contains(p.Body, "Mark for review") {
					t.Fatalf("series shows %v, want statement %s without a review mark", m, q.Key)
				}
				f := url.Values{"key": {q.Key}, "seq": {"1"}, "answer": {"yes"}, "go": {"next-statement"}}
				if qi == len(sec.Questions)-1 {
					f.Set("go", "complete")
				}
				b.post("/sandbox/answer", f, "")
				continue
			}
			p := b.get("/sandbox/question?q=" + url.QueryEscape(q.Key))
			check(p, "question "+q.Key)
			if !strings.Contains(p.Body, `data-type="`+it.Type+`"`) {
				t.Fatalf("question %s is not drawn as %s", q.Key, it.Type)
			}
			f := formFor(it, q.Key)
			if si == 0 && qi == 0 {
				f.Set("marked", "on")
			}
			if r := b.post("/sandbox/answer", f, ""); r.Status != http.StatusOK || r.URL != "/sandbox/question?q="+url.QueryEscape(q.Key) {
				t.Fatalf("answer %s: %d at %s: %s", q.Key, r.Status, r.URL, text(r.Body))
			}
		}
		if sec.Sequential() {
			// The last statement's button led to the confirmation.
		} else {
			rv := b.get("/sandbox/review")
			check(rv, "review list")
			if si == 0 && !strings.Contains(rv.Body, `class="marked"`) {
				t.Fatal("the review list does not show the marked question")
			}
		}
		c := b.get(fmt.Sprintf("/sandbox/sections/%d/complete", si+1))
		check(c, "complete-section page")
		if si < len(demo.Form.Sections)-1 && !strings.Contains(c.Body, "You cannot return to the questions of this section") {
			t.Fatalf("the confirmation lacks the warning: %s", text(c.Body))
		}
		b.post(fmt.Sprintf("/sandbox/sections/%d/complete", si+1), url.Values{}, "")
		if si == 0 {
			back := b.get("/sandbox/question?q=" + url.QueryEscape(sec.Questions[0].Key))
			if back.Status != http.StatusConflict || !strings.Contains(back.Body, "cannot be reopened") {
				t.Fatalf("a completed section reopened: %d %s", back.Status, text(back.Body))
			}
		}
	}
	for _, k := range []string{"single", "multiple", "ordering", "matching", "hotarea", "activescreen", "yesno-series"} {
		if !kinds[k] {
			t.Errorf("the walk met no %s question", k)
		}
	}
	end := b.get("/sandbox")
	check(end, "the end page")
	n := len(demo.Form.Questions())
	if !strings.Contains(text(end.Body), fmt.Sprintf("You answered %d of %d questions and marked 1 for review", n, n)) {
		t.Fatalf("end page: %s", text(end.Body))
	}
	if d := diffCounts(before, rowCounts(t, ts)); len(d) > 0 {
		t.Fatalf("the sandbox wrote to the database: %v", d)
	}
	// A tampered run is refused and said so; nothing is written either.
	u, _ := url.Parse(ts.URL + "/sandbox")
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "certlab_sandbox", Value: "eyJ2IjoxfQ", Path: "/sandbox"}})
	if p := b.get("/sandbox"); !strings.Contains(p.Body, "could not be read") {
		t.Fatalf("tampered state: %s", text(p.Body))
	}
	if d := diffCounts(before, rowCounts(t, ts)); len(d) > 0 {
		t.Fatalf("the sandbox wrote to the database: %v", d)
	}
	// The counter sees writes: a registration changes rows.
	newBrowser(t, ts.URL).register("counted@example.com")
	if d := diffCounts(before, rowCounts(t, ts)); len(d) == 0 {
		t.Fatal("a registration changed no row count: the check cannot see writes")
	}
}

// A signed-in candidate taking an exam is not sent to the sandbox: one
// exam at a time.
func TestSandboxWaitsDuringAnExam(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	csrf := b.register("busy@example.com").csrf(t)
	if p := b.get("/sandbox"); p.Status != http.StatusOK {
		t.Fatalf("sandbox before the exam: %d", p.Status)
	}
	b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	if p := b.get("/sandbox"); p.Status != http.StatusConflict || !strings.Contains(p.Body, "Continue") {
		t.Fatalf("sandbox during an exam: %d %s", p.Status, text(p.Body))
	}
}
