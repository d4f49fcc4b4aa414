package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/httperror"
)

type testServer struct {
	URL     string
	Catalog *certlab.Catalog
	Engine  *exam.Engine
	Clock   *apptest.Clock
	App     *app.App
}

// startServer runs the real application (app.New) on 127.0.0.1 with the
// built-in content, a fresh SQLite database, a fake clock and a fixed form
// seed; credentials are off.
func startServer(t *testing.T) *testServer {
	t.Helper()
	clk := apptest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	a := apptest.Start(t, app.Config{Now: clk.Now, Seed: func() int64 { return 20261125 }})
	return &testServer{URL: a.URL, Catalog: a.Catalog, Engine: a.Engine, Clock: clk, App: a.App}
}

// client is a signed-in API client (session cookie plus CSRF token, or a
// bearer token).
type client struct {
	t      *testing.T
	base   string
	http   *http.Client
	csrf   string
	bearer string
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar}}
}

// do sends a request and decodes the JSON answer into out; it returns the
// status and the raw body.
func (c *client) do(method, path string, body any, out any) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, raw
}

func (c *client) must(method, path string, body any, out any) {
	c.t.Helper()
	if st, raw := c.do(method, path, body, out); st >= 300 {
		c.t.Fatalf("%s %s: %d %s", method, path, st, raw)
	}
}

// wantError checks status and error code of a refused request.
func (c *client) wantError(method, path string, body any, status int, code string) {
	c.t.Helper()
	st, raw := c.do(method, path, body, nil)
	var eb httperror.Body
	json.Unmarshal(raw, &eb)
	if st != status || eb.Error.Code != code {
		c.t.Fatalf("%s %s: got %d %s, want %d %s", method, path, st, raw, status, code)
	}
	if eb.Error.Message == "" {
		c.t.Fatalf("%s %s: error without message", method, path)
	}
}

func (c *client) register(email string) *certlab.User {
	c.t.Helper()
	var si api.SessionInfo
	c.must("POST", "/api/v1/auth/register", map[string]string{"email": email, "password": "correct horse battery", "name": "T"}, &si)
	c.csrf = si.CSRFToken
	return si.User
}

// answer returns a response value for the question: the key, or a wrong
// answer when wrong is set.
func answer(it *certlab.Item, statement string, wrong bool) any {
	switch it.Type {
	case certlab.TypeSingle:
		if !wrong {
			return it.Key
		}
		for _, o := range it.Options {
			if o.ID != it.Key {
				return o.ID
			}
		}
	case certlab.TypeMultiple, certlab.TypeHotArea:
		if !wrong {
			return it.Keys
		}
		return []string{}
	case certlab.TypeOrdering:
		if !wrong {
			return it.Keys
		}
		rev := append([]string(nil), it.Keys...)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		if len(rev)%2 == 1 { // the middle stays right: give a response with nothing placed
			return []string{}
		}
		return rev
	case certlab.TypeMatching, certlab.TypeActiveScreen:
		if !wrong {
			return it.KeyMap
		}
		return map[string]string{}
	case certlab.TypeYesNoSeries:
		for _, s := range it.Statements {
			if s.ID == statement {
				return s.Answer != wrong
			}
		}
	}
	panic("no answer for " + it.Type)
}

func TestEndToEndExam(t *testing.T) {
	ts := startServer(t)
	ex, err := ts.Catalog.Exam("az-400")
	if err != nil {
		t.Fatal(err)
	}

	// The first account becomes admin; the candidate registers next.
	admin := newClient(t, ts.URL)
	if u := admin.register("admin@example.org"); u.Role != certlab.RoleAdmin {
		t.Fatalf("first account is %s, want admin", u.Role)
	}
	cand := newClient(t, ts.URL)
	if u := cand.register("candidate@example.org"); u.Role != certlab.RoleCandidate {
		t.Fatalf("second account is %s", u.Role)
	}

	// Security basics: no session, no access; cookie without CSRF refused.
	anon := newClient(t, ts.URL)
	anon.wantError("GET", "/api/v1/attempts", nil, 401, certlab.EUNAUTHORIZED)
	noCSRF := *cand
	noCSRF.csrf = ""
	noCSRF.wantError("POST", "/api/v1/attempts", map[string]any{"exam": "az-400"}, 403, certlab.EFORBIDDEN)

	var v exam.AttemptView
	// A proctored exam starts only from an admitted appointment, and only
	// with the candidate agreement accepted.
	cand.wantError("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "exam", "start": true, "accept_agreement": true}, 403, certlab.EFORBIDDEN)
	apID := admitOverHTTP(t, ts.App, ts.Clock.Now(), cand)
	cand.wantError("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "exam", "start": true, "appointment": apID}, 400, certlab.EINVALID)
	cand.must("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "exam", "start": true, "appointment": apID, "accept_agreement": true}, &v)
	if v.Status != certlab.StatusStarted || v.SecondsLeft == nil || *v.SecondsLeft != 100*60 {
		t.Fatalf("attempt not started with 100 minutes: %+v", v)
	}
	base := fmt.Sprintf("/api/v1/attempts/%d", v.ID)

	// Another candidate cannot see it.
	other := newClient(t, ts.URL)
	other.register("other@example.org")
	other.wantError("GET", base, nil, 404, certlab.ENOTFOUND)

	attempt, err := ts.Engine.Store.Attempt(context.Background(), v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := exam.CheckForm(ex, attempt.Form); err != nil {
		t.Fatalf("form breaks the blueprint: %v", err)
	}
	kinds := map[string]int{}
	for _, sec := range attempt.Form.Sections {
		kinds[sec.Kind]++
	}
	if kinds[certlab.SectionCaseStudy] != 1 || kinds[certlab.SectionYesNoSeries] != 1 || kinds[certlab.SectionGeneral] != 1 || kinds[certlab.SectionLab] != 1 {
		t.Fatalf("form sections %v: want a case study, a yes/no series, a general and a lab section", kinds)
	}
	item := func(q *certlab.Question) *certlab.Item { it, _ := ex.Item(q.ItemID); return it }
	types := map[string]bool{}
	seq := int64(0)
	save := func(q *certlab.Question, value any, marked bool) exam.SaveResult {
		seq++
		var res exam.SaveResult
		cand.must("PUT", base+"/responses/"+q.Key, map[string]any{"seq": seq, "value": value, "marked": marked}, &res)
		types[item(q).Type] = true
		return res
	}
	// Every question is answered right, except those of domain d2.
	wrong := func(q *certlab.Question) bool { return q.Domain == "d2" }

	noKeys := func(raw []byte) {
		t.Helper()
		s := string(raw)
		if strings.Contains(s, `"explanation"`) || strings.Contains(s, `"feedback"`) || strings.Contains(s, `"key"`+":") && strings.Contains(s, `"references"`) {
			t.Fatalf("the exam view carries explanations or keys")
		}
		for _, q := range attempt.Form.Questions() {
			if e := item(q).Explanation; len(e) > 40 && strings.Contains(s, jsonFragment(e[:40])) {
				t.Fatalf("explanation of %s leaked into the exam view", q.ItemID)
			}
		}
	}

	for si, sec := range attempt.Form.Sections {
		_, raw := cand.do("GET", base, nil, &v)
		noKeys(raw)
		if v.Section != si || v.Sections[si].State != "open" {
			t.Fatalf("section %d not open: %+v", si, v.Sections[si])
		}
		switch sec.Kind {
		case certlab.SectionCaseStudy:
			if v.Sections[si].Case == nil || len(v.Sections[si].Case.Exhibits) == 0 {
				t.Fatal("case study shown without its exhibits")
			}
			q0 := sec.Questions[0]
			// Out of order and duplicate sequence numbers: the newest wins.
			res := save(q0, answer(item(q0), "", wrong(q0)), false) // seq n
			newest := res.Response.Seq
			seq += 5
			cand.must("PUT", base+"/responses/"+q0.Key, map[string]any{"seq": newest + 5, "value": answer(item(q0), "", wrong(q0))}, &res)
			var stale exam.SaveResult
			cand.must("PUT", base+"/responses/"+q0.Key, map[string]any{"seq": newest + 2, "value": answer(item(q0), "", !wrong(q0))}, &stale)
			if stale.Applied || stale.Response.Seq != newest+5 {
				t.Fatalf("an older save overwrote a newer one: %+v", stale)
			}
			cand.must("PUT", base+"/responses/"+q0.Key, map[string]any{"seq": newest + 5, "value": answer(item(q0), "", !wrong(q0))}, &stale)
			if stale.Applied {
				t.Fatal("a duplicate sequence number was applied twice")
			}
			for _, q := range sec.Questions[1:] {
				save(q, answer(item(q), "", wrong(q)), false)
			}
			cand.must("POST", fmt.Sprintf("%s/sections/%d/complete", base, si+1), nil, &v)
			// The completed case study cannot be reopened or answered.
			cand.wantError("PUT", base+"/responses/"+q0.Key, map[string]any{"seq": seq + 100, "value": answer(item(q0), "", false)}, 409, certlab.ESECTIONCLOSED)
			cand.wantError("POST", fmt.Sprintf("%s/sections/%d/complete", base, si+1), nil, 409, certlab.ESECTIONCLOSED)
		case certlab.SectionYesNoSeries:
			if n := len(v.Sections[si].Questions); n != 1 {
				t.Fatalf("yes/no series shows %d statements at once, want 1", n)
			}
			for i, q := range sec.Questions {
				save(q, answer(item(q), q.Statement, wrong(q)), false)
				if i < len(sec.Questions)-1 {
					cand.must("POST", fmt.Sprintf("%s/sections/%d/next", base, si+1), nil, &v)
					prev := sec.Questions[i]
					cand.wantError("PUT", base+"/responses/"+prev.Key, map[string]any{"seq": seq + 100, "value": true}, 409, certlab.ENOTREVISITABLE)
				}
			}
			cand.must("POST", fmt.Sprintf("%s/sections/%d/complete", base, si+1), nil, &v)
		case certlab.SectionGeneral:
			for i, q := range sec.Questions {
				save(q, answer(item(q), q.Statement, wrong(q)), i == 0)
			}
			cand.must("GET", base, nil, &v)
			if len(v.Review) != 1 || v.Review[0] != sec.Questions[0].Key {
				t.Fatalf("review list %v, want the marked question", v.Review)
			}
			// Completing the questions opens the lab section with its own time.
			cand.must("POST", fmt.Sprintf("%s/sections/%d/complete", base, si+1), nil, &v)
			if v.SecondsLeft == nil || *v.SecondsLeft != 70*60 {
				t.Fatalf("the lab section opens with %v seconds, want 70 minutes", v.SecondsLeft)
			}
		case certlab.SectionLab:
			// Each lab's workspace is downloaded, solved with real git and
			// uploaded; labs of d2 are left alone, like d2's questions.
			for _, q := range sec.Questions {
				types[item(q).Type] = true
				if wrong(q) {
					continue
				}
				submitLabOverHTTP(t, cand, ts.App, fmt.Sprintf("%s/labs/%s", base, q.Key), item(q).Lab)
			}
		}
	}

	// Time passes beyond the lab section's deadline: the attempt is
	// submitted automatically.
	ts.Clock.Add(71 * time.Minute)
	cand.wantError("PUT", base+"/responses/"+attempt.Form.Sections[len(attempt.Form.Sections)-1].Questions[0].Key,
		map[string]any{"seq": seq + 1000, "value": nil}, 409, certlab.EDEADLINE)
	cand.must("GET", base, nil, &v)
	if v.Status != certlab.StatusScored || v.Reason != "deadline" {
		t.Fatalf("after the deadline: status %s reason %q", v.Status, v.Reason)
	}

	var rep certlab.Report
	cand.must("GET", base+"/report", nil, &rep)
	var d2 *certlab.DomainResult
	for i, d := range rep.Domains {
		if d.ID == "d2" {
			d2 = &rep.Domains[i]
		} else if d.Percent != 100 {
			t.Errorf("domain %s: %.1f%%, want 100 (all answered right)", d.ID, d.Percent)
		}
	}
	if d2 == nil || d2.Points != 0 || d2.Strength != "weak" {
		t.Fatalf("domain d2 should be 0 points and weak: %+v", d2)
	}
	want := exam.ScaleRaw(rep.Points/rep.MaxPoints, ex.Policy.CutPercent/100, 700)
	if rep.ScaledScore != want || rep.ScaledScore < 1 || rep.ScaledScore > 1000 || rep.Passed != (want >= 700) {
		t.Fatalf("scaled score %d passed %v, want %d", rep.ScaledScore, rep.Passed, want)
	}
	if rep.MaxPoints-rep.Points != d2.MaxPoints {
		t.Fatalf("lost points %v, want exactly d2's %v", rep.MaxPoints-rep.Points, d2.MaxPoints)
	}
	if len(rep.Weakest) == 0 || !strings.HasPrefix(rep.Weakest[0].ID, "d2.") {
		t.Fatalf("weakest objectives %+v should start with d2", rep.Weakest)
	}

	// Practice covers the item types the exam form did not draw, with
	// instant feedback, through an API token this time.
	var tok struct{ Token string }
	cand.must("POST", "/api/v1/tokens", map[string]string{"name": "e2e"}, &tok)
	tc := newClient(t, ts.URL)
	tc.bearer = tok.Token
	for _, typ := range []string{certlab.TypeSingle, certlab.TypeMultiple, certlab.TypeOrdering, certlab.TypeMatching, certlab.TypeHotArea, certlab.TypeActiveScreen, certlab.TypeYesNoSeries} {
		if types[typ] {
			continue
		}
		var pv exam.AttemptView
		tc.must("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "practice", "start": true,
			"practice": map[string]any{"types": []string{typ}, "count": 1}}, &pv)
		pq := pv.Sections[0].Questions[0]
		pa, _ := ts.Engine.Store.Attempt(context.Background(), pv.ID)
		q, _, _ := pa.Form.Question(pq.Key)
		var res exam.SaveResult
		tc.must("PUT", fmt.Sprintf("/api/v1/attempts/%d/responses/%s", pv.ID, pq.Key), map[string]any{"seq": 1, "value": answer(item(q), q.Statement, false)}, &res)
		if res.Feedback == nil || !res.Feedback.Correct || res.Feedback.Explanation == "" {
			t.Fatalf("practice %s: feedback %+v", typ, res.Feedback)
		}
		types[typ] = true
	}
	if len(types) != 8 {
		t.Fatalf("answered types %v, want all eight (the lab too)", types)
	}
}

func jsonFragment(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

// admitOverHTTP has a proctor admit the client's candidate to a sitting of
// az-400 (apptest.Admit) and returns the appointment.
func admitOverHTTP(t *testing.T, a *app.App, now time.Time, c *client) int64 {
	t.Helper()
	var me certlab.User
	c.must("GET", "/api/v1/me", nil, &me)
	return apptest.Admit(t, a, now, &me, "az-400")
}
