// Package labrun grades hands-on labs on the server: it takes an uploaded
// workspace (tar.gz, zip or git bundle), unpacks it defensively, makes
// sure it belongs to the lab, grades it with the lab's static checks only
// (nothing of the candidate's runs) and keeps the verdict per check. It
// serves practice labs on their own and the lab questions of attempts,
// whose result it records as the question's response through the exam
// engine, and it hands study the practice results. It is the one place
// that decides which lab a candidate may see: practice labs to anyone
// signed in, exam labs only inside the sitting whose form holds them.
package labrun

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/study"
)

// DefaultConcurrency is how many uploads are graded at once; more wait.
const DefaultConcurrency = 2

// Config is what the service is built from.
type Config struct {
	Store   certlab.Store
	Labs    *lab.Catalog
	Catalog *certlab.Catalog
	Engine  *exam.Engine
	Now     func() time.Time
	Logger  *slog.Logger
	// Limits bound an upload; zero means lab.DefaultLimits.
	Limits lab.Limits
	// TempDir is where uploads are unpacked and graded ("" for the
	// system's temporary folder); each one is removed afterwards.
	TempDir string
	// Concurrency bounds simultaneous gradings; 0 means DefaultConcurrency.
	Concurrency int
}

// Service grades lab submissions. Create it with New.
type Service struct {
	cfg Config
	sem chan struct{}

	mu         sync.Mutex
	workspaces map[string]*workspaceArchive
}

type workspaceArchive struct {
	once sync.Once
	data []byte
	err  error
}

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Labs == nil || cfg.Catalog == nil || cfg.Engine == nil {
		return nil, errors.New("labrun: Store, Labs, Catalog and Engine are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Limits == (lab.Limits{}) {
		cfg.Limits = lab.DefaultLimits
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	return &Service{cfg: cfg, sem: make(chan struct{}, cfg.Concurrency), workspaces: map[string]*workspaceArchive{}}, nil
}

// Labs is the lab catalog the service grades with.
func (s *Service) Labs() *lab.Catalog { return s.cfg.Labs }

// Limits are the bounds of an upload.
func (s *Service) Limits() lab.Limits { return s.cfg.Limits }

// practiceLab returns a lab of the practice pool; an exam lab is as
// unknown as a missing one.
func (s *Service) practiceLab(id string) (*lab.Lab, error) {
	l, ok := s.cfg.Labs.Labs[id]
	if !ok || l.Pool != certlab.PoolPractice {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "no practice lab %q", id)
	}
	return l, nil
}

// Info is what a candidate reads of a lab: the ticket and the tasks,
// never the hints, the checks' feedback or the solution.
type Info struct {
	ID           string     `json:"id"`
	Title        string     `json:"title"`
	Program      string     `json:"program"`
	Pool         string     `json:"pool"`
	Minutes      int        `json:"minutes"`
	Difficulty   int        `json:"difficulty"`
	Objectives   []string   `json:"objectives"` // names, in the program's current outline
	Instructions string     `json:"instructions"`
	Points       int        `json:"points"`
	Git          bool       `json:"git"` // the workspace is a git repository with a scripted history
	Tasks        []TaskInfo `json:"tasks"`
	// Download is the name of the starting workspace's archive.
	Download string `json:"download"`
	// StartCommand builds the same starting workspace with the CLI.
	StartCommand  string `json:"start_command"`
	SubmitCommand string `json:"submit_command"`
}

// TaskInfo is one task of a lab as the candidate sees it.
type TaskInfo struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Points  int    `json:"points"`
	HasHint bool   `json:"has_hint,omitempty"`
	// LocalOnly counts the task's checks that run the workspace's scripts:
	// they are graded by certlab lab check on the candidate's machine, not
	// on the server.
	LocalOnly int `json:"local_only_checks,omitempty"`
}

func (s *Service) info(l *lab.Lab) Info {
	in := Info{ID: l.ID, Title: l.Title, Program: s.cfg.Labs.Program[l.ID], Pool: l.Pool, Minutes: l.Minutes, Difficulty: l.Difficulty,
		Instructions: l.Instructions, Points: l.MaxPoints(), Git: len(l.Setup.Git) > 0, Objectives: s.objectiveNames(l),
		Download: l.ID + ".tar.gz", StartCommand: "certlab lab start " + l.ID, SubmitCommand: "certlab lab submit " + l.ID}
	if l.Pool == certlab.PoolPractice {
		in.Tasks = make([]TaskInfo, 0, len(l.Tasks))
	}
	for _, t := range l.Tasks {
		ti := TaskInfo{ID: t.ID, Title: t.Title, Points: t.Points, HasHint: t.Hint != "" && l.Pool == certlab.PoolPractice}
		for _, c := range t.Checks {
			if c.Executes() {
				ti.LocalOnly++
			}
		}
		in.Tasks = append(in.Tasks, ti)
	}
	return in
}

// objectiveNames are the names of the lab's objectives in the current
// outline of its program's first exam that has them.
func (s *Service) objectiveNames(l *lab.Lab) []string {
	p, err := s.cfg.Catalog.Program(s.cfg.Labs.Program[l.ID])
	names := []string{}
	if err != nil {
		return names
	}
	for _, ex := range p.Exams {
		o := ex.Current()
		for _, id := range l.Objectives[o.Version] {
			for _, d := range o.Domains {
				for _, ob := range d.Objectives {
					if ob.ID == id {
						names = append(names, ob.Name)
					}
				}
			}
		}
		if len(names) > 0 {
			return names
		}
	}
	return names
}

// Summary is a practice lab in a list, with the candidate's latest result.
type Summary struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Program    string   `json:"program"`
	Minutes    int      `json:"minutes"`
	Difficulty int      `json:"difficulty"`
	Objectives []string `json:"objectives"`
	Points     int      `json:"points"`
	Latest     *Score   `json:"latest,omitempty"`
}

// Score is a submission's result in a line.
type Score struct {
	Submission  int64     `json:"submission"`
	Points      float64   `json:"points"`
	MaxPoints   float64   `json:"max_points"`
	Passed      bool      `json:"passed"`
	SubmittedAt time.Time `json:"submitted_at"`
}

func scoreOf(sub *certlab.LabSubmission) *Score {
	return &Score{Submission: sub.ID, Points: sub.Points, MaxPoints: sub.MaxPoints, Passed: sub.Passed, SubmittedAt: sub.SubmittedAt}
}

// PracticeLabs lists the practice labs of a program ("" for every
// program), sorted by id, each with the user's latest result.
func (s *Service) PracticeLabs(ctx context.Context, u *certlab.User, programID string) ([]Summary, error) {
	if programID != "" {
		if _, err := s.cfg.Catalog.Program(programID); err != nil {
			return nil, err
		}
	}
	practice := int64(0)
	subs, err := s.cfg.Store.LabSubmissions(ctx, certlab.LabSubmissionFilter{UserID: &u.ID, AttemptID: &practice})
	if err != nil {
		return nil, err
	}
	latest := map[string]*certlab.LabSubmission{}
	for _, sub := range subs { // newest first
		if latest[sub.LabID] == nil {
			latest[sub.LabID] = sub
		}
	}
	out := []Summary{}
	for _, l := range s.cfg.Labs.List() {
		if l.Pool != certlab.PoolPractice || programID != "" && s.cfg.Labs.Program[l.ID] != programID {
			continue
		}
		sm := Summary{ID: l.ID, Title: l.Title, Program: s.cfg.Labs.Program[l.ID], Minutes: l.Minutes, Difficulty: l.Difficulty,
			Objectives: s.objectiveNames(l), Points: l.MaxPoints()}
		if sub := latest[l.ID]; sub != nil {
			sm.Latest = scoreOf(sub)
		}
		out = append(out, sm)
	}
	return out, nil
}

// PracticeLab is a practice lab's page: the lab, the user's latest
// verdict and earlier results.
type PracticeLab struct {
	Info    Info     `json:"lab"`
	Latest  *Verdict `json:"latest,omitempty"`
	History []*Score `json:"history"`
}

// PracticeLab returns the page of a practice lab for the user.
func (s *Service) PracticeLab(ctx context.Context, u *certlab.User, id string) (*PracticeLab, error) {
	l, err := s.practiceLab(id)
	if err != nil {
		return nil, err
	}
	practice := int64(0)
	subs, err := s.cfg.Store.LabSubmissions(ctx, certlab.LabSubmissionFilter{UserID: &u.ID, LabID: id, AttemptID: &practice, Limit: 20})
	if err != nil {
		return nil, err
	}
	p := &PracticeLab{Info: s.info(l), History: []*Score{}}
	for _, sub := range subs {
		p.History = append(p.History, scoreOf(sub))
	}
	if len(subs) > 0 {
		p.Latest = verdict(l, subs[0], true)
	}
	return p, nil
}

// Hint is a task's hint.
type Hint struct {
	Task  string `json:"task"`
	Title string `json:"title"`
	Hint  string `json:"hint"`
}

// Hints returns the hints of a practice lab's tasks (of one task, when
// task is set). Exam labs give none.
func (s *Service) Hints(id, task string) ([]Hint, error) {
	l, err := s.refuseExamLab(id, "hints")
	if err != nil {
		return nil, err
	}
	out := []Hint{}
	for _, t := range l.Tasks {
		if task != "" && t.ID != task {
			continue
		}
		h := t.Hint
		if h == "" {
			h = "No hint for this task: read the feedback of its checks."
		}
		out = append(out, Hint{Task: t.ID, Title: t.Title, Hint: h})
	}
	if task != "" && len(out) == 0 {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "lab %s has no task %q", id, task)
	}
	return out, nil
}

// Solution returns the reference solution script of a practice lab. Exam
// labs' solutions are never shown.
func (s *Service) Solution(id string) (string, error) {
	l, err := s.refuseExamLab(id, "solution")
	if err != nil {
		return "", err
	}
	b, err := l.ReadFile(l.Solution)
	if err != nil {
		return "", fmt.Errorf("lab %s: read the solution: %w", id, err)
	}
	return string(b), nil
}

func (s *Service) refuseExamLab(id, what string) (*lab.Lab, error) {
	l, ok := s.cfg.Labs.Labs[id]
	if !ok {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "no practice lab %q", id)
	}
	if l.Pool != certlab.PoolPractice {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "lab %s is an exam lab: its %s is never shown", id, what)
	}
	return l, nil
}

// PracticeWorkspace returns the starting workspace of a practice lab as a
// tar.gz archive with one folder named after the lab.
func (s *Service) PracticeWorkspace(ctx context.Context, id string) ([]byte, error) {
	l, err := s.practiceLab(id)
	if err != nil {
		return nil, err
	}
	return s.workspace(ctx, l)
}

// workspace builds a lab's starting workspace once and keeps the archive:
// the same lab always builds the same history, so every candidate gets
// the same bytes.
func (s *Service) workspace(ctx context.Context, l *lab.Lab) ([]byte, error) {
	s.mu.Lock()
	w := s.workspaces[l.ID]
	if w == nil {
		w = &workspaceArchive{}
		s.workspaces[l.ID] = w
	}
	s.mu.Unlock()
	w.once.Do(func() { w.data, w.err = buildWorkspace(context.WithoutCancel(ctx), l, s.cfg.TempDir) })
	if w.err != nil {
		return nil, fmt.Errorf("lab %s: build the starting workspace: %w", l.ID, w.err)
	}
	return w.data, nil
}

func buildWorkspace(ctx context.Context, l *lab.Lab, tempDir string) ([]byte, error) {
	dir, err := os.MkdirTemp(tempDir, "certlab-start-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ws, err := lab.Start(ctx, l, filepath.Join(dir, l.ID))
	if err != nil {
		return nil, err
	}
	// The lab's local remotes are named by absolute paths on this server:
	// point them at the copy inside the workspace instead.
	remotes, _ := filepath.Glob(filepath.Join(ws.Dir, lab.MetaDir, "remotes", "*.git"))
	for _, r := range remotes {
		name := strings.TrimSuffix(filepath.Base(r), ".git")
		if _, err := ws.Git(ctx, "remote", "set-url", name, lab.MetaDir+"/remotes/"+name+".git"); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := lab.PackAs(&buf, ws, l.ID); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Verdict is a graded submission as its candidate sees it. During an exam
// the verdicts are hidden: the submission is acknowledged, not scored in
// front of the candidate (the score report gives the result).
type Verdict struct {
	Submission *certlab.LabSubmission `json:"submission"`
	Title      string                 `json:"title"`
	Tasks      []TaskVerdict          `json:"tasks,omitempty"`
	Hidden     bool                   `json:"verdicts_hidden,omitempty"`
	// LocalOnly counts checks the server did not run (they execute the
	// workspace's scripts): left out of the points; certlab lab check
	// grades them locally.
	LocalOnly int    `json:"local_only_checks,omitempty"`
	Note      string `json:"note,omitempty"`
}

// TaskVerdict groups a submission's check results by task.
type TaskVerdict struct {
	ID        string                   `json:"id"`
	Title     string                   `json:"title"`
	Points    float64                  `json:"points"`
	MaxPoints float64                  `json:"max_points"`
	State     string                   `json:"state"` // passed, partial, failed, not graded
	Checks    []certlab.LabCheckResult `json:"checks"`
}

// verdict builds the candidate's view of a stored submission; without
// show, only the acknowledgement.
func verdict(l *lab.Lab, sub *certlab.LabSubmission, show bool) *Verdict {
	v := &Verdict{Title: l.Title}
	if !show {
		hidden := *sub
		hidden.Points, hidden.MaxPoints, hidden.Passed, hidden.Checks = 0, 0, false, nil
		v.Submission, v.Hidden = &hidden, true
		v.Note = "Your workspace was received and graded. Verdicts are not shown during an exam: the score report includes the lab. You may submit again until the section ends; the last submission counts."
		return v
	}
	v.Submission = sub
	titles := map[string]string{}
	points := map[string]int{}
	for _, t := range l.Tasks {
		titles[t.ID], points[t.ID] = t.Title, t.Points
	}
	type tally struct{ checks, graded, passed int }
	counts := map[string]*tally{}
	var order []string
	byTask := map[string]*TaskVerdict{}
	for _, c := range sub.Checks {
		tv := byTask[c.TaskID]
		if tv == nil {
			tv = &TaskVerdict{ID: c.TaskID, Title: titles[c.TaskID]}
			byTask[c.TaskID] = tv
			order = append(order, c.TaskID)
		}
		tv.Checks = append(tv.Checks, c)
		tv.Points += c.Points
		tv.MaxPoints += c.MaxPoints
		if counts[c.TaskID] == nil {
			counts[c.TaskID] = &tally{}
		}
		n := counts[c.TaskID]
		n.checks++
		if c.Skipped {
			v.LocalOnly++
		} else {
			n.graded++
			if c.Passed {
				n.passed++
			}
		}
	}
	for _, id := range order {
		tv := byTask[id]
		if p, n := points[id], counts[id]; p > 0 && n.checks > 0 {
			// From the task's points, not the sum of rounded shares.
			share := float64(p) / float64(n.checks)
			tv.Points, tv.MaxPoints = share*float64(n.passed), share*float64(n.graded)
		}
		tv.Points, tv.MaxPoints = round2(tv.Points), round2(tv.MaxPoints)
		switch {
		case tv.MaxPoints == 0:
			tv.State = "not graded"
		case tv.Points >= tv.MaxPoints:
			tv.State = "passed"
		case tv.Points > 0:
			tv.State = "partial"
		default:
			tv.State = "failed"
		}
		v.Tasks = append(v.Tasks, *tv)
	}
	if v.LocalOnly > 0 {
		v.Note = fmt.Sprintf("%d %s the workspace's scripts: the server does not run them, so they are left out of the points here; run certlab lab check in the workspace to grade them.",
			v.LocalOnly, plural(v.LocalOnly, "check runs", "checks run"))
	}
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// SubmitPractice grades an upload of a practice lab's workspace for the
// user and keeps it. A refused upload (too large, not an archive, unsafe
// paths or links, a corrupt bundle, another lab's workspace) is an
// EINVALID error naming what was wrong, and stores nothing.
func (s *Service) SubmitPractice(ctx context.Context, u *certlab.User, id string, upload io.Reader) (*Verdict, error) {
	l, err := s.practiceLab(id)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Engine.CheckNoOpenExam(ctx, u); err != nil {
		return nil, err
	}
	sub, err := s.grade(ctx, l, upload)
	if err != nil {
		return nil, err
	}
	sub.UserID = u.ID
	if err := s.cfg.Store.CreateLabSubmission(ctx, sub); err != nil {
		return nil, err
	}
	s.cfg.Logger.Info("lab graded", "lab", l.ID, "user", u.ID, "submission", sub.ID, "points", sub.Points, "max", sub.MaxPoints, "seconds", sub.Duration)
	return verdict(l, sub, true), nil
}

// grade reads, unpacks, checks and grades one upload. The submission it
// returns has no user or id yet.
func (s *Service) grade(ctx context.Context, l *lab.Lab, upload io.Reader) (*certlab.LabSubmission, error) {
	received := s.cfg.Now().UTC()
	data, err := io.ReadAll(io.LimitReader(upload, s.cfg.Limits.MaxUpload+1))
	if err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "the upload could not be read: %v", err)
	}
	if int64(len(data)) > s.cfg.Limits.MaxUpload {
		return nil, certlab.Errorf(certlab.EINVALID, "workspace refused: the upload is larger than %d MB", s.cfg.Limits.MaxUpload>>20)
	}
	if len(data) == 0 {
		return nil, certlab.Errorf(certlab.EINVALID, "workspace refused: the upload is empty (choose the workspace archive or git bundle)")
	}
	format, err := lab.DetectFormat(data)
	if err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "%v: upload the workspace as a .tar.gz or .zip archive of its folder (with .git), or as a git bundle (certlab lab pack makes one)", err)
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	dir, err := os.MkdirTemp(s.cfg.TempDir, "certlab-grade-*")
	if err != nil {
		return nil, fmt.Errorf("grade lab %s: %w", l.ID, err)
	}
	defer os.RemoveAll(dir)
	ws, err := lab.Unpack(ctx, bytes.NewReader(data), filepath.Join(dir, "ws"), s.cfg.Limits)
	if err != nil {
		if errors.Is(err, lab.ErrBadArchive) {
			return nil, certlab.Errorf(certlab.EINVALID, "%v", err)
		}
		return nil, fmt.Errorf("grade lab %s: unpack: %w", l.ID, err)
	}
	if err := lab.CheckOwner(ctx, l, ws); err != nil {
		if errors.Is(err, lab.ErrBadArchive) {
			return nil, certlab.Errorf(certlab.EINVALID, "%v", err)
		}
		return nil, fmt.Errorf("grade lab %s: %w", l.ID, err)
	}
	rep := lab.Grade(ctx, l, ws)
	sum := sha256.Sum256(data)
	sub := &certlab.LabSubmission{LabID: l.ID, Format: string(format), Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		SubmittedAt: received, Duration: math.Round(rep.Duration*1000) / 1000, Passed: true, Checks: []certlab.LabCheckResult{}}
	graded := 0
	for _, t := range rep.Tasks {
		share := 0.0
		if len(t.Checks) > 0 {
			share = t.MaxPoints / float64(len(t.Checks))
		}
		for _, c := range t.Checks {
			cr := certlab.LabCheckResult{TaskID: t.ID, CheckID: c.ID, Type: c.Type, Passed: c.Passed, Skipped: c.Skipped, Detail: c.Detail, Feedback: c.Feedback}
			if c.Skipped {
				cr.Detail, cr.Feedback = "not graded on the server: it runs the workspace's scripts (certlab lab check grades it on your machine)", ""
			} else {
				graded++
				cr.MaxPoints = round2(share)
				if c.Passed {
					cr.Points = cr.MaxPoints
				} else {
					sub.Passed = false
				}
				sub.Points += share * boolf(c.Passed)
				sub.MaxPoints += share
			}
			sub.Checks = append(sub.Checks, cr)
		}
	}
	sub.Points, sub.MaxPoints = round2(sub.Points), round2(sub.MaxPoints)
	if graded == 0 {
		sub.Passed = false
	}
	return sub, nil
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// AttemptLab is a lab question of an attempt as its candidate sees it.
type AttemptLab struct {
	AttemptID int64    `json:"attempt_id"`
	Key       string   `json:"question"`
	Mode      string   `json:"mode"`
	Info      Info     `json:"lab"`
	Latest    *Verdict `json:"latest,omitempty"`
	Count     int      `json:"submissions"`
	// Open: the section takes submissions now.
	Open bool `json:"open"`
}

// attemptLab finds the lab of an attempt's question the user may see: in
// an exam, only the candidate, while the question's section is open.
func (s *Service) attemptLab(ctx context.Context, u *certlab.User, attemptID int64, key string) (*exam.LabQuestion, *lab.Lab, error) {
	lq, err := s.cfg.Engine.LabQuestion(ctx, u, attemptID, key)
	if err != nil {
		return nil, nil, err
	}
	l, ok := s.cfg.Labs.Labs[lq.Item.Lab]
	if !ok {
		return nil, nil, certlab.Errorf(certlab.ECONFLICT, "lab %s of question %s is not on this server", lq.Item.Lab, key)
	}
	return lq, l, nil
}

// AttemptLab returns the lab of an attempt's open lab question.
func (s *Service) AttemptLab(ctx context.Context, u *certlab.User, attemptID int64, key string) (*AttemptLab, error) {
	lq, l, err := s.attemptLab(ctx, u, attemptID, key)
	if err != nil {
		return nil, err
	}
	subs, err := s.cfg.Store.LabSubmissions(ctx, certlab.LabSubmissionFilter{AttemptID: &attemptID, QuestionKey: key})
	if err != nil {
		return nil, err
	}
	show := lq.Attempt.Mode == certlab.ModePractice
	al := &AttemptLab{AttemptID: attemptID, Key: key, Mode: lq.Attempt.Mode, Info: s.info(l), Count: len(subs), Open: true}
	if !show {
		al.Info.Tasks = taskTitles(l) // no hints in an exam
	}
	al.Info.SubmitCommand = fmt.Sprintf("certlab lab submit %s --attempt %d", l.ID, attemptID)
	if len(subs) > 0 {
		al.Latest = verdict(l, subs[0], show)
	}
	return al, nil
}

func taskTitles(l *lab.Lab) []TaskInfo {
	out := make([]TaskInfo, 0, len(l.Tasks))
	for _, t := range l.Tasks {
		out = append(out, TaskInfo{ID: t.ID, Title: t.Title, Points: t.Points})
	}
	return out
}

// AttemptWorkspace returns the starting workspace of an attempt's open
// lab question.
func (s *Service) AttemptWorkspace(ctx context.Context, u *certlab.User, attemptID int64, key string) ([]byte, string, error) {
	_, l, err := s.attemptLab(ctx, u, attemptID, key)
	if err != nil {
		return nil, "", err
	}
	b, err := s.workspace(ctx, l)
	return b, l.ID + ".tar.gz", err
}

// SubmitAttempt grades an upload for an attempt's lab question and
// records the result as the question's response (partial credit: the
// question's points times the share of check points). Refused uploads
// store nothing and leave the recorded result as it was. In an exam the
// verdict is acknowledged without the points.
func (s *Service) SubmitAttempt(ctx context.Context, u *certlab.User, attemptID int64, key string, upload io.Reader) (*Verdict, error) {
	lq, l, err := s.attemptLab(ctx, u, attemptID, key)
	if err != nil {
		return nil, err
	}
	received := s.cfg.Now()
	sub, err := s.grade(ctx, l, upload)
	if err != nil {
		return nil, err
	}
	sub.UserID, sub.AttemptID, sub.QuestionKey = u.ID, attemptID, key
	if err := s.cfg.Store.CreateLabSubmission(ctx, sub); err != nil {
		return nil, err
	}
	points := exam.LabPoints(lq.Item, sub.Points, sub.MaxPoints)
	recErr := s.cfg.Engine.RecordLab(ctx, lq, sub.ID, points, received)
	if recErr == nil {
		if err := s.cfg.Store.SetLabSubmissionCounted(ctx, sub.ID); err != nil {
			return nil, err
		}
		sub.Counted = true
	} else if certlab.ErrorCode(recErr) != certlab.ESECTIONCLOSED {
		return nil, recErr
	}
	s.cfg.Logger.Info("lab graded in an attempt", "lab", l.ID, "attempt", attemptID, "question", key, "submission", sub.ID,
		"points", sub.Points, "max", sub.MaxPoints, "question_points", points, "counted", sub.Counted, "seconds", sub.Duration)
	v := verdict(l, sub, lq.Attempt.Mode == certlab.ModePractice)
	if !sub.Counted {
		v.Note = certlab.ErrorMessage(recErr)
	}
	return v, nil
}

// PracticeResults returns the user's graded practice lab submissions that
// count toward an exam, oldest first: labs of the exam's program, of the
// practice pool, whose objectives are in the exam's current outline.
// Submissions made inside attempts are counted with their attempts.
func (s *Service) PracticeResults(ctx context.Context, userID int64, examID string) ([]study.LabResult, error) {
	ex, err := s.cfg.Catalog.Exam(examID)
	if err != nil {
		return nil, err
	}
	o := ex.Current()
	practice := int64(0)
	subs, err := s.cfg.Store.LabSubmissions(ctx, certlab.LabSubmissionFilter{UserID: &userID, AttemptID: &practice})
	if err != nil {
		return nil, err
	}
	var out []study.LabResult
	for _, sub := range subs {
		l, ok := s.cfg.Labs.Labs[sub.LabID]
		if !ok || l.Pool != certlab.PoolPractice || s.cfg.Labs.Program[l.ID] != ex.ProgramID || sub.MaxPoints <= 0 {
			continue
		}
		obj := l.Objective(o.Version)
		if _, ok := o.Domain(obj); !ok {
			continue
		}
		r := study.LabResult{Submission: sub.ID, LabID: l.ID, Objective: obj, Difficulty: l.Difficulty, Points: sub.Points, MaxPoints: sub.MaxPoints, At: sub.SubmittedAt}
		tasks := map[string]*[2]int{} // graded, passed
		var order []string
		for _, c := range sub.Checks {
			if c.Skipped {
				continue
			}
			if tasks[c.TaskID] == nil {
				tasks[c.TaskID] = &[2]int{}
				order = append(order, c.TaskID)
			}
			tasks[c.TaskID][0]++
			if c.Passed {
				tasks[c.TaskID][1]++
			}
		}
		for _, id := range order {
			r.Tasks = append(r.Tasks, tasks[id][0] == tasks[id][1])
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Submission < out[j].Submission })
	return out, nil
}
