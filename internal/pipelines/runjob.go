package pipelines

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/certlab/certlab/internal/pipelines/expr"
)

// runVars are the variables of a running job, with case-insensitive names.
type runVars struct {
	names []string
	vals  map[string]string
	ro    map[string]bool
}

func newRunVars() *runVars { return &runVars{vals: map[string]string{}, ro: map[string]bool{}} }

func (v *runVars) set(name, val string) {
	lk := strings.ToLower(name)
	if v.ro[lk] {
		return
	}
	if _, ok := v.vals[lk]; !ok {
		v.names = append(v.names, name)
	}
	v.vals[lk] = val
}

func (v *runVars) get(name string) (string, bool) {
	s, ok := v.vals[strings.ToLower(name)]
	return s, ok
}

func (v *runVars) clone() *runVars {
	c := newRunVars()
	c.names = append(c.names, v.names...)
	for k, x := range v.vals {
		c.vals[k] = x
	}
	for k, x := range v.ro {
		c.ro[k] = x
	}
	return c
}

func (v *runVars) object() *expr.Object {
	o := expr.NewObject()
	for _, n := range v.names {
		o.Set(n, expr.String(v.vals[strings.ToLower(n)]))
	}
	return o
}

var macroRE = regexp.MustCompile(`\$\(([A-Za-z0-9_.\-]+)\)`)

// expandMacros replaces $(name) with the variable's value; unknown names are
// left as written, as the service does.
func (v *runVars) expandMacros(s string) string {
	for i := 0; i < 10 && strings.Contains(s, "$("); i++ {
		changed := false
		s = macroRE.ReplaceAllStringFunc(s, func(m string) string {
			name := m[2 : len(m)-1]
			if val, ok := v.get(name); ok && val != m {
				changed = true
				return val
			}
			return m
		})
		if !changed {
			break
		}
	}
	return s
}

// envName maps a variable name to its environment variable name.
func envName(name string) string {
	return strings.ToUpper(strings.NewReplacer(".", "_", " ", "_").Replace(name))
}

// seedVariables sets the predefined, queue-time, pipeline and stage variables.
func (r *runner) seedVariables(vars *runVars, st *Stage) {
	base := filepath.Base(r.opts.SourcesDir)
	agentOS := map[string]string{"linux": "Linux", "darwin": "Darwin", "windows": "Windows_NT"}[runtime.GOOS]
	for _, kv := range [][2]string{
		{"Build.Reason", "Manual"}, {"Build.SourceBranch", "refs/heads/main"}, {"Build.SourceBranchName", "main"},
		{"Build.Repository.Name", base}, {"Build.DefinitionName", base}, {"System.TeamProject", "local"},
		{"Build.BuildId", "1"}, {"Build.BuildNumber", "1"}, {"Build.SourceVersion", sourceVersion(r.opts.SourcesDir)},
		{"Agent.OS", agentOS}, {"Agent.OSArchitecture", strings.ToUpper(runtime.GOARCH)}, {"Agent.Name", "certlab"},
		{"System.CollectionUri", "https://localhost/"}, {"System.StageName", st.Name}, {"System.StageDisplayName", displayOr(st.DisplayName, st.Name)},
	} {
		vars.set(kv[0], kv[1])
	}
	if r.p.Name != "" {
		vars.set("Build.BuildNumber", r.p.Name)
	}
	for _, k := range sortedKeys(r.opts.Variables) {
		vars.set(k, r.opts.Variables[k])
	}
	for _, v := range r.p.Variables {
		if v.Name != "" {
			vars.set(v.Name, v.Value)
		}
	}
	for _, v := range st.Variables {
		if v.Name != "" {
			vars.set(v.Name, v.Value)
		}
	}
}

func sourceVersion(dir string) string {
	head, err := os.ReadFile(filepath.Join(dir, ".git", "HEAD"))
	if err == nil {
		s := strings.TrimSpace(string(head))
		if ref, ok := strings.CutPrefix(s, "ref: "); ok {
			if b, err := os.ReadFile(filepath.Join(dir, ".git", filepath.FromSlash(ref))); err == nil {
				return strings.TrimSpace(string(b))
			}
		} else if len(s) == 40 {
			return s
		}
	}
	return strings.Repeat("0", 40)
}

// status answers the status functions for one condition.
type status struct {
	ok       func(names []string) bool
	failed   func(names []string) bool
	canceled func() bool
}

func (r *runner) functions(st status) map[string]expr.Function {
	strs := func(a []expr.Value) []string {
		out := make([]string, len(a))
		for i, v := range a {
			out[i] = v.String()
		}
		return out
	}
	return map[string]expr.Function{
		"always":    {Min: 0, Max: 0, Call: func([]expr.Value) (expr.Value, error) { return expr.Bool(true), nil }},
		"succeeded": {Min: 0, Max: -1, Call: func(a []expr.Value) (expr.Value, error) { return expr.Bool(!st.canceled() && st.ok(strs(a))), nil }},
		"failed":    {Min: 0, Max: -1, Call: func(a []expr.Value) (expr.Value, error) { return expr.Bool(!st.canceled() && st.failed(strs(a))), nil }},
		"canceled":  {Min: 0, Max: 0, Call: func([]expr.Value) (expr.Value, error) { return expr.Bool(st.canceled()), nil }},
		"succeededorfailed": {Min: 0, Max: -1, Call: func(a []expr.Value) (expr.Value, error) {
			return expr.Bool(!st.canceled()), nil
		}},
		"counter": {Min: 0, Max: 2, Call: func(a []expr.Value) (expr.Value, error) {
			prefix, seed := "", 0.0
			if len(a) > 0 {
				prefix = a[0].String()
			}
			if len(a) > 1 {
				seed = a[1].ToNumber()
			}
			r.ctrMu.Lock()
			defer r.ctrMu.Unlock()
			n, ok := r.counter[prefix]
			if !ok {
				n = int(seed)
			}
			r.counter[prefix] = n + 1
			return expr.Number(float64(n)), nil
		}},
	}
}

// evalRuntime evaluates a runtime expression.
func (r *runner) evalRuntime(src string, names map[string]expr.Value, st status) (expr.Value, error) {
	e, err := expr.Parse(src)
	if err != nil {
		return expr.Value{}, err
	}
	env := &expr.Env{
		Resolve: func(name string) (expr.Value, bool) {
			v, ok := names[strings.ToLower(name)]
			return v, ok
		},
		Functions: r.functions(st),
	}
	return e.Eval(env)
}

func (r *runner) evalCondition(cond string, names map[string]expr.Value, ok func([]string) bool, ctx context.Context) (bool, error) {
	st := status{ok: ok, failed: func([]string) bool { return !ok(nil) }, canceled: func() bool { return ctx.Err() != nil }}
	v, err := r.evalRuntime(cond, names, st)
	if err != nil {
		return false, fmt.Errorf("condition '%s': %w", cond, err)
	}
	return v.Truthy(), nil
}

// stageContext is what a stage condition sees.
func (r *runner) stageContext(deps map[string]*StageResult, vars *runVars) map[string]expr.Value {
	d := expr.NewObject()
	for name, sr := range deps {
		if sr == nil {
			continue
		}
		o := expr.NewObject()
		o.Set("result", expr.String(string(sr.Result)))
		outs := expr.NewObject()
		for _, jr := range sr.Jobs {
			for k, v := range jr.Outputs {
				outs.Set(jr.Job+"."+k, expr.String(v))
			}
		}
		o.Set("outputs", expr.ObjectValue(outs))
		d.Set(name, expr.ObjectValue(o))
	}
	return map[string]expr.Value{
		"variables":    expr.ObjectValue(vars.object()),
		"dependencies": expr.ObjectValue(d),
		"pipeline":     r.pipelineValue(),
	}
}

func (r *runner) pipelineValue() expr.Value {
	o := expr.NewObject()
	o.Set("startTime", expr.String(r.start.UTC().Format(time.RFC3339)))
	return expr.ObjectValue(o)
}

// jobContext is what a job condition, a job variable and a matrix expression see.
func (r *runner) jobContext(stageDeps map[string]*StageResult, jobDeps map[string][]*JobResult, vars *runVars) map[string]expr.Value {
	d := expr.NewObject()
	for name, results := range jobDeps {
		o := expr.NewObject()
		o.Set("result", expr.String(string(aggregate(results))))
		outs := expr.NewObject()
		for _, jr := range results {
			for k, v := range jr.Outputs {
				outs.Set(k, expr.String(v))
			}
		}
		o.Set("outputs", expr.ObjectValue(outs))
		d.Set(name, expr.ObjectValue(o))
	}
	sd := expr.NewObject()
	for name, sr := range stageDeps {
		if sr == nil {
			continue
		}
		so := expr.NewObject()
		for _, jr := range sr.Jobs {
			jo, ok := so.Get(jr.Job)
			var job *expr.Object
			if ok {
				job = jo.Object()
			} else {
				job = expr.NewObject()
				job.Set("outputs", expr.ObjectValue(expr.NewObject()))
				so.Set(jr.Job, expr.ObjectValue(job))
			}
			job.Set("result", expr.String(string(jr.Result)))
			outs, _ := job.Get("outputs")
			for k, v := range jr.Outputs {
				outs.Object().Set(k, expr.String(v))
			}
		}
		sd.Set(name, expr.ObjectValue(so))
	}
	return map[string]expr.Value{
		"variables":         expr.ObjectValue(vars.object()),
		"dependencies":      expr.ObjectValue(d),
		"stagedependencies": expr.ObjectValue(sd),
		"pipeline":          r.pipelineValue(),
	}
}

func aggregate(results []*JobResult) Result {
	if len(results) == 0 {
		return Skipped
	}
	res := Succeeded
	allSkipped := true
	for _, jr := range results {
		if jr.Result != Skipped {
			allSkipped = false
		}
		res = worse(res, jr.Result)
	}
	if allSkipped {
		return Skipped
	}
	return res
}

type instance struct {
	name, leg string
	vars      []Variable
	position  int
	total     int
}

// runJob runs a job: its condition, then each of its instances.
func (r *runner) runJob(ctx context.Context, st *Stage, j *Job, stageVars *runVars, stageDeps map[string]*StageResult, jobDeps map[string][]*JobResult) []*JobResult {
	depResults := map[string]Result{}
	for k, v := range jobDeps {
		depResults[k] = aggregate(v)
	}
	names := r.jobContext(stageDeps, jobDeps, stageVars)
	cond := j.Condition
	if strings.TrimSpace(cond) == "" {
		cond = "succeeded()"
	}
	skip := func(result Result, reason string) []*JobResult {
		r.logf("##[section]Job %s: %s (%s)\n", j.Name, result, reason)
		return []*JobResult{{Name: j.Name, Job: j.Name, Result: result, Reason: reason}}
	}
	if ctx.Err() != nil {
		return skip(Canceled, "the run was canceled")
	}
	ok, err := r.evalCondition(cond, names, func(n []string) bool { return depsOK(depResults, n) }, ctx)
	if err != nil {
		return skip(Failed, err.Error())
	}
	if !ok {
		return skip(Skipped, "condition '"+cond+"' is false")
	}
	var insts []instance
	switch {
	case j.Strategy != nil && j.Strategy.MatrixExpr != "":
		src, _ := expr.RuntimeExpression(j.Strategy.MatrixExpr)
		v, err := r.evalRuntime(src, names, status{ok: func([]string) bool { return true }, failed: func([]string) bool { return false }, canceled: func() bool { return false }})
		if err != nil {
			return skip(Failed, "matrix: "+err.Error())
		}
		legs, err := parseMatrix(v.String())
		if err != nil {
			return skip(Failed, "matrix: "+err.Error())
		}
		insts = legs
	case j.Strategy != nil && len(j.Strategy.Matrix) > 0:
		for _, leg := range j.Strategy.Matrix {
			insts = append(insts, instance{leg: leg.Name, vars: leg.Variables})
		}
	case j.Strategy != nil && j.Strategy.Parallel > 0:
		for i := 1; i <= j.Strategy.Parallel; i++ {
			insts = append(insts, instance{leg: strconv.Itoa(i)})
		}
	default:
		insts = []instance{{}}
	}
	results := make([]*JobResult, len(insts))
	var wg sync.WaitGroup
	limit := len(insts)
	if j.Strategy != nil && j.Strategy.MaxParallel > 0 && j.Strategy.MaxParallel < limit {
		limit = j.Strategy.MaxParallel
	}
	legs := make(chan struct{}, max(limit, 1))
	for i := range insts {
		insts[i].position, insts[i].total = i+1, len(insts)
		insts[i].name = j.Name
		if insts[i].leg != "" {
			insts[i].name = j.Name + "_" + insts[i].leg
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			legs <- struct{}{}
			defer func() { <-legs }()
			results[i] = r.runInstance(ctx, st, j, insts[i], stageVars, names)
		}(i)
	}
	wg.Wait()
	return results
}

// parseMatrix reads a matrix given as JSON (single quotes allowed).
func parseMatrix(s string) ([]instance, error) {
	v, err := expr.FromJSON(s)
	if err != nil {
		v, err = expr.FromJSON(strings.ReplaceAll(s, "'", "\""))
	}
	if err != nil {
		return nil, fmt.Errorf("not a JSON object: %q", s)
	}
	if v.Kind() != expr.KindObject {
		return nil, fmt.Errorf("not a JSON object: %q", s)
	}
	var out []instance
	o := v.Object()
	for i, leg := range o.Keys() {
		inst := instance{leg: leg}
		if lv := o.Values()[i]; lv.Kind() == expr.KindObject {
			for k, name := range lv.Object().Keys() {
				inst.vars = append(inst.vars, Variable{Name: name, Value: lv.Object().Values()[k].String()})
			}
		}
		out = append(out, inst)
	}
	return out, nil
}

// jobRun is the state of one running job instance.
type jobRun struct {
	r       *runner
	job     *Job
	inst    instance
	vars    *runVars
	log     *bytes.Buffer
	logMu   sync.Mutex
	result  Result
	res     *JobResult
	tempDir string
	pathPre []string
	stepIdx int
	secrets []string
	cmdMu   sync.Mutex // serialises logging commands from stdout and stderr
	// stageName is the stage the job belongs to.
	stageName string
}

// mask hides the values of secret variables in a log line.
func (jr *jobRun) mask(line string) string {
	for _, sec := range jr.secrets {
		line = strings.ReplaceAll(line, sec, "***")
	}
	return line
}

func (jr *jobRun) logf(format string, args ...any) {
	jr.logMu.Lock()
	defer jr.logMu.Unlock()
	fmt.Fprintf(jr.log, format, args...)
}

// runInstance runs one instance of a job.
func (r *runner) runInstance(ctx context.Context, st *Stage, j *Job, inst instance, stageVars *runVars, names map[string]expr.Value) *JobResult {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return &JobResult{Name: inst.name, Job: j.Name, Leg: inst.leg, Result: Canceled, Reason: "the run was canceled"}
	}
	defer func() { <-r.sem }()
	start := r.opts.Now()
	res := &JobResult{Name: inst.name, Job: j.Name, Leg: inst.leg, Outputs: map[string]string{}}
	jr := &jobRun{r: r, job: j, inst: inst, vars: stageVars.clone(), log: &bytes.Buffer{}, result: Succeeded, res: res, stageName: st.Name}
	ws := filepath.Join(r.workDir, safeName(st.Name), safeName(inst.name))
	jr.tempDir = filepath.Join(ws, "_temp")
	for _, d := range []string{"a", "b", "_temp"} {
		if err := os.MkdirAll(filepath.Join(ws, d), 0o755); err != nil {
			res.Result, res.Reason = Failed, "workspace: "+err.Error()
			return res
		}
	}
	for _, v := range j.Variables {
		if v.Name != "" {
			jr.vars.set(v.Name, v.Value)
		}
	}
	for _, v := range inst.vars {
		jr.vars.set(v.Name, v.Value)
	}
	for _, kv := range [][2]string{
		{"Build.SourcesDirectory", r.opts.SourcesDir}, {"Build.Repository.LocalPath", r.opts.SourcesDir},
		{"System.DefaultWorkingDirectory", r.opts.SourcesDir}, {"Build.ArtifactStagingDirectory", filepath.Join(ws, "a")},
		{"Build.StagingDirectory", filepath.Join(ws, "a")}, {"System.ArtifactsDirectory", filepath.Join(ws, "a")}, {"Build.BinariesDirectory", filepath.Join(ws, "b")},
		{"Pipeline.Workspace", ws}, {"Agent.BuildDirectory", ws}, {"Agent.WorkFolder", r.workDir},
		{"Agent.TempDirectory", jr.tempDir}, {"Agent.JobName", inst.name}, {"System.JobName", inst.name},
		{"System.JobDisplayName", displayOr(j.DisplayName, j.Name)}, {"System.JobAttempt", "1"},
		{"System.JobPositionInPhase", strconv.Itoa(inst.position)}, {"System.TotalJobsInPhase", strconv.Itoa(inst.total)},
		{"Agent.JobStatus", "Succeeded"},
	} {
		jr.vars.set(kv[0], kv[1])
	}
	if j.Environment != nil {
		jr.vars.set("Environment.Name", j.Environment.Name)
		jr.vars.set("Environment.ResourceName", j.Environment.ResourceName)
	}
	if j.Deployment != nil {
		jr.vars.set("Strategy.Name", j.Deployment.Kind)
		jr.vars.set("Strategy.Action", "deploy")
		jr.vars.set("Strategy.Increment", "100")
	}
	// Runtime expressions in variables, in order, each seeing those before it.
	for _, n := range jr.vars.names {
		val, _ := jr.vars.get(n)
		src, ok := expr.RuntimeExpression(val)
		if !ok {
			continue
		}
		ctxNames := map[string]expr.Value{}
		for k, v := range names {
			ctxNames[k] = v
		}
		ctxNames["variables"] = expr.ObjectValue(jr.vars.object())
		v, err := r.evalRuntime(src, ctxNames, status{ok: func([]string) bool { return true }, failed: func([]string) bool { return false }, canceled: func() bool { return false }})
		if err != nil {
			jr.logf("##[error]variable %s: %v\n", n, err)
			jr.result = Failed
			continue
		}
		jr.vars.set(n, v.String())
	}
	pool := j.Pool
	if pool == nil {
		pool = st.Pool
	}
	if pool == nil {
		pool = r.p.Pool
	}
	if want, why := poolOS(pool, jr.vars.expandMacros); want != "" && want != hostOS() && jr.result == Succeeded {
		if !r.opts.HostOSAny {
			res.Result = Skipped
			res.Reason = fmt.Sprintf("the pool asks for %s (%s) and this host runs %s; --host-os-any runs it here", want, why, hostOS())
			res.Duration = r.opts.Now().Sub(start)
			r.logf("##[section]Job %s: Skipped (%s)\n", inst.name, res.Reason)
			return res
		}
		jr.logf("##[warning]the pool asks for %s (%s); running on this %s host (--host-os-any)\n", want, why, hostOS())
	}
	if j.Container != nil {
		name := j.Container.Alias
		if name == "" {
			name = j.Container.Image + j.Container.Expr
		}
		jr.logf("##[warning]container %s is not started: the steps run on this host\n", name)
	}
	jctx := ctx
	if j.TimeoutInMinutes > 0 {
		var cancel context.CancelFunc
		jctx, cancel = context.WithTimeout(ctx, time.Duration(j.TimeoutInMinutes)*time.Minute)
		defer cancel()
	}
	title := inst.name
	if j.DisplayName != "" {
		title += " (" + jr.vars.expandMacros(j.DisplayName) + ")"
	}
	jr.logf("##[section]Job %s started (stage %s)\n", title, st.Name)
	if jr.result == Succeeded {
		switch {
		case j.Deployment != nil:
			r.runDeployment(jctx, jr)
		default:
			for _, s := range j.Steps {
				jr.runStep(jctx, s, "")
			}
		}
	}
	if jctx.Err() != nil && ctx.Err() == nil && jr.result != Failed {
		jr.result = Failed
		res.Reason = fmt.Sprintf("the job timed out after %d minutes", j.TimeoutInMinutes)
	} else if ctx.Err() != nil {
		jr.result = Canceled
	}
	if jr.result == Failed && j.ContinueOnError {
		jr.result = SucceededWithIssues
		res.Reason = "failed, continueOnError"
	}
	res.Result = jr.result
	res.Duration = r.opts.Now().Sub(start)
	jr.logf("##[section]Job %s: %s (%s)\n", inst.name, res.Result, res.Duration.Round(time.Millisecond))
	r.writeLog(jr.log.Bytes())
	return res
}

func safeName(s string) string {
	return strings.Map(func(c rune) rune {
		if c == '/' || c == '\\' || c == ':' || c == ' ' {
			return '_'
		}
		return c
	}, s)
}

// runDeployment runs the lifecycle hooks of a deployment job. The
// environment's resources cannot be reached locally.
func (r *runner) runDeployment(ctx context.Context, jr *jobRun) {
	d := jr.job.Deployment
	env := "(none)"
	if jr.job.Environment != nil && jr.job.Environment.Name != "" {
		env = jr.job.Environment.Name
	}
	jr.logf("##[warning]deployment target skipped: environment '%s' (%s strategy) is not available locally; its lifecycle hooks run on this machine\n", env, d.Kind)
	hooks := map[string]*Hook{}
	for _, h := range d.Hooks {
		hooks[h.Name] = h
	}
	for _, name := range []string{"preDeploy", "deploy", "routeTraffic", "postRouteTraffic"} {
		if h := hooks[name]; h != nil {
			for _, s := range h.Steps {
				jr.runStep(ctx, s, name)
			}
		}
	}
	final := "on.success"
	if !jr.result.ok() {
		final = "on.failure"
	}
	if h := hooks[final]; h != nil {
		for _, s := range h.Steps {
			jr.runStep(ctx, s, strings.TrimPrefix(final, "on."))
		}
	}
}

func defaultDisplay(s *Step) string {
	switch s.Kind {
	case StepScript:
		return "CmdLine"
	case StepBash:
		return "Bash"
	case StepPwsh, StepPowerShell:
		return "PowerShell"
	case StepCheckout:
		return "Checkout " + s.Body
	case StepTask:
		return s.Body
	}
	return string(s.Kind) + " " + s.Body
}

// runStep runs one step; hook names the deployment hook it belongs to.
func (jr *jobRun) runStep(ctx context.Context, s *Step, hook string) {
	r := jr.r
	jr.stepIdx++
	display := defaultDisplay(s)
	if s.DisplayName != "" {
		display = jr.vars.expandMacros(s.DisplayName)
	}
	sr := &StepResult{Name: s.Name, Display: display}
	jr.res.Steps = append(jr.res.Steps, sr)
	start := r.opts.Now()
	finish := func(res Result, reason string) {
		sr.Result, sr.Reason = res, reason
		sr.Duration = r.opts.Now().Sub(start)
		note := ""
		if reason != "" {
			note = ": " + reason
		}
		jr.logf("##[section]Finishing: %s (%s%s)\n", display, res, note)
		switch res {
		case Failed:
			jr.result = Failed
		case SucceededWithIssues:
			if jr.result == Succeeded {
				jr.result = SucceededWithIssues
			}
		case Canceled:
			jr.result = Canceled
		}
		jr.vars.set("Agent.JobStatus", string(jr.result))
	}
	if !s.Enabled {
		jr.logf("##[section]Skipping: %s\n", display)
		finish(Skipped, "disabled")
		return
	}
	cond := s.Condition
	if strings.TrimSpace(cond) == "" {
		cond = "succeeded()"
	}
	names := map[string]expr.Value{"variables": expr.ObjectValue(jr.vars.object()), "pipeline": r.pipelineValue()}
	st := status{
		ok:       func([]string) bool { return jr.result.ok() },
		failed:   func([]string) bool { return jr.result == Failed },
		canceled: func() bool { return ctx.Err() != nil },
	}
	v, err := r.evalRuntime(cond, names, st)
	if err != nil {
		jr.logf("##[section]Starting: %s\n##[error]condition '%s': %v\n", display, cond, err)
		finish(Failed, "condition error")
		return
	}
	if !v.Truthy() {
		jr.logf("##[section]Skipping: %s\n", display)
		reason := "condition '" + cond + "' is false"
		if ctx.Err() != nil {
			reason = "the job was canceled or timed out"
		}
		finish(Skipped, reason)
		return
	}
	jr.logf("##[section]Starting: %s\n", display)
	run := jr.stepRunner(s)
	var res Result
	var reason string
	for attempt := 0; ; attempt++ {
		res, reason = run(ctx, stepCall{step: s, hook: hook, result: sr})
		if res != Failed || attempt >= s.RetryCount || ctx.Err() != nil {
			break
		}
		jr.logf("##[warning]%s failed (%s); retrying (%d of %d)\n", display, reason, attempt+1, s.RetryCount)
	}
	if res == Failed && s.ContinueOnError {
		res, reason = SucceededWithIssues, reason+", continueOnError"
	}
	finish(res, reason)
}

// stepCall is one attempt at running a step.
type stepCall struct {
	step   *Step
	hook   string // the deployment hook the step belongs to
	result *StepResult
}

// stepRunner returns what runs a step: a script, a checkout, a task this
// package runs natively (see tasks.go), or a skip with the reason.
func (jr *jobRun) stepRunner(s *Step) func(context.Context, stepCall) (Result, string) {
	switch s.Kind {
	case StepScript, StepBash:
		return func(ctx context.Context, c stepCall) (Result, string) {
			return jr.runScript(ctx, c, scriptSpec{lang: langBash, body: s.Body, workingDirectory: s.WorkingDirectory, failOnStderr: s.FailOnStderr})
		}
	case StepPwsh, StepPowerShell:
		return func(ctx context.Context, c stepCall) (Result, string) {
			return jr.runScript(ctx, c, scriptSpec{lang: langPwsh, body: s.Body, workingDirectory: s.WorkingDirectory, failOnStderr: s.FailOnStderr, errorAction: "Stop"})
		}
	case StepCheckout:
		return func(context.Context, stepCall) (Result, string) { return jr.checkout(s.Body) }
	}
	if task, inputs, ok := nativeTask(s); ok {
		return func(ctx context.Context, c stepCall) (Result, string) {
			return task.run(ctx, jr, c, newTaskInputs(task, inputs, jr.vars))
		}
	}
	reason := string(s.Kind) + " steps are not run locally (" + s.Body + ")"
	if s.Kind == StepTask {
		reason = "the task " + s.Body + " is not run locally (docs/pipelines.md lists the tasks that are)"
	}
	return func(context.Context, stepCall) (Result, string) { return Skipped, reason }
}

// checkout uses the pipeline's folder in place, or a repository mapped to
// a local folder.
func (jr *jobRun) checkout(repo string) (Result, string) {
	r := jr.r
	switch strings.ToLower(repo) {
	case "self":
		jr.logf("sources are used in place: %s\n", r.opts.SourcesDir)
		return Succeeded, ""
	case "none":
		return Succeeded, ""
	}
	if dir, ok := r.opts.Repositories[repo]; ok {
		jr.logf("repository %s is the local folder %s\n", repo, dir)
		return Succeeded, ""
	}
	return Skipped, "repository '" + repo + "' is not mapped to a local folder (--repo)"
}

type scriptLang uint8

const (
	langBash scriptLang = iota
	langPwsh
)

// scriptSpec is a script to run with bash or pwsh: from a script step or
// from the CmdLine, Bash and PowerShell tasks.
type scriptSpec struct {
	lang             scriptLang
	body             string // the script, with macros not yet replaced
	file             string // a script file to run instead of body
	arguments        string // arguments for file, shell syntax
	workingDirectory string
	failOnStderr     bool
	errorAction      string // PowerShell's $ErrorActionPreference
	ignoreExitCode   bool   // PowerShell: ignoreLASTEXITCODE
	bashFlags        []string
}

// runScript writes a script to the job's temporary folder and runs it.
func (jr *jobRun) runScript(ctx context.Context, c stepCall, spec scriptSpec) (Result, string) {
	r := jr.r
	var shell, ext, script string
	var argv func(file string) []string
	switch spec.lang {
	case langBash:
		shell, ext = r.shells["bash"], ".sh"
		if shell == "" {
			return Failed, "bash is not installed"
		}
		flags := spec.bashFlags
		if flags == nil {
			flags = []string{"--noprofile", "--norc"}
		}
		argv = func(f string) []string { return append(append([]string(nil), flags...), f) }
		script = jr.vars.expandMacros(spec.body)
		if spec.file != "" {
			script = "exec " + shellQuote(shell) + " " + strings.Join(flags, " ") + " " + shellQuote(jr.path(spec.file)) + " " + jr.vars.expandMacros(spec.arguments) + "\n"
		}
	case langPwsh:
		shell, ext = r.shells["pwsh"], ".ps1"
		if shell == "" {
			return Skipped, "pwsh is not installed"
		}
		argv = func(f string) []string {
			return []string{"-NoLogo", "-NoProfile", "-NonInteractive", "-Command", ". '" + strings.ReplaceAll(f, "'", "''") + "'"}
		}
		body := jr.vars.expandMacros(spec.body)
		if spec.file != "" {
			body = "& '" + strings.ReplaceAll(jr.path(spec.file), "'", "''") + "' " + jr.vars.expandMacros(spec.arguments)
		}
		action := spec.errorAction
		if action == "" {
			action = "Stop"
		}
		script = "$ErrorActionPreference = '" + action + "'\n" + body + "\n"
		if !spec.ignoreExitCode {
			script += "if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }\n"
		}
	}
	file := filepath.Join(jr.tempDir, fmt.Sprintf("step%d%s", jr.stepIdx, ext))
	if err := os.WriteFile(file, []byte(script), 0o700); err != nil {
		return Failed, "write script: " + err.Error()
	}
	dir := r.opts.SourcesDir
	if spec.workingDirectory != "" {
		dir = jr.path(spec.workingDirectory)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return Failed, fmt.Sprintf("the working directory %s does not exist", dir)
	}
	return jr.execute(ctx, c, shell, argv(file), dir, spec.failOnStderr)
}

// path resolves a path input: macros replaced, relative to the sources
// folder (System.DefaultWorkingDirectory), as the agent does.
func (jr *jobRun) path(p string) string {
	p = jr.vars.expandMacros(strings.TrimSpace(p))
	if p == "" {
		return jr.r.opts.SourcesDir
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(jr.r.opts.SourcesDir, p)
	}
	return filepath.Clean(p)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// execute runs a script's command once.
func (jr *jobRun) execute(ctx context.Context, c stepCall, shell string, argv []string, dir string, failOnStderr bool) (Result, string) {
	s := c.step
	sctx := ctx
	if s.TimeoutInMinutes > 0 {
		var cancel context.CancelFunc
		sctx, cancel = context.WithTimeout(ctx, time.Duration(s.TimeoutInMinutes)*time.Minute)
		defer cancel()
	}
	cmd := exec.CommandContext(sctx, shell, argv...)
	cmd.WaitDelay = 2 * time.Second
	killGroup(cmd)
	cmd.Dir = dir
	cmd.Env = jr.environ(s)
	stdout, errOut := &commandWriter{jr: jr, step: s, hook: c.hook}, &commandWriter{jr: jr, step: s, hook: c.hook, stderr: true}
	cmd.Stdout, cmd.Stderr = stdout, errOut
	err := cmd.Run()
	stdout.flush()
	errOut.flush()
	code := 0
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case sctx.Err() == nil:
		// The command did not start: say why rather than "exit code -1".
		c.result.ExitCode = -1
		return Failed, "could not start " + filepath.Base(shell) + ": " + err.Error()
	default:
		code = -1
	}
	c.result.ExitCode = code
	res, reason := Succeeded, ""
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
		res, reason = Canceled, "canceled"
	case sctx.Err() != nil:
		res, reason = Failed, "timed out"
	case code != 0:
		res, reason = Failed, fmt.Sprintf("exit code %d", code)
	case failOnStderr && errOut.wrote:
		res, reason = Failed, "wrote to standard error (failOnStderr)"
	}
	if stdout.complete != "" && res != Canceled && code == 0 {
		switch strings.ToLower(stdout.complete) {
		case "failed":
			res, reason = Failed, "task.complete result=Failed"
		case "succeededwithissues":
			res, reason = SucceededWithIssues, "task.complete result=SucceededWithIssues"
		}
	}
	return res, reason
}

// environ builds a step's environment: the allowed host variables, every
// pipeline variable under its environment name, then the step's env.
func (jr *jobRun) environ(s *Step) []string {
	env := append([]string(nil), jr.r.baseEnv...)
	if len(jr.pathPre) > 0 {
		path := jr.r.opts.Getenv("PATH")
		for i := len(jr.pathPre) - 1; i >= 0; i-- {
			path = jr.pathPre[i] + string(os.PathListSeparator) + path
		}
		env = append(env, "PATH="+path)
	}
	for _, n := range jr.vars.names {
		v, _ := jr.vars.get(n)
		env = append(env, envName(n)+"="+jr.vars.expandMacros(v))
	}
	for _, e := range s.Env {
		env = append(env, e.Name+"="+jr.vars.expandMacros(e.Value))
	}
	return env
}

// commandWriter copies a step's output into the job log line by line and
// carries out the logging commands it contains.
type commandWriter struct {
	jr       *jobRun
	step     *Step
	hook     string
	stderr   bool
	buf      []byte
	wrote    bool
	complete string
	mu       sync.Mutex
}

// Write takes output as it comes and handles it line by line.
func (w *commandWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(p) > 0 {
		w.wrote = true
	}
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.line(strings.TrimRight(string(w.buf[:i]), "\r"))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > 1<<20 {
		w.line(string(w.buf))
		w.buf = nil
	}
	return len(p), nil
}

func (w *commandWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.line(string(w.buf))
		w.buf = nil
	}
}

var vsoRE = regexp.MustCompile(`##vso\[([A-Za-z]+\.[A-Za-z]+)([^\]]*)\](.*)$`)

func unescapeVSO(s string) string {
	return strings.NewReplacer("%AZP25", "%", "%3B", ";", "%0D", "\r", "%0A", "\n", "%5D", "]", "%3b", ";", "%0d", "\r", "%0a", "\n", "%5d", "]").Replace(s)
}

func (w *commandWriter) line(line string) {
	jr := w.jr
	jr.cmdMu.Lock()
	defer jr.cmdMu.Unlock()
	m := vsoRE.FindStringSubmatch(line)
	if m == nil {
		jr.logf("%s\n", jr.mask(line))
		return
	}
	props := map[string]string{}
	for _, kv := range strings.Split(m[2], ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		if k != "" {
			props[strings.ToLower(k)] = unescapeVSO(v)
		}
	}
	msg := unescapeVSO(m[3])
	switch strings.ToLower(m[1]) {
	case "task.setvariable":
		name := props["variable"]
		if name == "" {
			jr.logf("##[warning]task.setvariable without a variable name\n")
			return
		}
		jr.vars.set(name, msg)
		secret := strings.EqualFold(props["issecret"], "true")
		shown := msg
		if secret {
			shown = "***"
			if msg != "" {
				jr.secrets = append(jr.secrets, msg)
			}
		}
		if strings.EqualFold(props["isoutput"], "true") {
			if w.step.Name == "" {
				jr.logf("##[warning]output variable %s: the step has no name, so other jobs cannot read it\n", name)
			} else {
				key := w.step.Name + "." + name
				jr.vars.set(key, msg)
				jr.res.Outputs[key] = msg
				if jr.inst.leg != "" {
					jr.res.Outputs[jr.inst.leg+"."+key] = msg
				}
				if w.hook != "" {
					jr.res.Outputs[w.hook+"."+key] = msg
					jr.res.Outputs[jr.job.Name+"."+key] = msg
				}
			}
		}
		if strings.EqualFold(props["isreadonly"], "true") {
			jr.vars.ro[strings.ToLower(name)] = true
		}
		jr.logf("##[debug]set variable %s = %s\n", name, shown)
	case "task.logissue":
		typ := strings.ToLower(props["type"])
		if typ != "error" {
			typ = "warning"
		}
		jr.res.Issues = append(jr.res.Issues, Issue{Type: typ, Message: msg})
		jr.logf("##[%s]%s\n", typ, msg)
	case "task.complete":
		w.complete = props["result"]
		jr.logf("##[section]task.complete result=%s %s\n", props["result"], msg)
	case "task.prependpath":
		jr.pathPre = append(jr.pathPre, msg)
	case "build.updatebuildnumber":
		jr.vars.set("Build.BuildNumber", msg)
	default:
		jr.logf("%s\n", line)
	}
}

// summary prints the table that ends the log.
func (r *runner) summary(res *RunResult) {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	out := r.opts.Stdout
	fmt.Fprintln(out, "\n##[section]Summary")
	tw := tabwriter.NewWriter(out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "STAGE\tJOB\tRESULT\tSTEPS\tDURATION\tNOTE")
	for _, sr := range res.Stages {
		if len(sr.Jobs) == 0 {
			fmt.Fprintf(tw, "%s\t-\t%s\t-\t-\t%s\n", sr.Name, sr.Result, sr.Reason)
		}
		for _, j := range sr.Jobs {
			ran, skipped := 0, 0
			for _, s := range j.Steps {
				if s.Result == Skipped {
					skipped++
				} else {
					ran++
				}
			}
			note := j.Reason
			if len(j.Issues) > 0 {
				note = strings.TrimSpace(note + fmt.Sprintf(" %d issue(s)", len(j.Issues)))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d run, %d skipped\t%s\t%s\n", sr.Name, j.Name, j.Result, ran, skipped, j.Duration.Round(time.Millisecond), note)
		}
	}
	tw.Flush()
	fmt.Fprintf(out, "Result: %s in %s\n", res.Result, res.Duration.Round(time.Millisecond))
}
