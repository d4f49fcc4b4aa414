package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/httperror"
	"github.com/certlab/certlab/internal/labrun"
	"github.com/certlab/certlab/internal/labrun/labtest"
)

// send sends a raw body with the client's session or token and returns
// the status and body.
func (c *client) send(method, path string, body []byte, contentType string) (int, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
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
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// submitLabOverHTTP downloads the workspace of an attempt's lab question
// (base is …/attempts/{id}/labs/{key}), solves it, uploads it and checks
// that an exam shows no verdicts.
func submitLabOverHTTP(t *testing.T, c *client, a *app.App, base, labID string) {
	t.Helper()
	l, err := a.LabCatalog.Lab(labID)
	if err != nil {
		t.Fatal(err)
	}
	var al labrun.AttemptLab
	c.must("GET", base, nil, &al)
	if al.Info.ID != labID || al.Info.Instructions == "" || !al.Open {
		t.Fatalf("attempt lab %+v", al.Info)
	}
	st, archive := c.send("GET", base+"/workspace", nil, "")
	if st != 200 {
		t.Fatalf("workspace: %d %s", st, archive)
	}
	st, body := c.send("POST", base+"/submissions", labtest.TarGz(t, labtest.Solve(t, l, archive)), "application/gzip")
	var v labrun.Verdict
	if st != 201 || json.Unmarshal(body, &v) != nil || !v.Hidden || v.Submission.Checks != nil || !v.Submission.Counted {
		t.Fatalf("exam lab submission: %d %s", st, body)
	}
	if strings.Contains(string(body), `"feedback"`) || strings.Contains(string(body), `"points": 5`) {
		t.Fatalf("an exam submission answers verdicts: %s", body)
	}
}

// The lab endpoints: practice labs for any signed-in user, bad uploads
// refused with their reason, exam labs and their hints and solutions
// refused, and nothing for a visitor.
func TestLabEndpoints(t *testing.T) {
	ts := startServer(t)
	cand := newClient(t, ts.URL)
	cand.register("cand@example.org")
	anon := newClient(t, ts.URL)
	for _, path := range []string{"/api/v1/labs", "/api/v1/labs/git-hotfix-cherry-pick", "/api/v1/labs/git-hotfix-cherry-pick/workspace",
		"/api/v1/labs/git-hotfix-cherry-pick/hints", "/api/v1/labs/git-hotfix-cherry-pick/solution"} {
		anon.wantError("GET", path, nil, 401, certlab.EUNAUTHORIZED)
	}
	anon.wantError("POST", "/api/v1/labs/git-hotfix-cherry-pick/submissions", nil, 401, certlab.EUNAUTHORIZED)

	var list []labrun.Summary
	cand.must("GET", "/api/v1/labs?program=devops-engineer-expert", nil, &list)
	if len(list) < 20 {
		t.Fatalf("%d practice labs", len(list))
	}
	cand.wantError("GET", "/api/v1/labs?program=nope", nil, 404, certlab.ENOTFOUND)

	const id = "git-hotfix-cherry-pick"
	l, _ := ts.App.LabCatalog.Lab(id)
	st, archive := cand.send("GET", "/api/v1/labs/"+id+"/workspace", nil, "")
	if st != 200 || len(archive) < 100 {
		t.Fatalf("workspace: %d", st)
	}
	solved := labtest.TarGz(t, labtest.Solve(t, l, archive))
	bad := []struct {
		name, ctype string
		body        []byte
		message     string
	}{
		{"JSON instead of an archive", "application/json", []byte(`{"workspace": 1}`), "Content-Type"},
		{"no content type", "", solved, "Content-Type"},
		{"text as gzip", "application/gzip", []byte("not an archive"), "not a .tar.gz, .zip or git bundle"},
	}
	for _, b := range bad {
		st, body := cand.send("POST", "/api/v1/labs/"+id+"/submissions", b.body, b.ctype)
		var eb httperror.Body
		json.Unmarshal(body, &eb)
		if st != 400 || eb.Error.Code != certlab.EINVALID || !strings.Contains(eb.Error.Message, b.message) {
			t.Fatalf("%s: %d %s, want 400 naming %q", b.name, st, body, b.message)
		}
	}
	st, body := cand.send("POST", "/api/v1/labs/"+id+"/submissions", solved, "application/gzip")
	var v labrun.Verdict
	if st != 201 || json.Unmarshal(body, &v) != nil || !v.Submission.Passed || len(v.Tasks) != len(l.Tasks) {
		t.Fatalf("submission: %d %s", st, body)
	}
	var page labrun.PracticeLab
	cand.must("GET", "/api/v1/labs/"+id, nil, &page)
	if page.Latest == nil || page.Latest.Submission.ID != v.Submission.ID || !strings.Contains(page.Info.Instructions, "release") {
		t.Fatalf("lab page %+v", page)
	}
	var hints []labrun.Hint
	cand.must("GET", "/api/v1/labs/"+id+"/hints?task="+l.Tasks[0].ID, nil, &hints)
	if len(hints) != 1 || hints[0].Hint != l.Tasks[0].Hint {
		t.Fatalf("hints %+v", hints)
	}
	if st, src := cand.send("GET", "/api/v1/labs/"+id+"/solution", nil, ""); st != 200 || !strings.Contains(string(src), "cherry-pick") {
		t.Fatalf("solution: %d %s", st, src)
	}

	const examLab = "release-notes-from-git-history"
	cand.wantError("GET", "/api/v1/labs/"+examLab, nil, 404, certlab.ENOTFOUND)
	cand.wantError("GET", "/api/v1/labs/"+examLab+"/workspace", nil, 404, certlab.ENOTFOUND)
	cand.wantError("GET", "/api/v1/labs/"+examLab+"/hints", nil, 403, certlab.EFORBIDDEN)
	cand.wantError("GET", "/api/v1/labs/"+examLab+"/solution", nil, 403, certlab.EFORBIDDEN)
	if st, _ := cand.send("POST", "/api/v1/labs/"+examLab+"/submissions", solved, "application/gzip"); st != 404 {
		t.Fatalf("an exam lab took a practice submission: %d", st)
	}
	for _, s := range list {
		if s.ID == examLab {
			t.Fatal("the practice list shows an exam lab")
		}
	}
}
