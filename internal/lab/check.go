package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Outcome is what one check found.
type Outcome struct {
	Pass   bool
	Detail string // what was found, in a line (shown with the feedback)
}

func pass(format string, args ...any) Outcome {
	return Outcome{Pass: true, Detail: fmt.Sprintf(format, args...)}
}
func fail(format string, args ...any) Outcome { return Outcome{Detail: fmt.Sprintf(format, args...)} }

// checker is one type of check. Each file check_*.go registers its types.
type checker struct {
	executes bool
	doc      string
	validate func(params *yaml.Node) error
	run      func(ctx context.Context, ws *Workspace, params *yaml.Node) Outcome
}

var checkers = map[string]checker{}

// register adds a check type whose parameters decode strictly into P;
// validate checks them when the lab loads, run grades a workspace.
func register[P any](name, doc string, executes bool, validate func(*P) error, run func(context.Context, *Workspace, *P) Outcome) {
	if _, dup := checkers[name]; dup {
		panic("lab: check type " + name + " registered twice")
	}
	decode := func(n *yaml.Node) (*P, error) {
		var p P
		b, err := yaml.Marshal(n)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&p); err != nil && err.Error() != "EOF" {
			return nil, errors.New(yamlMessage(err))
		}
		return &p, nil
	}
	checkers[name] = checker{executes: executes, doc: doc,
		validate: func(n *yaml.Node) error {
			p, err := decode(n)
			if err != nil {
				return err
			}
			if validate != nil {
				return validate(p)
			}
			return nil
		},
		run: func(ctx context.Context, ws *Workspace, n *yaml.Node) Outcome {
			p, err := decode(n)
			if err != nil {
				return fail("check parameters: %v", err)
			}
			return run(ctx, ws, p)
		}}
}

// CheckTypes lists the check types, sorted.
func CheckTypes() []string {
	out := make([]string, 0, len(checkers))
	for n := range checkers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CheckDoc returns the one-line description of a check type.
func CheckDoc(name string) string { return checkers[name].doc }

// errLine picks the line of a parameter error, or the check's line.
func errLine(err error, def int) int {
	if n := yamlLine(err); n > 0 {
		return n
	}
	return def
}

// Report is the verdict on a workspace: per task and per check.
type Report struct {
	Lab       string       `json:"lab"`
	Title     string       `json:"title"`
	Points    float64      `json:"points"`
	MaxPoints float64      `json:"max_points"`
	Passed    bool         `json:"passed"` // every check passed
	Tasks     []TaskResult `json:"tasks"`
	GradedAt  time.Time    `json:"graded_at"`
	Duration  float64      `json:"duration_seconds"`
}

// TaskResult is the verdict on one task. A task's points are shared
// evenly by its checks: each passing check earns its share.
type TaskResult struct {
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Points    float64       `json:"points"`
	MaxPoints float64       `json:"max_points"`
	Passed    bool          `json:"passed"`
	Checks    []CheckResult `json:"checks"`
}

// CheckResult is the verdict on one check.
type CheckResult struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Passed   bool   `json:"passed"`
	Skipped  bool   `json:"skipped,omitempty"` // not run here (it executes candidate content)
	Feedback string `json:"feedback,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

// Failed lists the ids of the checks that did not pass.
func (r *Report) Failed() []string {
	var out []string
	for _, t := range r.Tasks {
		for _, c := range t.Checks {
			if !c.Passed {
				out = append(out, c.ID)
			}
		}
	}
	return out
}

// Grade runs every check of the lab against the workspace. On the server
// (ws.Server) checks that execute candidate content are skipped and earn
// nothing; the loader keeps them out of exam labs.
func Grade(ctx context.Context, l *Lab, ws *Workspace) *Report {
	start := time.Now()
	ws.lab = l
	rep := &Report{Lab: l.ID, Title: l.Title, Passed: true, GradedAt: start.UTC()}
	for _, t := range l.Tasks {
		tr := TaskResult{ID: t.ID, Title: t.Title, MaxPoints: float64(t.Points), Passed: true}
		share := float64(t.Points) / float64(len(t.Checks))
		for _, c := range t.Checks {
			cr := CheckResult{ID: c.ID, Type: c.Type}
			switch {
			case ws.Server && c.Executes():
				cr.Skipped, cr.Detail = true, "runs the workspace's scripts: graded on the candidate's machine only"
			default:
				o := runCheck(ctx, c, ws)
				cr.Passed, cr.Detail = o.Pass, o.Detail
			}
			if cr.Passed {
				tr.Points += share
			} else {
				cr.Feedback = c.Feedback
				tr.Passed = false
				rep.Passed = false
			}
			tr.Checks = append(tr.Checks, cr)
		}
		tr.Points = math.Round(tr.Points*100) / 100
		rep.Points += tr.Points
		rep.MaxPoints += tr.MaxPoints
		rep.Tasks = append(rep.Tasks, tr)
	}
	rep.Points = math.Round(rep.Points*100) / 100
	rep.Duration = time.Since(start).Seconds()
	return rep
}

// runCheck runs one check, turning a panic of a library into a failure
// with its message rather than a crash.
func runCheck(ctx context.Context, c *Check, ws *Workspace) (o Outcome) {
	defer func() {
		if v := recover(); v != nil {
			o = fail("the check could not run: %v", v)
		}
	}()
	if err := ctx.Err(); err != nil {
		return fail("not run: %v", err)
	}
	return c.checker.run(ctx, ws, &c.Params)
}

// needPath is a validation helper for required file parameters.
func needPath(what, p string) error {
	if p == "" {
		return fmt.Errorf("%s is missing", what)
	}
	if !safeRelPath(p) {
		return fmt.Errorf("%s %q must be a relative path inside the workspace", what, p)
	}
	return nil
}

// oneLine shortens a multi-line message for a detail line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
