package labrun_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/fixture"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/labrun"
	"github.com/certlab/certlab/internal/labrun/labtest"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

type env struct {
	t    *testing.T
	ctx  context.Context
	clk  *apptest.Clock
	app  *app.App
	cand *certlab.User
}

func newEnv(t *testing.T) *env {
	t.Helper()
	for _, tool := range []string{"git", "tar", "bash"} {
		_, err := exec.LookPath(tool)
		fixture.NeedTool(t, tool, err, "apt-get install "+tool)
	}
	clk := apptest.NewClock(t0)
	a := apptest.New(t, app.Config{Now: clk.Now, Seed: func() int64 { return 7 }, LabTempDir: t.TempDir()})
	u, err := a.Accounts.Create(context.Background(), "cand@example.org", "Cand", "correct horse battery", certlab.RoleCandidate)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: context.Background(), clk: clk, app: a, cand: u}
}

func (e *env) lab(id string) *lab.Lab {
	e.t.Helper()
	l, err := e.app.LabCatalog.Lab(id)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// solved downloads a practice lab's workspace, solves it and packs it.
func (e *env) solved(id string) []byte {
	e.t.Helper()
	archive, err := e.app.Labs.PracticeWorkspace(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return labtest.TarGz(e.t, labtest.Solve(e.t, e.lab(id), archive))
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := certlab.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

// A candidate downloads a practice lab's workspace (a git repository with
// its history), solves it with real git, uploads it in each format, and
// gets every check passed; the solution's wrong twin loses exactly the
// checks the lab says it must fail.
func TestPracticeSubmission(t *testing.T) {
	e := newEnv(t)
	const id = "git-hotfix-cherry-pick"
	l := e.lab(id)
	archive, err := e.app.Labs.PracticeWorkspace(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := e.app.Labs.PracticeWorkspace(e.ctx, id)
	if !bytes.Equal(archive, again) {
		t.Fatal("the starting workspace is built again on every download")
	}
	dir := labtest.Solve(t, l, archive)
	if _, err := os.Stat(filepath.Join(dir, ".git", "HEAD")); err != nil {
		t.Fatalf("the downloaded workspace has no git history: %v", err)
	}
	zipped := zipDir(t, dir)
	for _, tc := range []struct {
		name   string
		upload []byte
		format string
	}{
		{"tar.gz of the folder", labtest.TarGz(t, dir), "tar.gz"},
		{"zip of the folder", zipped, "zip"},
		{"git bundle", labtest.Bundle(t, dir), "git bundle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := e.app.Labs.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader(tc.upload))
			if err != nil {
				t.Fatal(err)
			}
			sub := v.Submission
			if !sub.Passed || sub.Points != float64(l.MaxPoints()) || sub.MaxPoints != float64(l.MaxPoints()) || sub.Format != tc.format || v.Hidden {
				t.Fatalf("verdict %+v, want every check passed in %s", sub, tc.format)
			}
			if len(v.Tasks) != len(l.Tasks) || v.Tasks[0].State != "passed" {
				t.Fatalf("tasks %+v", v.Tasks)
			}
		})
	}

	// A plausible wrong solution: partial credit, the feedback of the
	// checks it fails, nothing else.
	w := l.Wrong[0]
	wrong := labtest.Unpack(t, l, archive)
	labtest.Run(t, l, wrong, w.Script)
	v, err := e.app.Labs.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader(labtest.TarGz(t, wrong)))
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, c := range v.Submission.Checks {
		if !c.Passed {
			failed[c.CheckID] = true
			if c.Feedback == "" {
				t.Errorf("check %s failed without feedback", c.CheckID)
			}
		}
	}
	for _, id := range w.Fails {
		if !failed[id] {
			t.Errorf("%s: check %s passed, the lab says it must fail", w.Script, id)
		}
	}
	if v.Submission.Passed || v.Submission.Points <= 0 || v.Submission.Points >= v.Submission.MaxPoints {
		t.Fatalf("%s: %g of %g points; want partial credit", w.Script, v.Submission.Points, v.Submission.MaxPoints)
	}

	page, err := e.app.Labs.PracticeLab(e.ctx, e.cand, id)
	if err != nil {
		t.Fatal(err)
	}
	if page.Latest == nil || page.Latest.Submission.ID != v.Submission.ID || len(page.History) != 4 || page.Info.Instructions == "" {
		t.Fatalf("lab page: latest %+v, %d in history", page.Latest, len(page.History))
	}
	list, err := e.app.Labs.PracticeLabs(e.ctx, e.cand, "devops-engineer-expert")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range list {
		if s.ID == id && s.Latest != nil && s.Latest.Submission == v.Submission.ID {
			found = true
		}
		if lb := e.lab(s.ID); lb.Pool != certlab.PoolPractice {
			t.Errorf("the practice list shows exam lab %s", s.ID)
		}
	}
	if !found || len(list) < 20 {
		t.Fatalf("practice labs of the program: %d, latest of %s found %v", len(list), id, found)
	}
}

// Bad uploads are refused with a message that names what is wrong, and
// the candidate's earlier submission and its result stay as they were.
func TestBadUploadsKeepTheEarlierSubmission(t *testing.T) {
	e := newEnv(t)
	const id = "git-hotfix-cherry-pick"
	good, err := e.app.Labs.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader(e.solved(id)))
	if err != nil {
		t.Fatal(err)
	}
	other := e.solved("semver-release-version-tag")
	outside := t.TempDir()
	linkDir := filepath.Join(t.TempDir(), "ws")
	os.MkdirAll(linkDir, 0o755)
	os.Symlink("/etc/passwd", filepath.Join(linkDir, "notes.txt"))
	small, err := labrun.New(labrun.Config{Store: e.app.Store, Labs: e.app.LabCatalog, Catalog: e.app.Catalog, Engine: e.app.Engine,
		Limits: lab.Limits{MaxUpload: 64 << 10, MaxUnpacked: 1 << 20, MaxFiles: 100}, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 70<<10)
	big[0], big[1] = 0x1f, 0x8b
	tests := []struct {
		name    string
		svc     *labrun.Service
		upload  []byte
		message string
	}{
		{"empty", e.app.Labs, nil, "the upload is empty"},
		{"not an archive", e.app.Labs, []byte("this is my README, not an archive"), "not a .tar.gz, .zip or git bundle"},
		{"too large", small, big, "larger than 0 MB"},
		{"path traversal", e.app.Labs, tarOf(t, "../../escape.txt", "x"), "climbs out of the workspace"},
		{"absolute path", e.app.Labs, tarOf(t, "/tmp/evil.txt", "x"), "absolute or malformed path"},
		{"symlink out", e.app.Labs, labtest.TarGz(t, linkDir), "outside the workspace"},
		{"corrupt bundle", e.app.Labs, []byte("# v2 git bundle\n0123456789012345678901234567890123456789 refs/heads/main\n\nPACKgarbage"), "git bundle"},
		{"bundle with a link out", e.app.Labs, bundleWithLink(t), "points to \"/etc/passwd\", outside the workspace"},
		{"corrupt gzip", e.app.Labs, []byte{0x1f, 0x8b, 8, 0, 0, 0}, "not a gzip archive"},
		{"another lab's workspace", e.app.Labs, other, "belongs to lab semver-release-version-tag"},
		{"no workspace record", e.app.Labs, tarOf(t, "README.md", "hello"), "not a git repository"},
	}
	_ = outside
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.svc.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader(tt.upload))
			wantCode(t, err, certlab.EINVALID)
			if !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("message %q does not say %q", certlab.ErrorMessage(err), tt.message)
			}
			page, err := e.app.Labs.PracticeLab(e.ctx, e.cand, id)
			if err != nil {
				t.Fatal(err)
			}
			if page.Latest == nil || page.Latest.Submission.ID != good.Submission.ID || page.Latest.Submission.Points != good.Submission.Points ||
				len(page.Latest.Submission.Checks) != len(good.Submission.Checks) || len(page.History) != 1 {
				t.Fatalf("after a refused upload the latest is %+v (history %d), want submission %d kept", page.Latest.Submission, len(page.History), good.Submission.ID)
			}
		})
	}
	if entries, _ := os.ReadDir(filepath.Dir(filepath.Join(outside, "x"))); len(entries) != 0 {
		t.Fatalf("something was written outside: %v", entries)
	}
}

// bundleWithLink is a git bundle whose tree holds a link to /etc/passwd,
// made with real git.
func bundleWithLink(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "--allow-empty", "-m", "start"}} {
		git(t, dir, args...)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", "passwd")
	git(t, dir, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "-m", "link")
	return labtest.Bundle(t, dir)
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func tarOf(t *testing.T, name, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(body))
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// zipDir zips a folder (its files, .git included) as a file manager would.
func zipDir(t *testing.T, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(dir), p)
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		h.Name, h.Method = filepath.ToSlash(rel), zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

// Exam labs stay inside the sitting: no page, workspace, hint or
// solution of theirs outside it.
func TestExamLabsAreNotPractice(t *testing.T) {
	e := newEnv(t)
	const id = "release-notes-from-git-history"
	if e.lab(id).Pool != certlab.PoolExam {
		t.Fatalf("%s is not an exam lab", id)
	}
	_, err := e.app.Labs.PracticeLab(e.ctx, e.cand, id)
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = e.app.Labs.PracticeWorkspace(e.ctx, id)
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = e.app.Labs.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader([]byte("x")))
	wantCode(t, err, certlab.ENOTFOUND)
	_, err = e.app.Labs.Hints(id, "")
	wantCode(t, err, certlab.EFORBIDDEN)
	_, err = e.app.Labs.Solution(id)
	wantCode(t, err, certlab.EFORBIDDEN)
	if src, err := e.app.Labs.Solution("git-hotfix-cherry-pick"); err != nil || !strings.Contains(src, "cherry-pick") {
		t.Fatalf("a practice lab's solution: %v %q", err, src)
	}
	if hs, err := e.app.Labs.Hints("git-hotfix-cherry-pick", ""); err != nil || len(hs) == 0 || hs[0].Hint == "" {
		t.Fatalf("a practice lab's hints: %v %+v", err, hs)
	}
}

// A practice lab whose checks run the workspace's scripts: the server
// grades the others and leaves those out of the points.
func TestChecksThatExecuteAreLeftOut(t *testing.T) {
	e := newEnv(t)
	const id = "output-variables-conditions"
	v, err := e.app.Labs.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader(e.solved(id)))
	if err != nil {
		t.Fatal(err)
	}
	if v.LocalOnly == 0 || !v.Submission.Passed || v.Submission.MaxPoints >= float64(e.lab(id).MaxPoints()) || v.Submission.Points != v.Submission.MaxPoints {
		t.Fatalf("verdict: %d local-only checks, %g of %g points, passed %v", v.LocalOnly, v.Submission.Points, v.Submission.MaxPoints, v.Submission.Passed)
	}
	for _, c := range v.Submission.Checks {
		if c.Skipped && (c.Type != "azure-pipeline-run" || c.MaxPoints != 0 || !strings.Contains(c.Detail, "not graded on the server")) {
			t.Fatalf("skipped check %+v", c)
		}
	}
}

// An exam with a lab section: the lab opens with its own time when the
// questions end, the candidate submits (a wrong workspace, then the
// solution), sees no verdicts, and the last submission is the lab
// question's response, scaled to its points, in the score report. After
// the section's time nothing more is taken.
func TestExamLabSection(t *testing.T) {
	e := newEnv(t)
	a, err := e.app.Engine.CreateAttempt(e.ctx, e.cand, "az-400", certlab.ModeExam, exam.PracticeOptions{Appointment: apptest.Admit(t, e.app, e.clk.Now(), e.cand, "az-400")})
	if err != nil {
		t.Fatal(err)
	}
	if a, err = e.app.Engine.Start(e.ctx, e.cand, a.ID, true); err != nil {
		t.Fatal(err)
	}
	last := a.Form.Sections[len(a.Form.Sections)-1]
	if last.Kind != certlab.SectionLab || len(last.Questions) != 2 || last.TimeLimit.Duration != 70*time.Minute {
		t.Fatalf("the last section is %s with %d questions and %v, want the lab section with 2 labs and 70m", last.Kind, len(last.Questions), last.TimeLimit)
	}
	q := last.Questions[0]
	_, err = e.app.Labs.AttemptLab(e.ctx, e.cand, a.ID, q.Key)
	wantCode(t, err, certlab.ECONFLICT) // not open yet

	// The questions' time runs out: the lab section opens with its own.
	e.clk.Add(100*time.Minute + time.Second)
	al, err := e.app.Labs.AttemptLab(e.ctx, e.cand, a.ID, q.Key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := e.app.Store.Attempt(e.ctx, a.ID)
	if got.Section != len(a.Form.Sections)-1 || !got.Deadline.Equal(t0.Add(170*time.Minute)) || got.Status != certlab.StatusStarted {
		t.Fatalf("after the questions' time: section %d, deadline %v, %s", got.Section, got.Deadline, got.Status)
	}
	for _, task := range al.Info.Tasks {
		if task.HasHint {
			t.Fatalf("an exam lab offers a hint: %+v", task)
		}
	}
	l := e.lab(al.Info.ID)
	archive, _, err := e.app.Labs.AttemptWorkspace(e.ctx, e.cand, a.ID, q.Key)
	if err != nil {
		t.Fatal(err)
	}
	wrong := labtest.Unpack(t, l, archive)
	labtest.Run(t, l, wrong, l.Wrong[0].Script)
	v, err := e.app.Labs.SubmitAttempt(e.ctx, e.cand, a.ID, q.Key, bytes.NewReader(labtest.TarGz(t, wrong)))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Hidden || v.Submission.Checks != nil || v.Submission.Points != 0 || !v.Submission.Counted || len(v.Tasks) != 0 {
		t.Fatalf("an exam submission shows its verdicts: %+v", v)
	}
	stored, _ := e.app.Store.LabSubmission(e.ctx, v.Submission.ID)
	partial := exam.LabPoints(mustItem(t, e, q.ItemID), stored.Points, stored.MaxPoints)
	if partial <= 0 || partial >= 5 || len(stored.Checks) == 0 {
		t.Fatalf("the wrong solution earns %g of 5 (stored %g of %g)", partial, stored.Points, stored.MaxPoints)
	}
	if r := response(t, e, a.ID, q.Key); r != partial {
		t.Fatalf("response %g, want %g", r, partial)
	}
	// A bad upload changes nothing; the solution replaces the answer.
	_, err = e.app.Labs.SubmitAttempt(e.ctx, e.cand, a.ID, q.Key, bytes.NewReader(tarOf(t, "../x", "x")))
	wantCode(t, err, certlab.EINVALID)
	if r := response(t, e, a.ID, q.Key); r != partial {
		t.Fatalf("after a refused upload the response is %g, want %g", r, partial)
	}
	if _, err := e.app.Labs.SubmitAttempt(e.ctx, e.cand, a.ID, q.Key, bytes.NewReader(labtest.TarGz(t, labtest.Solve(t, l, archive)))); err != nil {
		t.Fatal(err)
	}
	if r := response(t, e, a.ID, q.Key); r != 5 {
		t.Fatalf("after the solution the response is %g, want 5", r)
	}
	// Another lab's workspace in this question is refused.
	other := last.Questions[1]
	_, err = e.app.Labs.SubmitAttempt(e.ctx, e.cand, a.ID, other.Key, bytes.NewReader(labtest.TarGz(t, labtest.Solve(t, l, archive))))
	wantCode(t, err, certlab.EINVALID)

	// The section's time is up: the attempt is scored with the lab in it.
	e.clk.Add(70 * time.Minute)
	_, err = e.app.Labs.SubmitAttempt(e.ctx, e.cand, a.ID, q.Key, bytes.NewReader(labtest.TarGz(t, wrong)))
	if code := certlab.ErrorCode(err); code != certlab.EDEADLINE && code != certlab.ECONFLICT {
		t.Fatalf("a submission after the section's time: %v", err)
	}
	got, _ = e.app.Store.Attempt(e.ctx, a.ID)
	if got.Status != certlab.StatusScored || got.SubmitReason != "deadline" {
		t.Fatalf("after the lab section's time: %s %q", got.Status, got.SubmitReason)
	}
	var labQ *certlab.QuestionResult
	for i, qr := range got.Report.Questions {
		if qr.Key == q.Key {
			labQ = &got.Report.Questions[i]
		}
	}
	if labQ == nil || labQ.Points != 5 || labQ.MaxPoints != 5 || !labQ.Answered {
		t.Fatalf("the report's lab question: %+v", labQ)
	}
	if got.Report.Points < 5 {
		t.Fatalf("report points %g: the lab's 5 are missing", got.Report.Points)
	}
}

func mustItem(t *testing.T, e *env, id string) *certlab.Item {
	t.Helper()
	ex, _ := e.app.Catalog.Exam("az-400")
	it, ok := ex.Item(id)
	if !ok {
		t.Fatalf("no item %s", id)
	}
	return it
}

func response(t *testing.T, e *env, attempt int64, key string) float64 {
	t.Helper()
	rs, err := e.app.Store.Responses(e.ctx, attempt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Key == key {
			var v struct{ Points float64 }
			if err := json.Unmarshal(r.Value, &v); err != nil {
				t.Fatalf("response %s: %v", r.Value, err)
			}
			return v.Points
		}
	}
	return -1
}

// Graded practice labs feed study: the tasks count as answers toward
// readiness, and a lab done badly is due for review the next day, with
// its objective.
func TestPracticeLabsFeedStudy(t *testing.T) {
	e := newEnv(t)
	const id = "git-hotfix-cherry-pick"
	before, err := e.app.Study.Readiness(e.ctx, e.cand, "az-400")
	if err != nil {
		t.Fatal(err)
	}
	l := e.lab(id)
	archive, _ := e.app.Labs.PracticeWorkspace(e.ctx, id)
	dir := labtest.Unpack(t, l, archive) // submitted as it starts: every check fails
	if _, err := e.app.Labs.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader(labtest.TarGz(t, dir))); err != nil {
		t.Fatal(err)
	}
	after, err := e.app.Study.Readiness(e.ctx, e.cand, "az-400")
	if err != nil {
		t.Fatal(err)
	}
	if after.LabTasks != len(l.Tasks) || after.Answers != before.Answers+len(l.Tasks) || after.Theta >= before.Theta {
		t.Fatalf("readiness after a failed lab: %d lab tasks, %d answers (before %d), theta %g (before %g)", after.LabTasks, after.Answers, before.Answers, after.Theta, before.Theta)
	}
	if len(after.DueLabs) != 0 {
		t.Fatalf("due the same day: %v", after.DueLabs)
	}
	e.clk.Add(30 * time.Hour)
	due, err := e.app.Study.Readiness(e.ctx, e.cand, "az-400")
	if err != nil {
		t.Fatal(err)
	}
	obj := l.Objective("2024")
	if len(due.DueLabs) != 1 || due.DueLabs[0] != id || !contains(due.DueObjectives, obj) {
		t.Fatalf("next day: due labs %v, due objectives %v; want %s and %s", due.DueLabs, due.DueObjectives, id, obj)
	}
	// Solved: the lab is not due again tomorrow.
	if _, err := e.app.Labs.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader(e.solved(id))); err != nil {
		t.Fatal(err)
	}
	e.clk.Add(24 * time.Hour)
	solved, _ := e.app.Study.Readiness(e.ctx, e.cand, "az-400")
	if len(solved.DueLabs) != 0 || solved.Theta <= after.Theta {
		t.Fatalf("after solving: due labs %v, theta %g (failed: %g)", solved.DueLabs, solved.Theta, after.Theta)
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

// A lab whose solution rewrites every commit (purging a secret): the
// folder's archive is recognised by its record, a bundle of the rewritten
// history cannot be and is refused with the way out.
func TestHistoryRewritingLab(t *testing.T) {
	e := newEnv(t)
	const id = "secret-purge-keyvault-reference"
	archive, err := e.app.Labs.PracticeWorkspace(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	dir := labtest.Solve(t, e.lab(id), archive)
	v, err := e.app.Labs.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader(labtest.TarGz(t, dir)))
	if err != nil || !v.Submission.Passed {
		t.Fatalf("the purged workspace as tar.gz: %v %+v", err, v)
	}
	_, err = e.app.Labs.SubmitPractice(e.ctx, e.cand, id, bytes.NewReader(labtest.Bundle(t, dir)))
	wantCode(t, err, certlab.EINVALID)
	if !strings.Contains(err.Error(), "history you rewrote is submitted as the folder's .tar.gz or .zip") {
		t.Fatalf("bundle of a rewritten history: %v", err)
	}
}
