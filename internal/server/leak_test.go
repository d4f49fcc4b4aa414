package server_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/sandbox"
)

// leakClient is a candidate reaching the server both ways: the browser's
// cookie session for pages, an API token for /api/v1.
type leakClient struct {
	t     *testing.T
	base  string
	http  *http.Client
	token string
}

func (c *leakClient) do(method, path string, body any) (int, string) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// phrase is a run of eight words of a text with Markdown marks taken out:
// what a page or a JSON answer shows of it whatever the formatting.
func phrase(s string) string {
	words := strings.Fields(strings.NewReplacer("*", " ", "`", " ", "_", " ", "[", " ", "]", " ", "#", " ", "|", " ", ">", " ").Replace(s))
	if len(words) < 6 {
		return ""
	}
	if len(words) > 8 {
		words = words[:8]
	}
	return strings.Join(words, " ")
}

var spaceRE = regexp.MustCompile(`\s+`)

// visible is a response as a reader sees it: JSON and HTML escapes
// undone, tags and Markdown marks dropped, white space collapsed.
func visible(body string) string {
	if strings.HasPrefix(body, "\x1f\x8b") {
		body = archiveText(body)
	}
	var s string
	if err := json.Unmarshal([]byte(`"`+strings.NewReplacer(`"`, `\"`, "\n", `\n`).Replace(body)+`"`), &s); err != nil {
		s = body
	}
	s = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\"`, `"`, `\n`, " ").Replace(s)
	s = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	s = strings.NewReplacer("*", " ", "`", " ", "_", " ", "[", " ", "]", " ", "#", " ", "|", " ", ">", " ").Replace(s)
	return spaceRE.ReplaceAllString(s, " ")
}

// archiveText is the text of every file of a tar.gz answer (a lab's
// workspace), so the walk reads what a download would unpack.
func archiveText(body string) string {
	gz, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		return body
	}
	var out strings.Builder
	tr := tar.NewReader(io.LimitReader(gz, 64<<20))
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(io.LimitReader(tr, 1<<20))
			out.WriteString(h.Name + "\n" + string(b) + "\n")
		}
	}
	return out.String()
}

// labPhrases are runs of words of a lab's texts that only the server may
// know: its ticket's paragraphs and task titles (shown in the sitting
// whose form holds the lab), its hints, the checks' feedback and the
// reference solution (never shown for an exam lab).
func labPhrases(l *lab.Lab) (ticket, answers []string) {
	for _, para := range strings.Split(l.Instructions, "\n\n") {
		if p := phrase(para); p != "" {
			ticket = append(ticket, p)
		}
	}
	for _, t := range l.Tasks {
		if p := phrase(t.Title); p != "" {
			ticket = append(ticket, p)
		}
		if p := phrase(t.Hint); p != "" {
			answers = append(answers, p)
		}
		for _, c := range t.Checks {
			if p := phrase(c.Feedback); p != "" {
				answers = append(answers, p)
			}
		}
	}
	if src, err := l.ReadFile(l.Solution); err == nil {
		for _, line := range strings.Split(string(src), "\n") {
			if p := phrase(line); p != "" && !strings.HasPrefix(strings.TrimSpace(line), "#!") {
				answers = append(answers, p)
			}
		}
	}
	return ticket, answers
}

// publicLabText is everything practice labs show anyone signed in: their
// pages, hints, solutions and workspaces. Phrases of exam labs found in it
// (boilerplate such as "Check your work with certlab lab check") say
// nothing of an exam lab and are not looked for.
func publicLabText(t *testing.T, a *apptest.Server) string {
	t.Helper()
	var b strings.Builder
	for _, l := range a.LabCatalog.List() {
		if l.Pool != certlab.PoolPractice {
			continue
		}
		b.WriteString(l.Instructions + "\n")
		for _, t := range l.Tasks {
			b.WriteString(t.Title + "\n" + t.Hint + "\n")
			for _, c := range t.Checks {
				b.WriteString(c.Feedback + "\n")
			}
		}
		if src, err := l.ReadFile(l.Solution); err == nil {
			b.Write(src)
		}
		ws, err := a.Labs.PracticeWorkspace(context.Background(), l.ID)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(archiveText(string(ws)))
	}
	return visible(b.String())
}

// TestNothingOfTheExamPoolLeaks walks every GET route the server has (from
// the router itself, so a new route is walked too) as a candidate during
// an open exam and after its submission, and checks that no explanation,
// rationale or answer feedback of a secure (exam-pool) item is ever
// served, that exam-pool item texts appear only on the open exam's own
// routes and only for its form's items, and nothing of them after the
// sitting. The detector is shown to see the form's items on the question
// page, so it can fail.
func TestNothingOfTheExamPoolLeaks(t *testing.T) {
	ctx := context.Background()
	clk := apptest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	a := apptest.Start(t, app.Config{Now: clk.Now, Seed: func() int64 { return 7 },
		Credentials: &credential.Config{IssuerName: "certlab leak test", KeySecret: []byte("leak-test-secret-0123456789")}})
	if _, err := a.Accounts.Register(ctx, "admin@example.org", "Admin", "granite-harbour-kite-1234567"); err != nil {
		t.Fatal(err)
	}
	cand, err := a.Accounts.Register(ctx, "cand@example.org", "Candidate", "kestrel-orchard-lamp-12345")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := a.Accounts.NewToken(ctx, cand, account.TokenRequest{Name: "leak test"})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &leakClient{t: t, base: a.URL, http: &http.Client{Jar: jar}, token: token}
	// The browser signs in through the page, as a candidate does.
	signin, err := c.http.Get(a.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	signin.Body.Close()
	if resp, err := c.http.PostForm(a.URL+"/signin", url.Values{"email": {"cand@example.org"}, "password": {"kestrel-orchard-lamp-12345"}}); err != nil || resp.StatusCode != 200 {
		t.Fatalf("sign in: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// A practice set first (its feedback is practice material), then the
	// proctored exam started from an admitted appointment.
	var pv exam.AttemptView
	st, body := c.do("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "practice", "start": true, "practice": map[string]any{"count": 2}})
	if st != 201 || json.Unmarshal([]byte(body), &pv) != nil {
		t.Fatalf("practice: %d %s", st, body)
	}
	ap := apptest.Admit(t, a.App, clk.Now(), cand, "az-400")
	var ev exam.AttemptView
	st, body = c.do("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "exam", "start": true, "appointment": ap, "accept_agreement": true})
	if st != 201 || json.Unmarshal([]byte(body), &ev) != nil {
		t.Fatalf("exam: %d %s", st, body)
	}
	att, err := a.Store.Attempt(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	ex, _ := a.Catalog.Exam("az-400")
	onForm := map[string]bool{}
	for _, q := range att.Form.Questions() {
		onForm[q.ItemID] = true
	}

	// The secrets: what only the server may know of exam-pool items.
	type secret struct{ item, what, text string }
	var answers, formStems, otherStems []secret
	for _, it := range ex.Items {
		if it.Pool != certlab.PoolExam {
			continue
		}
		add := func(list *[]secret, what, text string) {
			if p := phrase(text); p != "" {
				*list = append(*list, secret{it.ID, what, p})
			}
		}
		add(&answers, "explanation", it.Explanation)
		for id, why := range it.Rationale {
			add(&answers, "rationale of "+id, why)
		}
		for _, s := range it.Statements {
			add(&answers, "explanation of statement "+s.ID, s.Explanation)
		}
		if onForm[it.ID] {
			add(&formStems, "stem", it.Stem)
		} else {
			add(&otherStems, "stem", it.Stem)
		}
	}
	if len(answers) < 100 || len(formStems) < 20 {
		t.Fatalf("too few secrets to look for: %d answers, %d stems on the form", len(answers), len(formStems))
	}
	// Exam-pool labs: the tickets of the form's labs may be shown on the
	// open exam's own routes; nothing else of any exam lab, anywhere.
	formLabs := map[string]string{} // lab id -> question key
	var labKeys []string
	for _, sec := range att.Form.Sections {
		for _, q := range sec.Questions {
			if it, _ := ex.Item(q.ItemID); it.Lab != "" {
				formLabs[it.Lab] = q.Key
				labKeys = append(labKeys, url.PathEscape(q.Key))
			}
		}
	}
	var labTickets, otherLabs []secret
	var labIDs []string
	public := publicLabText(t, a)
	distinct := func(ps []string) []string {
		var out []string
		for _, p := range ps {
			if !strings.Contains(public, p) {
				out = append(out, p)
			}
		}
		return out
	}
	for _, l := range a.LabCatalog.List() {
		labIDs = append(labIDs, l.ID)
		if l.Pool != certlab.PoolExam {
			continue
		}
		ticket, secrets := labPhrases(l)
		ticket, secrets = distinct(ticket), distinct(secrets)
		// The solution keeps lines of the starting workspace, which the
		// sitting hands out: only its own lines are secrets.
		var start bytes.Buffer
		ws, err := lab.Start(ctx, l, filepath.Join(t.TempDir(), l.ID))
		if err != nil {
			t.Fatal(err)
		}
		if err := lab.Pack(&start, ws); err != nil {
			t.Fatal(err)
		}
		startText := visible(start.String())
		kept := secrets[:0]
		for _, p := range secrets {
			if !strings.Contains(startText, p) {
				kept = append(kept, p)
			}
		}
		secrets = kept
		for _, p := range secrets {
			answers = append(answers, secret{"lab " + l.ID, "hint, feedback or solution", p})
		}
		for _, p := range ticket {
			if _, ok := formLabs[l.ID]; ok {
				labTickets = append(labTickets, secret{"lab " + l.ID, "ticket", p})
			} else {
				otherLabs = append(otherLabs, secret{"lab " + l.ID, "ticket", p})
			}
		}
	}
	if len(formLabs) != 2 || len(labTickets) < 4 || len(otherLabs) < 20 {
		t.Fatalf("exam labs to look for: %d on the form, %d ticket phrases of theirs, %d of other exam labs", len(formLabs), len(labTickets), len(otherLabs))
	}
	otherStems = append(otherStems, otherLabs...)

	progs := []string{}
	for _, p := range a.Catalog.Programs {
		progs = append(progs, p.ID)
	}
	firstKey := att.Form.Sections[0].Questions[0].Key
	paramRE := regexp.MustCompile(`\{([a-z]+)\$?\}`)
	// paths turns a GET pattern into the paths to fetch.
	paths := func(pattern string) []string {
		method, path, _ := strings.Cut(pattern, " ")
		if path == "" {
			path, method = method, "GET"
		}
		if method != "GET" || strings.HasPrefix(path, "/static/") {
			return nil
		}
		out := []string{path}
		for _, m := range paramRE.FindAllStringSubmatch(path, -1) {
			var values []string
			switch {
			case m[1] == "id" && strings.Contains(path, "/attempts/"):
				values = []string{fmt.Sprint(ev.ID), fmt.Sprint(pv.ID)}
			case m[1] == "id" && strings.Contains(path, "/exams/"):
				values = []string{"az-400", "az-400-practice"}
			case m[1] == "id" && (strings.Contains(path, "/programs/") || strings.Contains(path, "/achievements/")):
				values = progs
			case m[1] == "id" && strings.Contains(path, "/users/"):
				values = []string{fmt.Sprint(cand.ID)}
			case m[1] == "key" && strings.Contains(path, "/attempts/"):
				values = append([]string{url.PathEscape(firstKey)}, labKeys...)
			case m[1] == "lab":
				values = labIDs
			case m[1] == "module":
				values = []string{"d3-pipelines-yaml"}
			default:
				values = []string{"1"}
			}
			var next []string
			for _, p := range out {
				for _, v := range values {
					next = append(next, strings.Replace(p, m[0], v, 1))
				}
			}
			out = next
		}
		for i := range out {
			out[i] = strings.TrimSuffix(out[i], "{$}")
		}
		return out
	}
	examRoute := regexp.MustCompile(fmt.Sprintf(`^(/api/v1)?/attempts/%d(/|$|\?)`, ev.ID))
	labSeen := 0
	walk := func(phase string, open bool) (formSeen int) {
		t.Helper()
		walked := 0
		for _, pattern := range a.Server.Patterns() {
			for _, p := range paths(pattern) {
				walked++
				status, body := c.do("GET", p, nil)
				seen := visible(body)
				for _, s := range answers {
					if strings.Contains(seen, s.text) {
						t.Errorf("%s: GET %s (%d) serves the %s of exam-pool item %s: %q", phase, p, status, s.what, s.item, s.text)
					}
				}
				for _, s := range otherStems {
					if strings.Contains(seen, s.text) {
						t.Errorf("%s: GET %s (%d) serves exam-pool item %s, which is not on the candidate's form: %q", phase, p, status, s.item, s.text)
					}
				}
				for _, s := range formStems {
					if strings.Contains(seen, s.text) {
						if !open || !examRoute.MatchString(p) {
							t.Errorf("%s: GET %s (%d) serves the text of exam-pool item %s outside the sitting: %q", phase, p, status, s.item, s.text)
						}
						formSeen++
					}
				}
				for _, s := range labTickets {
					if strings.Contains(seen, s.text) {
						if !open || !examRoute.MatchString(p) {
							t.Errorf("%s: GET %s (%d) serves the %s of exam %s outside the sitting: %q", phase, p, status, s.what, s.item, s.text)
						}
						labSeen++
					}
				}
				for id := range formLabs {
					if status < 300 && strings.Contains(p, "/labs/"+id) {
						t.Errorf("%s: GET %s (%d) serves exam lab %s outside its sitting's routes", phase, p, status, id)
					}
				}
				if open && status == 200 && strings.Contains(p, fmt.Sprintf("/attempts/%d", pv.ID)) {
					t.Errorf("%s: GET %s serves another attempt during the exam", phase, p)
				}
			}
		}
		if walked < 80 {
			t.Fatalf("%s: only %d routes walked", phase, walked)
		}
		return formSeen
	}

	if seen := walk("during the exam", true); seen == 0 {
		t.Fatal("the open exam's question pages show none of its items: the detector sees nothing, so it could not fail")
	}
	// Answer a question and save: the exam's save answers no feedback.
	it, _ := ex.Item(att.Form.Sections[0].Questions[0].ItemID)
	st, body = c.do("PUT", fmt.Sprintf("/api/v1/attempts/%d/responses/%s", ev.ID, url.PathEscape(firstKey)), map[string]any{"seq": 1, "value": item.AnswerKey(it, att.Form.Sections[0].Questions[0].Statement)})
	if st != 200 || strings.Contains(body, `"feedback"`) || strings.Contains(body, `"key"`) && strings.Contains(body, `"explanation"`) {
		t.Fatalf("exam save: %d %s", st, body)
	}
	// Complete the sections up to the lab section and walk again: the
	// form's labs are shown on the exam's lab routes, nowhere else.
	last := len(att.Form.Sections) - 1
	if att.Form.Sections[last].Kind != certlab.SectionLab {
		t.Fatalf("the form's last section is %s, want the lab section", att.Form.Sections[last].Kind)
	}
	for i := 0; i < last; i++ {
		c.do("POST", fmt.Sprintf("/api/v1/attempts/%d/sections/%d/complete", ev.ID, i+1), nil)
	}
	labSeen = 0
	walk("in the lab section", true)
	if labSeen == 0 {
		t.Fatal("the open lab section's pages show none of its labs' tickets: the detector sees nothing, so it could not fail")
	}
	// Submit the last section, then walk everything again.
	c.do("POST", fmt.Sprintf("/api/v1/attempts/%d/sections/%d/complete", ev.ID, last+1), nil)
	if got, _ := a.Store.Attempt(ctx, ev.ID); got.Status != certlab.StatusScored {
		t.Fatalf("the exam is %s after completing every section", got.Status)
	}
	walk("after the exam", false)
	walkSandbox(t, c, a.Catalog, func(path string, status int, body string) {
		seen := visible(body)
		for _, list := range [][]secret{answers, formStems, otherStems} {
			for _, s := range list {
				if strings.Contains(seen, s.text) {
					t.Errorf("the exam sandbox: GET %s (%d) serves the %s of exam-pool item %s: %q", path, status, s.what, s.item, s.text)
				}
			}
		}
	})
	_, rep := c.do("GET", fmt.Sprintf("/api/v1/attempts/%d/report", ev.ID), nil)
	if strings.Contains(rep, `"questions"`) || !strings.Contains(rep, `"scaled_score"`) || !strings.Contains(rep, `"domains"`) {
		t.Fatalf("the exam report should give the score and domains, no questions: %s", rep)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// walkSandbox runs the exam sandbox as the signed-in candidate: every
// GET route under /sandbox, and every question of every section (each
// statement of the yes/no series), each page handed to check.
func walkSandbox(t *testing.T, c *leakClient, cat *certlab.Catalog, check func(path string, status int, body string)) {
	t.Helper()
	demo, err := sandbox.New(cat)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) string {
		t.Helper()
		status, body := c.do("GET", path, nil)
		if status != http.StatusOK {
			t.Fatalf("sandbox: GET %s: %d %s", path, status, body)
		}
		check(path, status, body)
		return body
	}
	post := func(path string, form url.Values) {
		t.Helper()
		_, page := c.do("GET", "/sandbox", nil)
		m := csrfRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("sandbox: no CSRF token on /sandbox")
		}
		form.Set("csrf_token", html.UnescapeString(m[1]))
		resp, err := c.http.PostForm(c.base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sandbox: POST %s: %d %s", path, resp.StatusCode, body)
		}
		check(path, resp.StatusCode, string(body))
	}
	post("/sandbox/start", url.Values{})
	pages := 0
	for si, sec := range demo.Form.Sections {
		for qi, q := range sec.Questions {
			var body string
			if sec.Sequential() {
				body = get("/sandbox/question")
				if qi < len(sec.Questions)-1 {
					post("/sandbox/answer", url.Values{"key": {q.Key}, "seq": {"1"}, "answer": {"yes"}, "go": {"next-statement"}})
				}
			} else {
				body = get("/sandbox/question?q=" + url.QueryEscape(q.Key))
			}
			// The walk sees the questions themselves (so the check above
			// would see an exam-pool item in their place).
			if it, _ := demo.Item(q.Key); phrase(it.Stem) != "" && !strings.Contains(visible(body), phrase(it.Stem)) {
				t.Errorf("sandbox: the page of %s does not show its stem %q", q.Key, phrase(it.Stem))
			}
			pages++
		}
		get("/sandbox/review")
		get(fmt.Sprintf("/sandbox/sections/%d/complete", si+1))
		if si == len(demo.Form.Sections)-1 {
			get("/sandbox/submit")
		}
		post(fmt.Sprintf("/sandbox/sections/%d/complete", si+1), url.Values{})
	}
	get("/sandbox")
	if pages != len(demo.Form.Questions()) {
		t.Fatalf("sandbox: %d question pages for %d questions", pages, len(demo.Form.Questions()))
	}
}
