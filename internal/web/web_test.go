package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/certlab/certlab"
)

const programID = "devops-engineer-expert"

func TestSignInRegisterSignOut(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	if p := b.get("/"); p.URL != "/signin" || !strings.Contains(p.Body, "<h1>Sign in</h1>") {
		t.Fatalf("a visitor should land on the sign-in page, got %s", p.URL)
	}
	if p := b.get("/programs/" + programID); !strings.HasPrefix(p.URL, "/signin?next=") {
		t.Fatalf("a page behind sign-in should redirect to /signin?next=..., got %s", p.URL)
	}
	cases := []struct {
		name string
		form url.Values
		want string
		code int
	}{
		{"passwords differ", url.Values{"email": {"a@example.com"}, "password": {"0123456789"}, "password2": {"0123456789x"}}, "The two passwords differ.", http.StatusBadRequest},
		{"short password", url.Values{"email": {"a@example.com"}, "password": {"short"}, "password2": {"short"}}, "at least 15 characters", http.StatusBadRequest},
		{"bad e-mail", url.Values{"email": {"not-an-address"}, "password": {"0123456789"}, "password2": {"0123456789"}}, "is not an e-mail address", http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run("register/"+c.name, func(t *testing.T) {
			p := b.post("/register", c.form, "")
			if p.Status != c.code || !strings.Contains(p.Body, c.want) {
				t.Fatalf("got %d, want %d with %q:\n%s", p.Status, c.code, c.want, text(p.Body))
			}
		})
	}
	dash := b.register("cand@example.com")
	t.Run("register while signed in", func(t *testing.T) {
		reg := b.get("/register")
		p := b.post("/register", url.Values{"csrf_token": {reg.csrf(t)}, "email": {"second@example.com"}, "password": {"correct horse battery"}, "password2": {"correct horse battery"}}, "")
		if p.Status != http.StatusOK || p.URL != "/" {
			t.Fatalf("registering a second account from a signed-in browser: %d at %s", p.Status, p.URL)
		}
	})
	if !strings.Contains(dash.Body, "Test Candidate") || !strings.Contains(dash.Body, "AZ-400") {
		t.Fatalf("dashboard should greet the user and list the exams:\n%s", text(dash.Body))
	}
	t.Run("sign out needs the CSRF token", func(t *testing.T) {
		p := b.post("/signout", url.Values{}, "")
		if p.Status != http.StatusForbidden {
			t.Fatalf("sign-out without csrf_token: got %d, want 403", p.Status)
		}
	})
	p := b.post("/signout", url.Values{}, b.get("/").csrf(t))
	if p.URL != "/signin" {
		t.Fatalf("after sign-out: at %s, want /signin", p.URL)
	}
	if p := b.get("/"); p.URL != "/signin" {
		t.Fatalf("the session should be gone after sign-out, got %s", p.URL)
	}
	t.Run("wrong password", func(t *testing.T) {
		p := b.post("/signin", url.Values{"email": {"cand@example.com"}, "password": {"wrong password"}}, "")
		if p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, "Wrong e-mail or password.") {
			t.Fatalf("got %d:\n%s", p.Status, text(p.Body))
		}
	})
	t.Run("next stays on this site", func(t *testing.T) {
		p := b.post("/signin", url.Values{"email": {"cand@example.com"}, "password": {"correct horse battery"}, "next": {"//evil.example/x"}}, "")
		if p.URL != "/" {
			t.Fatalf("sign-in with an off-site next went to %s, want /", p.URL)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	for _, path := range []string{"/signin", "/register", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			p := b.get(path)
			csp := p.Header.Get("Content-Security-Policy")
			for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy allows inline code: %q", csp)
			}
			if got := p.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			if got := p.Header.Get("Referrer-Policy"); got == "" {
				t.Error("no Referrer-Policy")
			}
			if strings.Contains(p.Body, "<script>") || regexp.MustCompile(`\son[a-z]+="`).MatchString(p.Body) {
				t.Error("page has an inline script or event handler attribute")
			}
		})
	}
	if p := b.get("/no-such-page"); p.Status != http.StatusNotFound {
		t.Errorf("unknown page: %d, want 404", p.Status)
	}
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[0-9a-f]+/[a-z]+\.(?:css|js))"`)

func TestStaticAssetsAreHashed(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	p := b.get("/signin")
	urls := assetRE.FindAllStringSubmatch(p.Body, -1)
	css, js := 0, 0
	for _, u := range urls {
		if strings.HasSuffix(u[1], ".css") {
			css++
		} else {
			js++
		}
	}
	if css == 0 || js == 0 || !strings.Contains(p.Body, "app.css") {
		t.Fatalf("want the stylesheets and a script under hashed URLs, found %v", urls)
	}
	for _, u := range urls {
		a := b.get(u[1])
		if a.Status != http.StatusOK || !strings.Contains(a.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: status %d, Cache-Control %q", u[1], a.Status, a.Header.Get("Cache-Control"))
		}
		wrong := regexp.MustCompile(`/static/[0-9a-f]+/`).ReplaceAllString(u[1], "/static/000000000000/")
		if a := b.get(wrong); a.Status != http.StatusNotFound {
			t.Errorf("%s with a stale hash: status %d, want 404", wrong, a.Status)
		}
	}
}

func TestLearningPages(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	b.register("learner@example.com")
	prog, err := ts.Catalog.Program(programID)
	if err != nil {
		t.Fatal(err)
	}
	p := b.get("/programs/" + programID)
	if p.Status != http.StatusOK {
		t.Fatalf("program page: %d", p.Status)
	}
	for _, path := range prog.Paths {
		if !strings.Contains(p.Body, path.Title) {
			t.Errorf("program page lacks learning path %q", path.Title)
		}
	}
	if len(prog.Paths) == 0 || len(prog.Paths[0].Modules) == 0 {
		t.Fatal("the built-in program has no learning path with modules")
	}
	mid := prog.Paths[0].Modules[0]
	m := b.get("/programs/" + programID + "/modules/" + mid)
	if m.Status != http.StatusOK || !strings.Contains(m.Body, "<h2") && !strings.Contains(m.Body, "<p>") {
		t.Fatalf("module %s: status %d, no rendered Markdown:\n%s", mid, m.Status, m.Body)
	}
	if strings.Contains(m.Body, "\n## ") {
		t.Errorf("module %s shows raw Markdown headings", mid)
	}
	if nf := b.get("/programs/" + programID + "/modules/no-such-module"); nf.Status != http.StatusNotFound || !strings.Contains(nf.Body, "no-such-module") {
		t.Errorf("unknown module: %d", nf.Status)
	}
}

// itemOf returns the catalog item behind a question key.
func itemOf(t testing.TB, ts *testServer, key string) *certlab.Item {
	t.Helper()
	ex, err := ts.Catalog.Exam("az-400")
	if err != nil {
		t.Fatal(err)
	}
	id, _, _ := strings.Cut(key, "~")
	it, ok := ex.Item(id)
	if !ok {
		t.Fatalf("no item %s", id)
	}
	return it
}

// secrets are texts of an item that must not reach an open exam: the
// start of its explanation (as plain words) and its references.
func secrets(it *certlab.Item) []string {
	words := strings.Fields(strings.NewReplacer("*", "", "`", "", "_", " ", "[", "", "]", "").Replace(it.Explanation))
	if len(words) > 8 {
		words = words[:8]
	}
	out := []string{strings.Join(words, " ")}
	out = append(out, it.References...)
	for _, s := range it.Statements {
		if s.Explanation != "" {
			w := strings.Fields(strings.NewReplacer("*", "", "`", "").Replace(s.Explanation))
			if len(w) > 8 {
				w = w[:8]
			}
			out = append(out, strings.Join(w, " "))
		}
	}
	return out
}

func plain(html string) string {
	return strings.NewReplacer("*", "", "`", "", "_", " ", "[", "", "]", "").Replace(text(html))
}

var keyField = regexp.MustCompile(`name="key" value="([^"]+)"`)

// TestOpenExamPagesHaveNoKeys walks every question page of an exam
// attempt, section by section, and checks that no explanation or reference
// of any item is in the HTML; the same check finds them in practice
// feedback, so it can fail.
func TestOpenExamPagesHaveNoKeys(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	dash := b.register("examinee@example.com")
	csrf := dash.csrf(t)
	p := b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	id := attemptURL.FindStringSubmatch(p.URL)[1]
	a := mustAttempt(t, ts, id)
	var all []*certlab.Item
	for _, q := range a.Form.Questions() {
		all = append(all, itemOf(t, ts, q.Key))
	}
	checkPage := func(p page) {
		t.Helper()
		body := plain(p.Body)
		for _, it := range all {
			for _, s := range secrets(it) {
				if s != "" && strings.Contains(body, s) {
					t.Fatalf("open exam page %s shows a secret of item %s: %q", p.URL, it.ID, s)
				}
			}
		}
		if strings.Contains(p.Body, `id="feedback"`) {
			t.Fatalf("open exam page %s has a feedback section", p.URL)
		}
	}
	pages := 0
	for si, s := range a.Form.Sections {
		for qi, q := range s.Questions {
			if s.Sequential() {
				// One statement at a time: answer and move on.
				p := b.get("/attempts/" + id)
				checkPage(p)
				pages++
				if m := keyField.FindStringSubmatch(p.Body); m == nil || m[1] != q.Key {
					t.Fatalf("yes/no section %d shows %v, want statement %s", si+1, m, q.Key)
				}
				if qi+1 < len(s.Questions) {
					if r := b.post("/attempts/"+id+"/answer", url.Values{"key": {q.Key}, "seq": {"1"}, "answer": {"yes"}, "go": {"next-statement"}}, csrf); r.Status != http.StatusOK {
						t.Fatalf("next statement: %d %s", r.Status, text(r.Body))
					}
				}
				continue
			}
			p := b.get("/attempts/" + id + "?q=" + url.QueryEscape(q.Key))
			if p.Status != http.StatusOK {
				t.Fatalf("question %s: %d %s", q.Key, p.Status, text(p.Body))
			}
			checkPage(p)
			pages++
		}
		checkPage(b.get("/attempts/" + id + "/review"))
		if si < len(a.Form.Sections)-1 {
			c := b.get(fmt.Sprintf("/attempts/%s/sections/%d/complete", id, si+1))
			if !strings.Contains(c.Body, "You cannot return to the questions of this section") {
				t.Fatalf("complete-section page lacks the warning:\n%s", text(c.Body))
			}
			b.post(fmt.Sprintf("/attempts/%s/sections/%d/complete", id, si+1), url.Values{}, csrf)
		}
	}
	if pages != len(a.Form.Questions()) {
		t.Fatalf("checked %d pages for %d questions", pages, len(a.Form.Questions()))
	}

	// After submission the report shows no item either: scores by domain
	// and objective only.
	if r := b.post("/attempts/"+id+"/submit", url.Values{}, csrf); r.Status != http.StatusOK {
		t.Fatalf("submit: %d %s", r.Status, text(r.Body))
	}
	rep := b.get("/attempts/" + id + "/report")
	if rep.Status != http.StatusOK {
		t.Fatalf("report: %d %s", rep.Status, text(rep.Body))
	}
	checkPage(rep)

	// The check finds the secrets where they belong: practice feedback.
	pr := b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"practice"}, "count": {"1"}, "type": {"single"}})
	key := keyField.FindStringSubmatch(pr.Body)[1]
	it := itemOf(t, ts, key)
	pid := attemptURL.FindStringSubmatch(pr.URL)[1]
	fb := b.post("/attempts/"+pid+"/answer", url.Values{"key": {key}, "seq": {"1"}, "answer": {it.Options[0].ID}, "go": {"stay"}}, csrf)
	if !strings.Contains(plain(fb.Body), secrets(it)[0]) || !strings.Contains(fb.Body, it.References[0]) {
		t.Fatalf("practice feedback should show the explanation %q and references of %s:\n%s", secrets(it)[0], it.ID, plain(fb.Body))
	}
}

func mustAttempt(t testing.TB, ts *testServer, id string) *certlab.Attempt {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ts.Store.Attempt(context.Background(), n)
	if err != nil {
		t.Fatalf("attempt %s: %v", id, err)
	}
	return a
}

// formFor builds a correct posted answer for an item from its key, the way
// a candidate fills the page.
func formFor(it *certlab.Item, key string) url.Values {
	f := url.Values{"key": {key}, "seq": {"1"}, "go": {"stay"}}
	switch it.Type {
	case certlab.TypeSingle:
		f.Set("answer", it.Key)
	case certlab.TypeMultiple, certlab.TypeHotArea:
		f["answer"] = it.Keys
	case certlab.TypeOrdering:
		for i, k := range it.Keys {
			f.Set("order."+strconv.Itoa(i), k)
		}
	case certlab.TypeMatching:
		for t, o := range it.KeyMap {
			f.Set("match."+t, o)
		}
	case certlab.TypeActiveScreen:
		for b, v := range it.KeyMap {
			f.Set("blank."+b, v)
		}
	}
	return f
}

// TestPracticeEveryTypeByForm answers one practice question of each item
// type with plain form posts (no script) and checks the feedback page and
// the stored response.
func TestPracticeEveryTypeByForm(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	csrf := b.register("practice@example.com").csrf(t)
	for _, typ := range []string{certlab.TypeSingle, certlab.TypeMultiple, certlab.TypeOrdering, certlab.TypeMatching, certlab.TypeHotArea, certlab.TypeActiveScreen} {
		t.Run(typ, func(t *testing.T) {
			p := b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"practice"}, "count": {"1"}, "type": {typ}})
			if !strings.Contains(p.Body, `data-type="`+typ+`"`) {
				t.Fatalf("practice set of %s shows another type:\n%s", typ, text(p.Body))
			}
			key := keyField.FindStringSubmatch(p.Body)[1]
			it := itemOf(t, ts, key)
			id := attemptURL.FindStringSubmatch(p.URL)[1]
			fb := b.post("/attempts/"+id+"/answer", formFor(it, key), csrf)
			if fb.Status != http.StatusOK || !strings.Contains(fb.Body, `id="feedback"`) || !strings.Contains(text(fb.Body), "Correct") {
				t.Fatalf("answer %s correctly: status %d, want Correct feedback:\n%s", it.ID, fb.Status, text(fb.Body))
			}
			rs, err := ts.Store.Responses(context.Background(), mustAttempt(t, ts, id).ID)
			if err != nil || len(rs) != 1 || rs[0].Key != key {
				t.Fatalf("stored responses %v, %v; want one for %s", rs, err, key)
			}
			var got any
			if err := json.Unmarshal(rs[0].Value, &got); err != nil || got == nil {
				t.Fatalf("stored value %s", rs[0].Value)
			}
			// The page shows the saved answer again.
			again := b.get("/attempts/" + id + "?q=" + url.QueryEscape(key))
			if !strings.Contains(again.Body, " checked") && !strings.Contains(again.Body, " selected") {
				t.Errorf("the saved answer is not filled in when the question is shown again")
			}
			rep := b.post("/attempts/"+id+"/submit", url.Values{}, csrf)
			if !strings.Contains(rep.URL, "/report") || !strings.Contains(rep.Body, "<svg") {
				t.Fatalf("finishing practice should show the report with its chart, got %s", rep.URL)
			}
		})
	}
}

func TestYesNoSeriesCannotGoBack(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	csrf := b.register("yesno@example.com").csrf(t)
	p := b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	id := attemptURL.FindStringSubmatch(p.URL)[1]
	a := mustAttempt(t, ts, id)
	// Complete the case study to reach the yes/no series.
	b.post("/attempts/"+id+"/sections/1/complete", url.Values{}, csrf)
	s := a.Form.Sections[1]
	if !s.Sequential() {
		t.Fatalf("section 2 is %s, want a yes/no series", s.Kind)
	}
	first := s.Questions[0].Key
	p = b.get("/attempts/" + id)
	if !strings.Contains(p.Body, "you cannot return to this statement") || strings.Contains(p.Body, "Previous") {
		t.Fatalf("yes/no page must warn and offer no way back:\n%s", text(p.Body))
	}
	ahead := b.get("/attempts/" + id + "?q=" + url.QueryEscape(s.Questions[1].Key))
	if ahead.Status != http.StatusConflict || !strings.Contains(ahead.Body, "not shown yet") {
		t.Fatalf("a later statement: %d, want 409 (not shown yet):\n%s", ahead.Status, text(ahead.Body))
	}
	if strings.Contains(p.Body, `name="marked"`) {
		t.Error("a yes/no statement offers a review mark, but it cannot be revisited")
	}
	b.post("/attempts/"+id+"/answer", url.Values{"key": {first}, "seq": {"1"}, "answer": {"no"}, "go": {"next-statement"}}, csrf)
	back := b.get("/attempts/" + id + "?q=" + url.QueryEscape(first))
	if back.Status != http.StatusConflict || !strings.Contains(back.Body, "cannot be shown again") {
		t.Fatalf("the statement left behind: %d, want 409:\n%s", back.Status, text(back.Body))
	}
	re := b.post("/attempts/"+id+"/answer", url.Values{"key": {first}, "seq": {"5"}, "answer": {"yes"}}, csrf)
	if re.Status != http.StatusConflict {
		t.Fatalf("re-answering a statement left behind: %d, want 409", re.Status)
	}
}

func TestCompletedSectionCannotBeReopened(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	csrf := b.register("sections@example.com").csrf(t)
	p := b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	id := attemptURL.FindStringSubmatch(p.URL)[1]
	a := mustAttempt(t, ts, id)
	key := a.Form.Sections[0].Questions[0].Key
	if !strings.Contains(p.Body, "Case study") || !strings.Contains(p.Body, `class="tabpanel"`) {
		t.Fatalf("the case-study section should show its exhibits:\n%s", text(p.Body))
	}
	if !strings.Contains(p.Body, "Time left:") {
		t.Fatal("an exam page shows the time left without script")
	}
	done := b.post("/attempts/"+id+"/sections/1/complete", url.Values{}, csrf)
	if !strings.Contains(done.Body, "Section 2 of") {
		t.Fatalf("after completing section 1 the page should be in section 2:\n%s", text(done.Body))
	}
	for _, path := range []string{"/attempts/" + id + "?q=" + url.QueryEscape(key), "/attempts/" + id + "/sections/1/complete"} {
		p := b.get(path)
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, "cannot be reopened") && !strings.Contains(p.Body, "not the open section") {
			t.Errorf("%s: %d, want 409 (section closed):\n%s", path, p.Status, text(p.Body))
		}
	}
	save := b.post("/attempts/"+id+"/answer", url.Values{"key": {key}, "seq": {"9"}, "answer": {"a"}}, csrf)
	if save.Status != http.StatusConflict {
		t.Errorf("saving into a completed section: %d, want 409", save.Status)
	}
	sub := b.post("/attempts/"+id+"/submit", url.Values{}, csrf)
	if !strings.HasSuffix(sub.URL, "/report") || !strings.Contains(sub.Body, "Weakest objectives") || !strings.Contains(sub.Body, "<svg") {
		t.Fatalf("after submitting: %s\n%s", sub.URL, text(sub.Body))
	}
	if p := b.get("/attempts/" + id); !strings.HasSuffix(p.URL, "/report") {
		t.Errorf("a scored attempt should open on its report, got %s", p.URL)
	}
	dash := b.get("/")
	if !strings.Contains(dash.Body, "/attempts/"+id+"/report") {
		t.Errorf("the dashboard should list the scored attempt with its score")
	}
	// Readiness comes from practice-pool answers only: a credential
	// exam's secure items never feed study guidance back.
	if strings.Contains(dash.Body, `aria-label="Readiness for az-400"`) {
		t.Errorf("after a scored exam (and no practice) the dashboard should not show readiness for az-400:\n%s", text(dash.Body))
	}
	other := newBrowser(t, ts.URL)
	other.register("other@example.com")
	for _, path := range []string{"/attempts/" + id, "/attempts/" + id + "/report", "/attempts/" + id + "/review"} {
		if p := other.get(path); p.Status != http.StatusNotFound {
			t.Errorf("another candidate opening %s: %d, want 404", path, p.Status)
		}
	}
}

func TestMarkForReviewAndInvalidAnswer(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	csrf := b.register("review@example.com").csrf(t)
	p := b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	id := attemptURL.FindStringSubmatch(p.URL)[1]
	a := mustAttempt(t, ts, id)
	var q *certlab.Question
	for _, x := range a.Form.Sections[0].Questions {
		if itemOf(t, ts, x.Key).Type == certlab.TypeMultiple || itemOf(t, ts, x.Key).Type == certlab.TypeSingle {
			q = x
			break
		}
	}
	if q == nil {
		t.Skip("the case study of this seed has no choice question")
	}
	it := itemOf(t, ts, q.Key)
	r := b.post("/attempts/"+id+"/answer", url.Values{"key": {q.Key}, "seq": {"1"}, "answer": {"zz"}, "marked": {"on"}}, csrf)
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `role="alert"`) {
		t.Fatalf("an answer that is not an option: %d, want 400 with an alert:\n%s", r.Status, text(r.Body))
	}
	r = b.post("/attempts/"+id+"/answer", url.Values{"key": {q.Key}, "seq": {"1"}, "answer": {it.Options[0].ID}, "marked": {"on"}, "go": {"review"}}, csrf)
	if !strings.HasSuffix(r.URL, "/review") || !strings.Contains(r.Body, `class="marked"`) {
		t.Fatalf("review list should show the marked question:\n%s", text(r.Body))
	}
	v, err := ts.Engine.View(context.Background(), &certlab.User{ID: a.UserID}, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Review) != 1 || v.Review[0] != q.Key {
		t.Fatalf("engine review list %v, want [%s]", v.Review, q.Key)
	}
}
