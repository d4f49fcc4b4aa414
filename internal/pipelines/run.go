package pipelines

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Result is the outcome of a stage, job or step, as the service names it.
type Result string

// The results.
const (
	Succeeded           Result = "Succeeded"
	SucceededWithIssues Result = "SucceededWithIssues"
	Failed              Result = "Failed"
	Canceled            Result = "Canceled"
	Skipped             Result = "Skipped"
)

func (r Result) ok() bool { return r == Succeeded || r == SucceededWithIssues }

// RunOptions configure a local run.
type RunOptions struct {
	// SourcesDir is the checked-out self repository (Build.SourcesDirectory).
	SourcesDir string
	// WorkDir is the workspace, kept after the run; when empty a temporary
	// folder is used and removed afterwards.
	WorkDir string
	// Variables are queue-time variables; YAML variables override them.
	Variables map[string]string
	// Repositories maps repository aliases to local folders for checkout.
	Repositories map[string]string
	// MaxParallel bounds the jobs running at the same time (default 2).
	MaxParallel int
	// Stdout receives the pipeline log.
	Stdout io.Writer
	// Getenv reads the environment passed on to steps (PATH, HOME, …).
	Getenv func(string) string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// HostOSAny runs jobs whose pool asks for another operating system
	// (Windows, macOS) on this machine anyway; without it they are skipped
	// with that reason.
	HostOSAny bool
}

// RunResult is the outcome of a run.
type RunResult struct {
	Result   Result
	Stages   []*StageResult
	Duration time.Duration
}

// Succeeded reports whether the run succeeded (possibly with issues).
func (r *RunResult) Succeeded() bool { return r.Result.ok() }

// StageResult is the outcome of a stage.
type StageResult struct {
	Name   string
	Result Result
	Reason string
	Jobs   []*JobResult
}

// JobResult is the outcome of one job instance (a matrix leg is an instance).
type JobResult struct {
	Name     string // job name, with the leg for matrix and parallel jobs
	Job      string
	Leg      string
	Result   Result
	Reason   string
	Steps    []*StepResult
	Outputs  map[string]string // "step.var" (and "leg.step.var") → value
	Issues   []Issue
	Duration time.Duration
}

// StepResult is the outcome of a step.
type StepResult struct {
	Name     string
	Display  string
	Result   Result
	Reason   string
	ExitCode int
	Duration time.Duration
}

// Issue is a warning or error logged with ##vso[task.logissue].
type Issue struct {
	Type    string
	Message string
}

type runner struct {
	opts    RunOptions
	p       *Pipeline
	sem     chan struct{}
	logMu   sync.Mutex
	start   time.Time
	workDir string
	counter map[string]int
	ctrMu   sync.Mutex
	baseEnv []string
	shells  map[string]string
	// artifactMu guards the artifact store under workDir/_artifacts.
	artifactMu sync.Mutex
}

// Run runs a validated pipeline on this machine: stages and jobs in
// dependency order, script steps in a workspace. task steps and deployment
// targets cannot run locally and are reported as skipped with the reason.
func Run(ctx context.Context, p *Pipeline, opts RunOptions) (*RunResult, error) {
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxParallel <= 0 {
		opts.MaxParallel = 2
	}
	r := &runner{opts: opts, p: p, sem: make(chan struct{}, opts.MaxParallel), start: opts.Now(), counter: map[string]int{}, shells: map[string]string{}}
	if opts.WorkDir == "" {
		d, err := os.MkdirTemp("", "certlab-pipeline-")
		if err != nil {
			return nil, fmt.Errorf("create workspace: %w", err)
		}
		r.workDir = d
		defer os.RemoveAll(d)
	} else {
		abs, err := filepath.Abs(opts.WorkDir)
		if err != nil {
			return nil, fmt.Errorf("workspace %s: %w", opts.WorkDir, err)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, fmt.Errorf("create workspace: %w", err)
		}
		r.workDir = abs
	}
	if opts.SourcesDir != "" {
		abs, err := filepath.Abs(opts.SourcesDir)
		if err != nil {
			return nil, fmt.Errorf("sources %s: %w", opts.SourcesDir, err)
		}
		r.opts.SourcesDir = abs
	} else {
		r.opts.SourcesDir = filepath.Join(r.workDir, "s")
		if err := os.MkdirAll(r.opts.SourcesDir, 0o755); err != nil {
			return nil, fmt.Errorf("create sources folder: %w", err)
		}
	}
	for _, k := range []string{"PATH", "HOME", "USER", "LANG", "TMPDIR", "TERM", "SHELL"} {
		if v := opts.Getenv(k); v != "" {
			r.baseEnv = append(r.baseEnv, k+"="+v)
		}
	}
	for _, sh := range []string{"bash", "pwsh"} {
		if path, err := lookPath(sh, opts.Getenv("PATH")); err == nil {
			r.shells[sh] = path
		}
	}
	r.logf("##[section]Pipeline %s: workspace %s\n", displayOr(p.Name, "(unnamed)"), r.workDir)
	res := &RunResult{}
	stageRes := map[string]*StageResult{}
	var mu sync.Mutex
	names := make([]string, len(p.Stages))
	deps := map[string][]string{}
	byName := map[string]*Stage{}
	for i, st := range p.Stages {
		names[i] = st.Name
		deps[st.Name] = st.DependsOn
		byName[st.Name] = st
	}
	runDAG(names, deps, func(name string) {
		st := byName[name]
		mu.Lock()
		depResults := map[string]*StageResult{}
		for _, d := range st.DependsOn {
			depResults[d] = stageRes[d]
		}
		mu.Unlock()
		sr := r.runStage(ctx, st, depResults)
		mu.Lock()
		stageRes[name] = sr
		mu.Unlock()
	})
	res.Result = Succeeded
	for _, st := range p.Stages {
		sr := stageRes[st.Name]
		res.Stages = append(res.Stages, sr)
		res.Result = worse(res.Result, sr.Result)
	}
	if ctx.Err() != nil {
		res.Result = Canceled
	}
	res.Duration = opts.Now().Sub(r.start)
	r.summary(res)
	return res, nil
}

func displayOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// worse combines results: a failure outweighs issues, which outweigh success;
// skipped stages do not fail a run.
func worse(a, b Result) Result {
	rank := map[Result]int{Succeeded: 0, Skipped: 0, SucceededWithIssues: 1, Canceled: 2, Failed: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func lookPath(name, path string) (string, error) {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// runDAG runs every node once all its dependencies have run, concurrently
// where the graph allows. Unknown dependencies are ignored.
func runDAG(names []string, deps map[string][]string, run func(string)) {
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	done := map[string]bool{}
	started := map[string]bool{}
	finished := make(chan string)
	running := 0
	for len(done) < len(names) {
		for _, n := range names {
			if started[n] {
				continue
			}
			ready := true
			for _, d := range deps[n] {
				if known[d] && !done[d] {
					ready = false
				}
			}
			if ready {
				started[n] = true
				running++
				go func(n string) {
					run(n)
					finished <- n
				}(n)
			}
		}
		if running == 0 {
			// A cycle: validation rejects these, but never hang.
			for _, n := range names {
				if !started[n] {
					started[n], done[n] = true, true
				}
			}
			break
		}
		n := <-finished
		running--
		done[n] = true
	}
	for running > 0 {
		<-finished
		running--
	}
}

func (r *runner) logf(format string, args ...any) {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	fmt.Fprintf(r.opts.Stdout, format, args...)
}

func (r *runner) writeLog(b []byte) {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	r.opts.Stdout.Write(b) //nolint:errcheck // the log is best effort
}

// runStage runs the jobs of a stage.
func (r *runner) runStage(ctx context.Context, st *Stage, deps map[string]*StageResult) *StageResult {
	sr := &StageResult{Name: st.Name}
	vars := newRunVars()
	r.seedVariables(vars, st)
	cond := st.Condition
	if strings.TrimSpace(cond) == "" {
		cond = "succeeded()"
	}
	ectx := r.stageContext(deps, vars)
	ok, err := r.evalCondition(cond, ectx, func(names []string) bool { return depsOK(stageResults(deps), names) }, ctx)
	if err != nil || !ok || ctx.Err() != nil {
		sr.Result = Skipped
		sr.Reason = "condition '" + cond + "' is false"
		if err != nil {
			sr.Reason = err.Error()
		}
		if ctx.Err() != nil {
			sr.Result, sr.Reason = Canceled, "the run was canceled"
		}
		for _, j := range st.Jobs {
			sr.Jobs = append(sr.Jobs, &JobResult{Name: j.Name, Job: j.Name, Result: sr.Result, Reason: "stage " + strings.ToLower(string(sr.Result))})
		}
		r.logf("##[section]Stage %s: %s (%s)\n", st.Name, sr.Result, sr.Reason)
		return sr
	}
	r.logf("##[section]Stage %s started\n", st.Name)
	jobRes := map[string][]*JobResult{}
	var mu sync.Mutex
	names := make([]string, len(st.Jobs))
	jdeps := map[string][]string{}
	byName := map[string]*Job{}
	for i, j := range st.Jobs {
		names[i] = j.Name
		jdeps[j.Name] = j.DependsOn
		byName[j.Name] = j
	}
	runDAG(names, jdeps, func(name string) {
		j := byName[name]
		mu.Lock()
		dj := map[string][]*JobResult{}
		for _, d := range j.DependsOn {
			dj[d] = jobRes[d]
		}
		mu.Unlock()
		res := r.runJob(ctx, st, j, vars, deps, dj)
		mu.Lock()
		jobRes[name] = res
		mu.Unlock()
	})
	sr.Result = Succeeded
	allSkipped := len(st.Jobs) > 0
	for _, j := range st.Jobs {
		for _, jr := range jobRes[j.Name] {
			sr.Jobs = append(sr.Jobs, jr)
			if jr.Result != Skipped {
				allSkipped = false
			}
			sr.Result = worse(sr.Result, jr.Result)
		}
	}
	if allSkipped {
		sr.Result = Skipped
	}
	r.logf("##[section]Stage %s: %s\n", st.Name, sr.Result)
	return sr
}

func stageResults(deps map[string]*StageResult) map[string]Result {
	out := map[string]Result{}
	for k, v := range deps {
		if v != nil {
			out[k] = v.Result
		}
	}
	return out
}

// depsOK implements succeeded(): every named (or every) dependency succeeded.
func depsOK(results map[string]Result, names []string) bool {
	if len(names) == 0 {
		for _, res := range results {
			if !res.ok() {
				return false
			}
		}
		return true
	}
	for _, n := range names {
		found := false
		for k, res := range results {
			if strings.EqualFold(k, n) {
				found = true
				if !res.ok() {
					return false
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}
