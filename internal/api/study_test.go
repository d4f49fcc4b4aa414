package api_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/study"
)

// TestStudyOverHTTP: adaptive practice chooses items one at a time and
// follows the blueprint; wrong answers become due for review; readiness
// rises with right answers and comes as JSON and as a chart.
func TestStudyOverHTTP(t *testing.T) {
	ts := startServer(t)
	ex, _ := ts.Catalog.Exam("az-400")
	c := newClient(t, ts.URL)
	c.register("learner@example.org")

	var before study.Readiness
	c.must("GET", "/api/v1/exams/az-400/readiness", nil, &before)
	if before.Answers != 0 || !before.Provisional || before.PassProbability <= 0 || before.PassProbability >= 1 {
		t.Fatalf("readiness before practice: %+v", before)
	}
	c.wantError("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "practice", "start": true, "practice": map[string]any{"due": true}}, 400, certlab.EINVALID)

	// Adaptive practice: 20 items, answered right except every fourth.
	var v exam.AttemptView
	c.must("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "practice", "start": true,
		"practice": map[string]any{"adaptive": true, "count": 20}}, &v)
	domains := map[string]int{}
	var missed []string
	for n := 0; n < 20; n++ {
		qs := v.Sections[0].Questions
		if len(qs) != n+1 {
			t.Fatalf("after %d answers the set shows %d questions, want %d", n, len(qs), n+1)
		}
		q := qs[n]
		it, _ := ex.Item(q.Item.ID)
		o := ex.Current()
		d, _ := o.Domain(it.Objective(o.Version))
		domains[d.ID]++
		wrong := n%4 == 3
		if wrong {
			missed = append(missed, it.ID)
		}
		var res exam.SaveResult
		c.must("PUT", fmt.Sprintf("/api/v1/attempts/%d/responses/%s", v.ID, q.Key), map[string]any{"seq": 1, "value": answer(it, "", wrong)}, &res)
		if res.Feedback == nil || res.Feedback.Correct == wrong {
			t.Fatalf("feedback %+v for a %v answer", res.Feedback, !wrong)
		}
		c.must("GET", fmt.Sprintf("/api/v1/attempts/%d", v.ID), nil, &v)
	}
	if n := len(v.Sections[0].Questions); n != 20 {
		t.Fatalf("the adaptive set grew to %d questions, want it to stop at 20", n)
	}
	// Content balancing: D3 (50-55 %) gets about half of the 20.
	if domains["d3"] < 9 || domains["d3"] > 12 {
		t.Fatalf("adaptive set domains %v: d3 should have about half", domains)
	}
	c.must("POST", fmt.Sprintf("/api/v1/attempts/%d/submit", v.ID), nil, &v)

	var after study.Readiness
	c.must("GET", "/api/v1/exams/az-400/readiness", nil, &after)
	if after.Answers != 20 || after.Theta <= before.Theta {
		t.Fatalf("readiness after 15 of 20 right: %+v (before %+v)", after, before)
	}

	// FSRS (long-term scheduler): the next day the missed items are due
	// and the ones answered right are not; practice "due" offers only them.
	var due struct {
		Count int
		Items []string
	}
	c.must("GET", "/api/v1/exams/az-400/due", nil, &due)
	if due.Count != 0 {
		t.Fatalf("items due on the day they were practised: %v", due.Items)
	}
	ts.Clock.Add(24 * time.Hour)
	// The session of yesterday has expired (12 hours): sign in again.
	c.wantError("GET", "/api/v1/exams/az-400/due", nil, 401, certlab.EUNAUTHORIZED)
	var si api.SessionInfo
	c.must("POST", "/api/v1/auth/login", map[string]string{"email": "learner@example.org", "password": "correct horse battery"}, &si)
	c.csrf = si.CSRFToken
	c.must("GET", "/api/v1/exams/az-400/due", nil, &due)
	for _, id := range missed {
		if !contains(due.Items, id) {
			t.Fatalf("missed item %s is not due the next day: %v", id, due.Items)
		}
	}
	for _, q := range v.Sections[0].Questions {
		if !contains(missed, q.Item.ID) && contains(due.Items, q.Item.ID) {
			t.Fatalf("%s was answered right yesterday and is due already", q.Item.ID)
		}
	}
	var dv exam.AttemptView
	c.must("POST", "/api/v1/attempts", map[string]any{"exam": "az-400", "mode": "practice", "start": true, "practice": map[string]any{"due": true, "count": 50}}, &dv)
	if len(dv.Sections[0].Questions) == 0 {
		t.Fatal("due practice is empty")
	}
	for _, q := range dv.Sections[0].Questions {
		if !contains(due.Items, q.Item.ID) {
			t.Fatalf("due practice offered %s, which is not due", q.Item.ID)
		}
	}

	// Charts are well-formed SVG.
	for _, path := range []string{"/api/v1/exams/az-400/readiness.svg", fmt.Sprintf("/api/v1/attempts/%d/report.svg", v.ID)} {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", ts.URL+path, nil)
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if err := xml.Unmarshal(body, new(struct{})); err != nil || !strings.HasPrefix(string(body), "<svg") {
			t.Fatalf("%s is not SVG: %v", path, err)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
