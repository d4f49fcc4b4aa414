package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/certlab/certlab"
)

// wrongOption is an option of a single-choice item that is not its key.
func wrongOption(it *certlab.Item) string {
	for _, o := range it.Options {
		if o.ID != it.Key {
			return o.ID
		}
	}
	return ""
}

// TestPracticeFeedbackAndReview answers a practice set by form posts: an
// empty "Check answer" is refused with a message, a wrong pick is marked
// wrong and the key marked as the right answer not picked; the finished
// set is reviewed question by question (all, or only the missed ones),
// and the report links weak objectives to their modules.
func TestPracticeFeedbackAndReview(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	csrf := b.register("studier@example.com").csrf(t)
	p := b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"practice"}, "count": {"3"}, "type": {certlab.TypeSingle}})
	id := attemptURL.FindStringSubmatch(p.URL)[1]
	a := mustAttempt(t, ts, id)
	qs := a.Form.Questions()
	if len(qs) != 3 {
		t.Fatalf("practice set of %d questions, want 3", len(qs))
	}

	empty := b.post("/attempts/"+id+"/answer", url.Values{"key": {qs[0].Key}, "seq": {"1"}, "go": {"stay"}}, csrf)
	if empty.Status != http.StatusUnprocessableEntity || !strings.Contains(empty.Body, "nothing is selected") || strings.Contains(empty.Body, `id="feedback"`) {
		t.Fatalf("Check answer with nothing chosen: %d\n%s", empty.Status, text(empty.Body))
	}

	first := itemOf(t, ts, qs[0].Key)
	wrong := wrongOption(first)
	fb := b.post("/attempts/"+id+"/answer", url.Values{"key": {qs[0].Key}, "seq": {"1"}, "go": {"stay"}, "answer": {wrong}}, csrf)
	picks := regexp.MustCompile(`(?s)<li class="pick pick-(\w+)"><span class="pick-label">(.*?)</span>`).FindAllStringSubmatch(fb.Body, -1)
	states := map[string]string{}
	for _, m := range picks {
		states[m[1]] = m[2]
	}
	textOf := func(id string) string {
		for _, o := range first.Options {
			if o.ID == id {
				return strings.Fields(strings.NewReplacer("`", "", "*", "").Replace(o.Text))[0]
			}
		}
		return id
	}
	if !strings.Contains(states["wrong"], textOf(wrong)) || !strings.Contains(states["missed"], textOf(first.Key)) || states["right"] != "" {
		t.Fatalf("feedback on a wrong pick marks %v; want the pick %q wrong and the key %q missed\n%s", states, wrong, first.Key, text(fb.Body))
	}
	if !strings.Contains(fb.Body, "your pick: wrong") || !strings.Contains(fb.Body, "right answer, not picked") {
		t.Fatalf("the marks are not in words:\n%s", text(fb.Body))
	}
	second := itemOf(t, ts, qs[1].Key)
	if r := b.post("/attempts/"+id+"/answer", url.Values{"key": {qs[1].Key}, "seq": {"1"}, "go": {"stay"}, "answer": {second.Key}}, csrf); !strings.Contains(r.Body, "your pick: right") {
		t.Fatalf("feedback on a right pick:\n%s", text(r.Body))
	}

	// Not finished yet: no review.
	if r := b.get("/attempts/" + id + "/questions"); r.Status != http.StatusConflict {
		t.Fatalf("review of an open practice set: %d, want 409", r.Status)
	}
	rep := b.post("/attempts/"+id+"/submit", url.Values{}, csrf)
	if !strings.Contains(rep.Body, `href="/attempts/`+id+`/questions"`) {
		t.Fatalf("the practice report has no link to the review:\n%s", text(rep.Body))
	}
	if !regexp.MustCompile(`Study: <a href="/programs/` + programID + `/modules/[^"]+">`).MatchString(rep.Body) {
		t.Fatalf("the report's weak objectives do not link to modules:\n%s", rep.Body)
	}

	list := b.get("/attempts/" + id + "/questions")
	if list.Status != http.StatusOK || !strings.Contains(list.Body, "1 of 3 questions fully right") {
		t.Fatalf("review list: %d\n%s", list.Status, text(list.Body))
	}
	missed := b.get("/attempts/" + id + "/questions?show=missed")
	if n := strings.Count(missed.Body, `class="row-wrong"`); n != 2 || strings.Contains(missed.Body, `class="row-right"`) {
		t.Fatalf("missed questions: %d rows, want the 2 not right\n%s", n, text(missed.Body))
	}
	q1 := b.get("/attempts/" + id + "/questions/1")
	if q1.Status != http.StatusOK || !strings.Contains(q1.Body, "your pick: wrong") || !strings.Contains(q1.Body, "Next question") || !strings.Contains(q1.Body, "<h3>Why</h3>") {
		t.Fatalf("review of question 1: %d\n%s", q1.Status, text(q1.Body))
	}
	if q3 := b.get("/attempts/" + id + "/questions/3"); !strings.Contains(q3.Body, "not answered") && !strings.Contains(q3.Body, "right answer, not picked") {
		t.Fatalf("review of the unanswered question 3:\n%s", text(q3.Body))
	}
	if r := b.get("/attempts/" + id + "/questions/4"); r.Status != http.StatusNotFound {
		t.Fatalf("question 4 of 3: %d", r.Status)
	}
	if r := newBrowser(t, ts.URL); true {
		r.register("someone-else@example.com")
		if p := r.get("/attempts/" + id + "/questions/1"); p.Status != http.StatusNotFound {
			t.Fatalf("another candidate's review: %d, want 404", p.Status)
		}
	}
}

// TestExamHasNoQuestionReview: an exam, open or scored, is never reviewed
// question by question.
func TestExamHasNoQuestionReview(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	csrf := b.register("examonly@example.com").csrf(t)
	p := b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	id := attemptURL.FindStringSubmatch(p.URL)[1]
	if r := b.get("/attempts/" + id + "/questions"); r.Status != http.StatusForbidden {
		t.Fatalf("review of an open exam: %d, want 403", r.Status)
	}
	b.post("/attempts/"+id+"/submit", url.Values{}, csrf)
	rep := b.get("/attempts/" + id + "/report")
	if rep.Status != http.StatusOK || strings.Contains(rep.Body, "/questions") {
		t.Fatalf("exam report offers a question review: %d", rep.Status)
	}
	for _, path := range []string{"/attempts/" + id + "/questions", "/attempts/" + id + "/questions/1"} {
		if r := b.get(path); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "never shown") {
			t.Fatalf("%s of a scored exam: %d, want 403\n%s", path, r.Status, text(r.Body))
		}
	}
}

// TestModuleProgressAndReadingTime: reading times come from the text;
// marking a module read and practising its objectives show on the module
// and program pages.
func TestModuleProgressAndReadingTime(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	csrf := b.register("progress@example.com").csrf(t)
	mod := b.get("/programs/" + programID + "/modules/d3-yaml")
	// d3-yaml is 491 words long: 2 minutes at 200 words a minute (its
	// front matter says 18).
	if !regexp.MustCompile(`About 2 min read \(4\d\d words\)`).MatchString(mod.Body) || strings.Contains(mod.Body, "18 min") {
		t.Fatalf("module reading time:\n%s", text(mod.Body))
	}
	if !strings.Contains(mod.Body, "not started") {
		t.Fatalf("a module never opened is not 'not started':\n%s", text(mod.Body))
	}
	read := b.post("/programs/"+programID+"/modules/d3-yaml/read", url.Values{}, csrf)
	if !strings.Contains(read.Body, "Read on ") || !strings.Contains(read.Body, `state-read`) {
		t.Fatalf("after marking read:\n%s", text(read.Body))
	}
	prog := b.get("/programs/" + programID)
	if !regexp.MustCompile(`1 of \d+ modules read`).MatchString(prog.Body) {
		t.Fatalf("program page path progress:\n%s", text(prog.Body))
	}
	// Practise the module from its page: its objectives only.
	p := b.post("/attempts", url.Values{"exam": {"az-400"}, "mode": {"practice"}, "count": {"5"}, "objective": {"d3.yaml"}}, csrf)
	id := attemptURL.FindStringSubmatch(p.URL)
	if id == nil {
		t.Fatalf("practice this module: at %s\n%s", p.URL, text(p.Body))
	}
	a := mustAttempt(t, ts, id[1])
	for _, q := range a.Form.Questions() {
		if q.Objective != "d3.yaml" {
			t.Fatalf("a module's practice set has a question of objective %s", q.Objective)
		}
		it := itemOf(t, ts, q.Key)
		b.post("/attempts/"+id[1]+"/answer", formFor(it, q.Key), csrf)
	}
	b.post("/attempts/"+id[1]+"/submit", url.Values{}, csrf)
	mod = b.get("/programs/" + programID + "/modules/d3-yaml")
	if !strings.Contains(mod.Body, fmt.Sprintf("Practised: %d questions", len(a.Form.Questions()))) {
		t.Fatalf("module after practising its %d questions:\n%s", len(a.Form.Questions()), text(mod.Body))
	}
	if len(a.Form.Questions()) >= 3 && !strings.Contains(mod.Body, "state-mastered") {
		t.Fatalf("every question right, yet the module is not mastered:\n%s", text(mod.Body))
	}
	unread := b.post("/programs/"+programID+"/modules/d3-yaml/read", url.Values{"read": {"no"}}, csrf)
	if strings.Contains(unread.Body, "Read on ") {
		t.Fatal("marking the module not read did not take")
	}
}

// TestExamReviewFilters: the exam's review list shows all questions, the
// marked ones or the unanswered ones.
func TestExamReviewFilters(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	b := newBrowser(t, ts.URL)
	csrf := b.register("filters@example.com").csrf(t)
	p := b.start(csrf, url.Values{"exam": {"az-400"}, "mode": {"exam"}})
	id := attemptURL.FindStringSubmatch(p.URL)[1]
	a := mustAttempt(t, ts, id)
	sec := a.Form.Sections[0].Questions
	if len(sec) < 3 {
		t.Skip("first section too short")
	}
	// Mark the first question without answering it; answer the second.
	b.post("/attempts/"+id+"/answer", url.Values{"key": {sec[0].Key}, "seq": {"1"}, "marked": {"on"}}, csrf)
	b.post("/attempts/"+id+"/answer", formFor(itemOf(t, ts, sec[1].Key), sec[1].Key), csrf)
	rows := func(p page) int { return strings.Count(p.Body, `href="/attempts/`+id+`?q=`) }
	all, marked, unanswered := b.get("/attempts/"+id+"/review"), b.get("/attempts/"+id+"/review?show=marked"), b.get("/attempts/"+id+"/review?show=unanswered")
	if rows(all) != len(sec) || rows(marked) != 1 || rows(unanswered) != len(sec)-1 {
		t.Fatalf("review rows: all %d (want %d), marked %d (want 1), unanswered %d (want %d)", rows(all), len(sec), rows(marked), rows(unanswered), len(sec)-1)
	}
	if !strings.Contains(marked.Body, `aria-current="page">Marked for review (1)`) {
		t.Fatalf("the marked filter is not shown as current:\n%s", text(marked.Body))
	}
	if r := b.get("/attempts/" + id + "/review?show=bogus"); r.Status != http.StatusBadRequest {
		t.Fatalf("unknown filter: %d", r.Status)
	}
}
