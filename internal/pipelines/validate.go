package pipelines

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/certlab/certlab/internal/pipelines/expr"
)

// ValidationError lists every problem found in an expanded pipeline.
type ValidationError struct {
	Errs []error
}

// Error lists the problems, one a line.
func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the individual errors.
func (e *ValidationError) Unwrap() []error { return e.Errs }

// Validate checks an expanded pipeline against the typed model and returns
// the model. All problems found are reported together.
func Validate(doc *Document) (*Pipeline, error) {
	v := newValidator(doc.SyntaxOnly)
	p := v.pipeline(doc.Root)
	if err := v.err(); err != nil {
		return nil, err
	}
	return p, nil
}

const maxValidationErrors = 50

type validator struct {
	errs    []error
	lenient bool // syntax-only: report expression errors only
	partial bool // checking a parameter value: parts may be filled in later
	repos   map[string]bool
}

func newValidator(syntaxOnly bool) *validator {
	return &validator{lenient: syntaxOnly, repos: map[string]bool{}}
}

func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Errs: v.errs}
}

func (v *validator) fail(pos Pos, format string, args ...any) {
	if len(v.errs) < maxValidationErrors {
		v.errs = append(v.errs, errorf(pos, format, args...))
	}
}

// structural reports a problem that is not an expression error.
func (v *validator) structural(pos Pos, format string, args ...any) {
	if !v.lenient {
		v.fail(pos, format, args...)
	}
}

func (v *validator) unexpected(n *Node, what string) {
	v.structural(n.Pos, "Unexpected value '%s'%s", n.Value, what)
}

// mapping checks that n is a mapping and returns its pairs.
func (v *validator) mapping(n *Node, what string) []Pair {
	if n == nil || n.Kind == NullNode {
		return nil
	}
	if n.Kind != MappingNode {
		v.structural(n.Pos, "A %s was not expected: %s must be a mapping", describeKind(n), what)
		return nil
	}
	return n.Pairs
}

func (v *validator) str(n *Node, what string) string {
	if n == nil || n.Kind == NullNode {
		return ""
	}
	if !n.IsScalar() {
		v.structural(n.Pos, "A %s was not expected: %s must be a string", describeKind(n), what)
		return ""
	}
	return scalarText(n)
}

// boolean reads the YAML 1.1 boolean forms the service accepts.
func (v *validator) boolean(n *Node, def bool) bool {
	if n == nil || n.Kind == NullNode {
		return def
	}
	if !n.IsScalar() {
		v.structural(n.Pos, "A %s was not expected: a boolean is required", describeKind(n))
		return def
	}
	switch strings.ToLower(scalarText(n)) {
	case "true", "y", "yes", "on":
		return true
	case "false", "n", "no", "off":
		return false
	}
	if e, ok := expr.RuntimeExpression(scalarText(n)); ok {
		v.runtimeExpr(n.Pos, e, false)
		return def
	}
	v.structural(n.Pos, "Unexpected value '%s': a boolean is required (true/false, yes/no, on/off, y/n)", scalarText(n))
	return def
}

func (v *validator) integer(n *Node, what string) int {
	if n == nil || n.Kind == NullNode {
		return 0
	}
	s := strings.TrimSpace(scalarText(n))
	if _, ok := expr.RuntimeExpression(s); ok {
		return 0
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || !n.IsScalar() {
		v.structural(n.Pos, "Unexpected value '%s': %s must be a whole number", n.String(), what)
	}
	return i
}

func (v *validator) stringList(n *Node, what string) []string {
	if n == nil || n.Kind == NullNode {
		return nil
	}
	if n.IsScalar() {
		return []string{scalarText(n)}
	}
	if n.Kind != SequenceNode {
		v.structural(n.Pos, "A mapping was not expected: %s must be a string or a list of strings", what)
		return nil
	}
	out := make([]string, 0, len(n.Items))
	for _, it := range n.Items {
		out = append(out, v.str(it, what))
	}
	return out
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

var statusFunctions = map[string]expr.Function{
	"always":            {Min: 0, Max: 0},
	"succeeded":         {Min: 0, Max: -1},
	"failed":            {Min: 0, Max: -1},
	"canceled":          {Min: 0, Max: 0},
	"succeededorfailed": {Min: 0, Max: -1},
}

var runtimeFunctions = map[string]expr.Function{
	"always":            {Min: 0, Max: 0},
	"succeeded":         {Min: 0, Max: -1},
	"failed":            {Min: 0, Max: -1},
	"canceled":          {Min: 0, Max: 0},
	"succeededorfailed": {Min: 0, Max: -1},
	"counter":           {Min: 0, Max: 2},
}

func runtimeNamedValue(name string) bool {
	switch strings.ToLower(name) {
	case "variables", "dependencies", "stagedependencies", "pipeline", "resources":
		return true
	}
	return false
}

// condition checks the syntax of a runtime condition.
func (v *validator) condition(n *Node) string {
	s := v.str(n, "condition")
	if n == nil || strings.TrimSpace(s) == "" {
		return s
	}
	e, err := expr.Parse(s)
	if err == nil {
		err = e.Check(runtimeNamedValue, statusFunctions)
	}
	if err != nil {
		v.fail(n.Pos, "%v", err)
	}
	return s
}

// runtimeExpr checks a $[ ] expression.
func (v *validator) runtimeExpr(pos Pos, src string, counter bool) {
	funcs := statusFunctions
	if counter {
		funcs = runtimeFunctions
	}
	e, err := expr.Parse(src)
	if err == nil {
		err = e.Check(runtimeNamedValue, funcs)
	}
	if err != nil {
		v.fail(pos, "%v", err)
	}
}

func (v *validator) pipeline(root *Node) *Pipeline {
	p := &Pipeline{}
	if root == nil || root.Kind != MappingNode {
		v.fail(posOf(root), "A pipeline must be a mapping")
		return p
	}
	if res := root.Get("resources"); res != nil {
		p.Resources = v.resources(res)
	}
	var stages, jobs, phases, steps *Node
	jobKeys := map[string]*Node{}
	for _, pr := range root.Pairs {
		k, val := pr.Key.Value, pr.Value
		switch k {
		case "name":
			p.Name = v.str(val, "name")
		case "appendCommitMessageToRunName":
			v.boolean(val, false)
		case "trigger":
			p.Trigger = val
			v.trigger(val, "trigger")
		case "pr":
			p.PR = val
			v.trigger(val, "pr")
		case "schedules":
			p.Schedules = val
			v.schedules(val)
		case "resources":
		case "variables":
			p.Variables = v.variables(val)
		case "pool":
			p.Pool = v.pool(val)
		case "lockBehavior":
			p.LockBehavior = v.lockBehavior(val)
		case "stages":
			stages = val
		case "jobs":
			jobs = val
		case "phases":
			phases = val
		case "steps":
			steps = val
		case "container", "services", "strategy", "workspace", "continueOnError", "timeoutInMinutes", "cancelTimeoutInMinutes", "condition", "dependsOn", "displayName", "uses", "templateContext":
			jobKeys[k] = pr.Key
		default:
			v.unexpected(pr.Key, ": not a pipeline property")
		}
	}
	count := 0
	for _, n := range []*Node{stages, jobs, phases, steps} {
		if n != nil {
			count++
		}
	}
	switch {
	case count == 0:
		v.structural(root.Pos, "A pipeline needs stages, jobs or steps")
	case count > 1:
		v.structural(root.Pos, "A pipeline has only one of stages, jobs, phases or steps")
	}
	if steps == nil {
		for _, k := range jobKeys {
			v.unexpected(k, ": only allowed when the pipeline lists steps")
		}
	}
	switch {
	case stages != nil:
		for _, s := range v.seq(stages, "stages") {
			if st := v.stage(s); st != nil {
				p.Stages = append(p.Stages, st)
			}
		}
	case jobs != nil:
		st := &Stage{Name: "__default", Implicit: true, Pos: jobs.Pos}
		for _, j := range v.seq(jobs, "jobs") {
			if job := v.jobOrPhase(j); job != nil {
				st.Jobs = append(st.Jobs, job)
			}
		}
		p.Stages = []*Stage{st}
	case phases != nil:
		st := &Stage{Name: "__default", Implicit: true, Pos: phases.Pos}
		for _, ph := range v.seq(phases, "phases") {
			if job := v.jobOrPhase(ph); job != nil {
				st.Jobs = append(st.Jobs, job)
			}
		}
		p.Stages = []*Stage{st}
	case steps != nil:
		jobNode := &Node{Kind: MappingNode, Pos: root.Pos}
		for _, pr := range root.Pairs {
			if _, ok := jobKeys[pr.Key.Value]; ok || pr.Key.Value == "steps" {
				jobNode.Pairs = append(jobNode.Pairs, pr)
			}
		}
		job := v.job(jobNode, true)
		st := &Stage{Name: "__default", Implicit: true, Pos: root.Pos}
		if job != nil {
			job.Name, job.Implicit = "Job", true
			st.Jobs = []*Job{job}
		}
		p.Stages = []*Stage{st}
	}
	v.names(p)
	return p
}

func (v *validator) seq(n *Node, what string) []*Node {
	if n == nil || n.Kind == NullNode {
		return nil
	}
	if n.Kind != SequenceNode {
		v.structural(n.Pos, "A %s was not expected: %s must be a sequence", describeKind(n), what)
		return nil
	}
	return n.Items
}

func (v *validator) trigger(n *Node, what string) {
	if n == nil || n.Kind == NullNode {
		return
	}
	switch n.Kind {
	case SequenceNode:
		v.stringList(n, what+" branches")
	case MappingNode:
		allowed := map[string]bool{"batch": true, "branches": true, "paths": true, "tags": true, "autoCancel": true, "drafts": true}
		for _, p := range n.Pairs {
			if !allowed[p.Key.Value] {
				v.unexpected(p.Key, ": not a "+what+" property")
				continue
			}
			switch p.Key.Value {
			case "batch", "autoCancel", "drafts":
				v.boolean(p.Value, false)
			default:
				v.includeExclude(p.Value, what+"."+p.Key.Value)
			}
		}
	default:
		if s := scalarText(n); s != "none" && what == "pr" && strings.ContainsAny(s, " \t") {
			v.unexpected(n, ": "+what+" must be 'none', a list of branches or a mapping")
		}
	}
}

func (v *validator) includeExclude(n *Node, what string) {
	if n == nil || n.Kind != MappingNode {
		v.stringList(n, what)
		return
	}
	for _, p := range n.Pairs {
		if p.Key.Value != "include" && p.Key.Value != "exclude" {
			v.unexpected(p.Key, ": "+what+" takes include and exclude")
			continue
		}
		v.stringList(p.Value, what+"."+p.Key.Value)
	}
}

func (v *validator) schedules(n *Node) {
	for _, s := range v.seq(n, "schedules") {
		for _, p := range v.mapping(s, "a schedule") {
			switch p.Key.Value {
			case "cron", "displayName":
				v.str(p.Value, p.Key.Value)
			case "branches":
				v.includeExclude(p.Value, "schedules.branches")
			case "always", "batch":
				v.boolean(p.Value, false)
			default:
				v.unexpected(p.Key, ": not a schedule property")
			}
		}
	}
}

func (v *validator) lockBehavior(n *Node) string {
	s := v.str(n, "lockBehavior")
	if s != "sequential" && s != "runLatest" {
		v.structural(n.Pos, "Unexpected value '%s': lockBehavior is sequential or runLatest", s)
	}
	return s
}

func (v *validator) resources(n *Node) Resources {
	var r Resources
	if n.Kind == SequenceNode {
		// The legacy form: "- repo: self".
		for _, it := range n.Items {
			for _, p := range v.mapping(it, "a resource") {
				switch p.Key.Value {
				case "repo", "clean", "fetchDepth", "lfs":
				default:
					v.unexpected(p.Key, ": not a legacy repository resource property")
				}
			}
		}
		return r
	}
	for _, p := range v.mapping(n, "resources") {
		switch p.Key.Value {
		case "repositories":
			for _, it := range v.seq(p.Value, "resources.repositories") {
				repo := Repository{Pos: it.Pos}
				for _, rp := range v.mapping(it, "a repository") {
					switch rp.Key.Value {
					case "repository":
						repo.Alias = v.str(rp.Value, "repository")
					case "type":
						repo.Type = v.str(rp.Value, "type")
						switch repo.Type {
						case "git", "github", "githubenterprise", "bitbucket":
						default:
							v.structural(rp.Value.Pos, "Unexpected value '%s': a repository type is git, github, githubenterprise or bitbucket", repo.Type)
						}
					case "name":
						repo.Name = v.str(rp.Value, "name")
					case "ref":
						repo.Ref = v.str(rp.Value, "ref")
					case "endpoint":
						repo.Endpoint = v.str(rp.Value, "endpoint")
					case "trigger", "checkoutOptions":
					default:
						v.unexpected(rp.Key, ": not a repository property")
					}
				}
				if repo.Alias == "" {
					v.structural(it.Pos, "A repository resource needs 'repository' (its alias)")
				} else if v.repos[strings.ToLower(repo.Alias)] {
					v.structural(it.Pos, "The repository '%s' is already defined", repo.Alias)
				}
				v.repos[strings.ToLower(repo.Alias)] = true
				r.Repositories = append(r.Repositories, repo)
			}
		case "containers":
			for _, it := range v.seq(p.Value, "resources.containers") {
				c := v.container(it, true)
				if c != nil {
					r.Containers = append(r.Containers, *c)
				}
			}
		case "pipelines", "builds", "packages", "webhooks":
			aliasKey := map[string]string{"pipelines": "pipeline", "builds": "build", "packages": "package", "webhooks": "webhook"}[p.Key.Value]
			for _, it := range v.seq(p.Value, "resources."+p.Key.Value) {
				if it.Kind != MappingNode || it.Get(aliasKey) == nil {
					v.structural(it.Pos, "A %s resource needs '%s' (its alias)", aliasKey, aliasKey)
				}
			}
		default:
			v.unexpected(p.Key, ": not a resource kind")
		}
	}
	return r
}

func (v *validator) container(n *Node, resource bool) *Container {
	if n == nil || n.Kind == NullNode {
		return nil
	}
	c := &Container{}
	if n.IsScalar() {
		s := scalarText(n)
		if e, ok := expr.RuntimeExpression(s); ok {
			v.runtimeExpr(n.Pos, e, false)
			c.Expr = s
			return c
		}
		c.Image = s
		return c
	}
	for _, p := range v.mapping(n, "a container") {
		switch p.Key.Value {
		case "container":
			c.Alias = v.str(p.Value, "container")
		case "image":
			c.Image = v.str(p.Value, "image")
		case "options":
			c.Options = v.str(p.Value, "options")
		case "env":
			c.Env = v.stringMap(p.Value, "env")
		case "ports":
			c.Ports = v.stringList(p.Value, "ports")
		case "volumes":
			c.Volumes = v.stringList(p.Value, "volumes")
		case "mapDockerSocket":
			v.boolean(p.Value, false)
		case "mountReadOnly":
			for _, mp := range v.mapping(p.Value, "mountReadOnly") {
				switch mp.Key.Value {
				case "work", "externals", "tools", "tasks":
					v.boolean(mp.Value, false)
				default:
					v.unexpected(mp.Key, ": mountReadOnly takes work, externals, tools and tasks")
				}
			}
		case "endpoint", "localImage", "type", "azureSubscription", "resourceGroup", "registry", "repository", "trigger", "alias":
		default:
			v.unexpected(p.Key, ": not a container property")
		}
	}
	if resource && c.Alias == "" {
		v.structural(n.Pos, "A container resource needs 'container' (its alias)")
	}
	if c.Image == "" && !(resource && n.Get("type") != nil) {
		v.structural(n.Pos, "A container needs an 'image'")
	}
	return c
}

func (v *validator) stringMap(n *Node, what string) []Variable {
	var out []Variable
	for _, p := range v.mapping(n, what) {
		out = append(out, Variable{Name: p.Key.Value, Value: v.str(p.Value, what+"."+p.Key.Value), Pos: p.Key.Pos})
	}
	return out
}

func (v *validator) pool(n *Node) *Pool {
	if n == nil || n.Kind == NullNode {
		return nil
	}
	if n.IsScalar() {
		return &Pool{Name: scalarText(n)}
	}
	pool := &Pool{}
	for _, p := range v.mapping(n, "pool") {
		switch p.Key.Value {
		case "name":
			pool.Name = v.str(p.Value, "pool name")
		case "vmImage":
			pool.VMImage = v.str(p.Value, "vmImage")
		case "demands":
			pool.Demands = v.stringList(p.Value, "demands")
		case "image":
			if p.Value.IsScalar() {
				pool.Image = scalarText(p.Value)
			}
		case "os":
			if p.Value.IsScalar() {
				pool.OS = scalarText(p.Value)
			}
		default:
			// The service's schema allows any other key (1ES pools say type,
			// hostArchitecture …), but a known key in the wrong case is
			// surely a typo that the service would silently ignore.
			for _, known := range []string{"name", "vmImage", "demands"} {
				if strings.EqualFold(p.Key.Value, known) {
					v.unexpected(p.Key, ": did you mean '"+known+"'?")
				}
			}
		}
	}
	return pool
}

func (v *validator) variables(n *Node) []Variable {
	if n == nil || n.Kind == NullNode {
		return nil
	}
	var out []Variable
	check := func(pos Pos, value string) {
		if e, ok := expr.RuntimeExpression(value); ok {
			v.runtimeExpr(pos, e, true)
		}
	}
	switch n.Kind {
	case MappingNode:
		for _, p := range n.Pairs {
			val := v.str(p.Value, "variable "+p.Key.Value)
			check(posOf(p.Value), val)
			out = append(out, Variable{Name: p.Key.Value, Value: val, Pos: p.Key.Pos})
		}
	case SequenceNode:
		for _, it := range n.Items {
			vr := Variable{Pos: it.Pos}
			for _, p := range v.mapping(it, "a variable") {
				switch p.Key.Value {
				case "name":
					vr.Name = v.str(p.Value, "name")
				case "value":
					vr.Value = v.str(p.Value, "value")
					check(posOf(p.Value), vr.Value)
				case "readonly":
					vr.ReadOnly = v.boolean(p.Value, false)
				case "group":
					vr.Group = v.str(p.Value, "group")
				default:
					v.unexpected(p.Key, ": a variable takes name, value and readonly, or group")
				}
			}
			if vr.Name == "" && vr.Group == "" && it.Kind == MappingNode {
				v.structural(it.Pos, "A variable needs a 'name' or a 'group'")
			}
			out = append(out, vr)
		}
	default:
		v.structural(n.Pos, "Unexpected value '%s': variables must be a mapping or a sequence", n.Value)
	}
	return out
}

func (v *validator) dependsOn(n *Node) ([]string, bool) {
	if n == nil {
		return nil, false
	}
	if n.Kind == NullNode {
		return nil, true
	}
	// An empty name depends on nothing: templates default dependsOn to ''
	// (arcade's onelocbuild.yml) and the service runs them.
	var out []string
	for _, d := range v.stringList(n, "dependsOn") {
		if strings.TrimSpace(d) != "" {
			out = append(out, d)
		}
	}
	return out, true
}

func (v *validator) stage(n *Node) *Stage {
	st := &Stage{Pos: posOf(n)}
	if n == nil || n.Kind != MappingNode {
		v.structural(posOf(n), "A stage must be a mapping")
		return nil
	}
	hasStage := false
	for _, p := range n.Pairs {
		switch p.Key.Value {
		case "stage":
			hasStage = true
			st.Name = v.str(p.Value, "stage")
		case "displayName":
			st.DisplayName = v.str(p.Value, "displayName")
		case "dependsOn":
			st.DependsOn, st.DependsOnSet = v.dependsOn(p.Value)
		case "condition":
			st.Condition = v.condition(p.Value)
		case "variables":
			st.Variables = v.variables(p.Value)
		case "jobs":
			for _, j := range v.seq(p.Value, "jobs") {
				if job := v.jobOrPhase(j); job != nil {
					st.Jobs = append(st.Jobs, job)
				}
			}
		case "pool":
			st.Pool = v.pool(p.Value)
		case "lockBehavior":
			st.LockBehavior = v.lockBehavior(p.Value)
		case "trigger":
			st.Trigger = v.str(p.Value, "trigger")
			if st.Trigger != "manual" && st.Trigger != "automatic" {
				v.structural(p.Value.Pos, "Unexpected value '%s': a stage trigger is manual or automatic", st.Trigger)
			}
		case "isSkippable":
			v.boolean(p.Value, true)
		case "templateContext", "checks", "group":
		default:
			v.unexpected(p.Key, ": not a stage property")
		}
	}
	if !hasStage {
		v.structural(n.Pos, "A stage needs a 'stage' key")
	}
	if st.Name != "" && !isIdentifier(st.Name) {
		v.structural(n.Pos, "Stage name '%s' is not valid: use letters, digits and '_', not starting with a digit", st.Name)
	}
	return st
}

var jobProperties = map[string]bool{
	"displayName": true, "dependsOn": true, "condition": true, "continueOnError": true,
	"timeoutInMinutes": true, "cancelTimeoutInMinutes": true, "variables": true, "pool": true,
	"container": true, "services": true, "strategy": true, "workspace": true, "uses": true,
	"templateContext": true,
}

func (v *validator) job(n *Node, implicit bool) *Job {
	if n == nil || n.Kind != MappingNode {
		v.structural(posOf(n), "A job must be a mapping")
		return nil
	}
	j := &Job{Pos: n.Pos}
	isDeployment := n.Get("deployment") != nil || hasKey(n, "deployment")
	if !implicit && !hasKey(n, "job") && !isDeployment {
		v.structural(n.Pos, "A job needs a 'job' or 'deployment' key")
	}
	if isDeployment {
		j.Kind = DeploymentJob
	}
	var strategy *Node
	for _, p := range n.Pairs {
		k := p.Key.Value
		switch {
		case k == "job" && !isDeployment:
			j.Name = v.str(p.Value, "job")
		case k == "deployment":
			j.Name = v.str(p.Value, "deployment")
		case k == "steps" && !isDeployment:
			for _, s := range v.seq(p.Value, "steps") {
				if st := v.step(s, nil); st != nil {
					j.Steps = append(j.Steps, st)
				}
			}
		case k == "environment" && isDeployment:
			j.Environment = v.environment(p.Value)
		case k == "strategy":
			strategy = p.Value
		case jobProperties[k]:
			switch k {
			case "displayName":
				j.DisplayName = v.str(p.Value, "displayName")
			case "dependsOn":
				j.DependsOn, j.DependsOnSet = v.dependsOn(p.Value)
			case "condition":
				j.Condition = v.condition(p.Value)
			case "continueOnError":
				j.ContinueOnError = v.boolean(p.Value, false)
			case "timeoutInMinutes":
				j.TimeoutInMinutes = v.integer(p.Value, "timeoutInMinutes")
			case "cancelTimeoutInMinutes":
				j.CancelTimeoutInMinutes = v.integer(p.Value, "cancelTimeoutInMinutes")
			case "variables":
				j.Variables = v.variables(p.Value)
			case "pool":
				j.Pool = v.pool(p.Value)
			case "container":
				j.Container = v.container(p.Value, false)
			case "services":
				j.Services = map[string]*Container{}
				for _, sp := range v.mapping(p.Value, "services") {
					j.Services[sp.Key.Value] = v.container(sp.Value, false)
				}
			case "workspace":
				for _, wp := range v.mapping(p.Value, "workspace") {
					if wp.Key.Value != "clean" {
						v.unexpected(wp.Key, ": workspace takes clean")
						continue
					}
					j.WorkspaceClean = v.str(wp.Value, "workspace.clean")
					switch j.WorkspaceClean {
					case "outputs", "resources", "all":
					default:
						v.structural(wp.Value.Pos, "Unexpected value '%s': workspace.clean is outputs, resources or all", j.WorkspaceClean)
					}
				}
			case "uses":
				for _, up := range v.mapping(p.Value, "uses") {
					if up.Key.Value != "repositories" && up.Key.Value != "pools" {
						v.unexpected(up.Key, ": uses takes repositories and pools")
						continue
					}
					v.stringList(up.Value, "uses."+up.Key.Value)
				}
			}
		default:
			v.unexpected(p.Key, ": not a "+map[bool]string{true: "deployment", false: "job"}[isDeployment]+" property")
		}
	}
	if isDeployment {
		j.Deployment = v.deploymentStrategy(strategy, n.Pos)
	} else if strategy != nil {
		j.Strategy = v.jobStrategy(strategy)
	}
	if j.Name != "" && !isIdentifier(j.Name) {
		v.structural(n.Pos, "Job name '%s' is not valid: use letters, digits and '_', not starting with a digit", j.Name)
	}
	return j
}

func hasKey(n *Node, key string) bool {
	for _, p := range n.Pairs {
		if p.Key.Value == key {
			return true
		}
	}
	return false
}

func (v *validator) environment(n *Node) *Environment {
	e := &Environment{}
	if n == nil || n.Kind == NullNode {
		return e
	}
	if n.IsScalar() {
		e.Name, e.ResourceName, _ = strings.Cut(scalarText(n), ".")
		return e
	}
	for _, p := range v.mapping(n, "environment") {
		switch p.Key.Value {
		case "name":
			e.Name = v.str(p.Value, "environment name")
		case "resourceName":
			e.ResourceName = v.str(p.Value, "resourceName")
		case "resourceType":
			e.ResourceType = v.str(p.Value, "resourceType")
		case "tags":
			e.Tags = strings.Join(v.stringList(p.Value, "tags"), ",")
		case "resourceId":
		default:
			v.unexpected(p.Key, ": not an environment property")
		}
	}
	return e
}

func (v *validator) jobStrategy(n *Node) *Strategy {
	s := &Strategy{}
	for _, p := range v.mapping(n, "strategy") {
		switch p.Key.Value {
		case "matrix":
			if p.Value.IsScalar() {
				s.MatrixExpr = scalarText(p.Value)
				if e, ok := expr.RuntimeExpression(s.MatrixExpr); ok {
					v.runtimeExpr(p.Value.Pos, e, false)
				} else {
					v.structural(p.Value.Pos, "Unexpected value '%s': a matrix is a mapping or a runtime expression", s.MatrixExpr)
				}
				continue
			}
			for _, leg := range v.mapping(p.Value, "matrix") {
				// The documentation asks for letters, digits and '_', but the
				// service runs legs named with spaces and dots every day
				// (conda-forge feedstocks): only an empty name is refused.
				if strings.TrimSpace(leg.Key.Value) == "" {
					v.structural(leg.Key.Pos, "Matrix leg name '%s' is not valid: a leg needs a name", leg.Key.Value)
				}
				s.Matrix = append(s.Matrix, MatrixLeg{Name: leg.Key.Value, Variables: v.stringMap(leg.Value, "matrix leg "+leg.Key.Value)})
			}
		case "maxParallel":
			s.MaxParallel = v.integer(p.Value, "maxParallel")
		case "parallel":
			s.Parallel = v.integer(p.Value, "parallel")
		default:
			v.unexpected(p.Key, ": a job strategy takes matrix, maxParallel or parallel")
		}
	}
	if (len(s.Matrix) > 0 || s.MatrixExpr != "") && s.Parallel > 0 {
		v.structural(n.Pos, "A strategy has either matrix or parallel, not both")
	}
	return s
}

func (v *validator) deploymentStrategy(n *Node, at Pos) *DeploymentStrategy {
	ds := &DeploymentStrategy{}
	pairs := v.mapping(n, "strategy")
	if len(pairs) == 0 && v.partial {
		return ds
	}
	if len(pairs) != 1 {
		v.structural(at, "A deployment needs a strategy with exactly one of runOnce, rolling or canary")
		if len(pairs) == 0 {
			return ds
		}
	}
	p := pairs[0]
	ds.Kind = p.Key.Value
	switch ds.Kind {
	case "runOnce", "rolling", "canary":
	default:
		v.unexpected(p.Key, ": a deployment strategy is runOnce, rolling or canary")
		return ds
	}
	hasDeploy := false
	for _, hp := range v.mapping(p.Value, ds.Kind) {
		switch hp.Key.Value {
		case "preDeploy", "deploy", "routeTraffic", "postRouteTraffic":
			if hp.Key.Value == "deploy" {
				hasDeploy = true
			}
			ds.Hooks = append(ds.Hooks, v.hook(hp.Key.Value, hp.Value))
		case "on":
			for _, op := range v.mapping(hp.Value, "on") {
				if op.Key.Value != "success" && op.Key.Value != "failure" {
					v.unexpected(op.Key, ": 'on' takes success and failure")
					continue
				}
				ds.Hooks = append(ds.Hooks, v.hook("on."+op.Key.Value, op.Value))
			}
		case "maxParallel":
			if ds.Kind != "rolling" {
				v.unexpected(hp.Key, ": only rolling deployments take maxParallel")
			}
			ds.MaxParallel = v.str(hp.Value, "maxParallel")
		case "increments":
			if ds.Kind != "canary" {
				v.unexpected(hp.Key, ": only canary deployments take increments")
			}
			for _, s := range v.stringList(hp.Value, "increments") {
				i, err := strconv.Atoi(s)
				if err != nil || i <= 0 || i > 100 {
					v.structural(hp.Value.Pos, "Unexpected value '%s': increments are percentages", s)
				}
				ds.Increments = append(ds.Increments, i)
			}
		default:
			v.unexpected(hp.Key, ": not a lifecycle hook of "+ds.Kind)
		}
	}
	if !hasDeploy && !v.lenient {
		v.structural(p.Key.Pos, "A %s strategy needs a 'deploy' hook", ds.Kind)
	}
	return ds
}

func (v *validator) hook(name string, n *Node) *Hook {
	h := &Hook{Name: name}
	for _, p := range v.mapping(n, name) {
		switch p.Key.Value {
		case "steps":
			for _, s := range v.seq(p.Value, "steps") {
				if st := v.step(s, nil); st != nil {
					h.Steps = append(h.Steps, st)
				}
			}
		case "pool":
			h.Pool = v.pool(p.Value)
		default:
			v.unexpected(p.Key, ": a lifecycle hook takes steps and pool")
		}
	}
	return h
}

var stepKinds = map[string]StepKind{
	"script": StepScript, "bash": StepBash, "pwsh": StepPwsh, "powershell": StepPowerShell,
	"checkout": StepCheckout, "task": StepTask, "download": StepDownload,
	"downloadBuild": StepDownloadBuild, "getPackage": StepGetPackage, "publish": StepPublish,
	"reviewApp": StepReviewApp, "upload": StepUpload,
}

var commonStepProperties = map[string]bool{
	"name": true, "displayName": true, "condition": true, "continueOnError": true,
	"enabled": true, "env": true, "timeoutInMinutes": true, "retryCountOnTaskFailure": true,
	"target": true,
}

var kindStepProperties = map[StepKind]map[string]bool{
	StepScript:        {"workingDirectory": true, "failOnStderr": true},
	StepBash:          {"workingDirectory": true, "failOnStderr": true},
	StepPwsh:          {"workingDirectory": true, "failOnStderr": true, "errorActionPreference": true, "ignoreLASTEXITCODE": true},
	StepPowerShell:    {"workingDirectory": true, "failOnStderr": true, "errorActionPreference": true, "ignoreLASTEXITCODE": true},
	StepCheckout:      {"clean": true, "fetchDepth": true, "fetchFilter": true, "fetchTags": true, "lfs": true, "path": true, "persistCredentials": true, "submodules": true, "sparseCheckoutDirectories": true, "sparseCheckoutPatterns": true, "workspaceRepo": true},
	StepTask:          {"inputs": true},
	StepDownload:      {"artifact": true, "patterns": true},
	StepDownloadBuild: {"artifact": true, "inputs": true, "path": true, "patterns": true},
	StepGetPackage:    {"path": true},
	StepPublish:       {"artifact": true},
	StepUpload:        {"artifact": true},
	StepReviewApp:     {},
}

// step checks one step; repos, when not nil, are the declared repositories.
func (v *validator) step(n *Node, _ map[string]bool) *Step {
	if n == nil || n.Kind != MappingNode {
		v.structural(posOf(n), "A step must be a mapping")
		return nil
	}
	st := &Step{Pos: n.Pos, Enabled: true}
	var kindKey *Node
	for _, p := range n.Pairs {
		if k, ok := stepKinds[p.Key.Value]; ok {
			if kindKey != nil {
				v.structural(p.Key.Pos, "A step has one kind, but has both '%s' and '%s'", kindKey.Value, p.Key.Value)
				continue
			}
			kindKey, st.Kind = p.Key, k
			st.Body = v.str(p.Value, p.Key.Value)
		}
	}
	for _, p := range n.Pairs {
		k := p.Key.Value
		if _, isKind := stepKinds[k]; isKind {
			continue
		}
		if !commonStepProperties[k] && !(kindKey != nil && kindStepProperties[st.Kind][k]) {
			v.unexpected(p.Key, ": not a step property")
			continue
		}
		switch k {
		case "name":
			st.Name = v.str(p.Value, "name")
			if !isIdentifier(st.Name) {
				v.structural(p.Value.Pos, "Step name '%s' is not valid: use letters, digits and '_', not starting with a digit", st.Name)
			}
		case "displayName":
			st.DisplayName = v.str(p.Value, "displayName")
		case "condition":
			st.Condition = v.condition(p.Value)
		case "continueOnError":
			st.ContinueOnError = v.boolean(p.Value, false)
		case "enabled":
			st.Enabled = v.boolean(p.Value, true)
		case "env":
			st.Env = v.stringMap(p.Value, "env")
		case "timeoutInMinutes":
			st.TimeoutInMinutes = v.integer(p.Value, "timeoutInMinutes")
		case "retryCountOnTaskFailure":
			st.RetryCount = v.integer(p.Value, "retryCountOnTaskFailure")
		case "workingDirectory":
			st.WorkingDirectory = v.str(p.Value, "workingDirectory")
		case "failOnStderr", "ignoreLASTEXITCODE", "clean", "lfs", "persistCredentials", "fetchTags":
			b := v.boolean(p.Value, false)
			if k == "failOnStderr" {
				st.FailOnStderr = b
			}
		case "inputs":
			st.Inputs = append(st.Inputs, v.stringMap(p.Value, "inputs")...)
		case "target":
			st.Target = v.stepTarget(p.Value)
		case "fetchDepth":
			v.integer(p.Value, "fetchDepth")
		default:
			val := v.str(p.Value, k)
			switch st.Kind {
			case StepDownload, StepDownloadBuild, StepPublish, StepUpload, StepGetPackage:
				// artifact, patterns, path: what the step's task takes as inputs.
				st.Inputs = append(st.Inputs, Variable{Name: k, Value: val, Pos: p.Key.Pos})
			}
		}
	}
	if kindKey == nil {
		v.structural(n.Pos, "A step needs one of script, bash, pwsh, powershell, checkout, task, download, downloadBuild, getPackage, publish or reviewApp")
		return st
	}
	switch st.Kind {
	case StepTask:
		name, version, ok := strings.Cut(st.Body, "@")
		if !ok || name == "" || version == "" {
			v.structural(kindKey.Pos, "Unexpected value '%s': a task is written Name@MajorVersion", st.Body)
		} else if _, err := strconv.Atoi(version); err != nil && !isCheckoutTask(st.Body) {
			v.structural(kindKey.Pos, "Unexpected value '%s': a task version is a whole number", st.Body)
		}
		if isCheckoutTask(st.Body) {
			// The task form of checkout, as step parameters carry it.
			st.Kind, st.Body = StepCheckout, inputValue(st.Inputs, "repository")
			if st.Body == "" {
				v.structural(kindKey.Pos, "checkout needs self, none or a repository alias")
			}
		}
	case StepCheckout:
		if st.Body == "" {
			v.structural(kindKey.Pos, "checkout needs self, none or a repository alias")
		}
	}
	return st
}

// inputValue returns the value of a task input, matching its name
// case-insensitively as the agent does.
func inputValue(inputs []Variable, name string) string {
	for _, in := range inputs {
		if strings.EqualFold(in.Name, name) {
			return in.Value
		}
	}
	return ""
}

func (v *validator) stepTarget(n *Node) string {
	if n == nil || n.Kind == NullNode {
		return ""
	}
	if n.IsScalar() {
		return scalarText(n)
	}
	target := ""
	for _, p := range v.mapping(n, "target") {
		switch p.Key.Value {
		case "container":
			target = v.str(p.Value, "target.container")
		case "commands":
			if s := v.str(p.Value, "target.commands"); s != "any" && s != "restricted" {
				v.structural(p.Value.Pos, "Unexpected value '%s': target.commands is any or restricted", s)
			}
		case "settableVariables":
			if p.Value.IsScalar() {
				if s := scalarText(p.Value); s != "none" {
					v.structural(p.Value.Pos, "Unexpected value '%s': settableVariables is none or a list of names", s)
				}
			} else {
				v.stringList(p.Value, "target.settableVariables")
			}
		default:
			v.unexpected(p.Key, ": a step target takes container, commands and settableVariables")
		}
	}
	return target
}

// names gives unnamed stages and jobs their default names and checks names,
// dependencies, cycles and checkout targets across the pipeline.
func (v *validator) names(p *Pipeline) {
	stageIndex := map[string]*Stage{}
	for i, st := range p.Stages {
		if st.Name == "" {
			st.Name = fmt.Sprintf("Stage_%d", i+1)
		}
		if prev, ok := stageIndex[strings.ToLower(st.Name)]; ok {
			v.structural(st.Pos, "Stage '%s' is already defined at %s", st.Name, prev.Pos)
		}
		stageIndex[strings.ToLower(st.Name)] = st
		jobIndex := map[string]*Job{}
		for j, job := range st.Jobs {
			if job.Name == "" {
				job.Name = fmt.Sprintf("Job_%d", j+1)
				if job.Implicit {
					job.Name = "Job"
				}
			}
			if prev, ok := jobIndex[strings.ToLower(job.Name)]; ok {
				v.structural(job.Pos, "Job '%s' is already defined at %s", job.Name, prev.Pos)
			}
			jobIndex[strings.ToLower(job.Name)] = job
			v.stepNames(job)
		}
		for _, job := range st.Jobs {
			for _, d := range job.DependsOn {
				if _, ok := jobIndex[strings.ToLower(d)]; !ok {
					v.structural(job.Pos, "Job '%s' depends on unknown job '%s'", job.Name, d)
				}
			}
		}
		jobDeps := map[string][]string{}
		for _, job := range st.Jobs {
			jobDeps[strings.ToLower(job.Name)] = lowerAll(job.DependsOn)
		}
		if c := findCycle(jobDeps); c != "" {
			v.structural(st.Pos, "Jobs of stage '%s' depend on each other in a cycle: %s", st.Name, c)
		}
	}
	stageDeps := map[string][]string{}
	for i, st := range p.Stages {
		if !st.DependsOnSet && i > 0 {
			st.DependsOn = []string{p.Stages[i-1].Name}
		}
		for _, d := range st.DependsOn {
			if _, ok := stageIndex[strings.ToLower(d)]; !ok {
				v.structural(st.Pos, "Stage '%s' depends on unknown stage '%s'", st.Name, d)
			}
		}
		stageDeps[strings.ToLower(st.Name)] = lowerAll(st.DependsOn)
	}
	if c := findCycle(stageDeps); c != "" {
		v.structural(p.Stages[0].Pos, "Stages depend on each other in a cycle: %s", c)
	}
}

func (v *validator) stepNames(job *Job) {
	check := func(steps []*Step) {
		seen := map[string]bool{}
		for _, s := range steps {
			if s.Kind == StepCheckout {
				switch strings.ToLower(s.Body) {
				case "self", "none":
				default:
					if !v.repos[strings.ToLower(s.Body)] && !strings.Contains(s.Body, "://") {
						v.structural(s.Pos, "checkout: the repository '%s' is not declared in resources.repositories", s.Body)
					}
				}
			}
			if s.Name == "" {
				continue
			}
			if seen[strings.ToLower(s.Name)] {
				v.structural(s.Pos, "Step name '%s' is already used in job '%s'", s.Name, job.Name)
			}
			seen[strings.ToLower(s.Name)] = true
		}
	}
	check(job.Steps)
	if job.Deployment != nil {
		for _, h := range job.Deployment.Hooks {
			check(h.Steps)
		}
	}
}

func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

// findCycle returns a dependency cycle as "a -> b -> a", or "".
func findCycle(deps map[string][]string) string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found string
	var visit func(n string) bool
	visit = func(n string) bool {
		color[n] = grey
		stack = append(stack, n)
		for _, d := range deps[n] {
			if _, ok := deps[d]; !ok {
				continue
			}
			switch color[d] {
			case grey:
				start := 0
				for i, s := range stack {
					if s == d {
						start = i
					}
				}
				found = strings.Join(append(append([]string(nil), stack[start:]...), d), " -> ")
				return true
			case white:
				if visit(d) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		return false
	}
	keys := make([]string, 0, len(deps))
	for k := range deps {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	for _, k := range keys {
		if color[k] == white && visit(k) {
			return found
		}
	}
	return ""
}
