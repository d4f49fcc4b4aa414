package lab

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
)

// GitHub Actions workflows: linted by actionlint (the workflow alone, with
// its default rules: the workspace's own actionlint configuration is not
// read, and neither shellcheck nor pyflakes runs), then structural matches
// on the YAML and an effective-permissions check.

type workflowParams struct {
	File  string  `yaml:"file"`
	Lint  *bool   `yaml:"lint"` // default true
	Match []Match `yaml:"match"`
}

type permissionsParams struct {
	File    string            `yaml:"file"`
	Job     string            `yaml:"job"`     // "" checks every job
	Max     map[string]string `yaml:"max"`     // scope -> the most it may get (none, read, write); scopes not listed may get at most read
	Require map[string]string `yaml:"require"` // scope -> the level it must get
}

var permissionLevels = map[string]int{"none": 0, "read": 1, "write": 2}

func init() {
	register("github-workflow", "a GitHub Actions workflow passes actionlint and every match holds on its YAML", false,
		validateGithubWorkflow, checkGithubWorkflow)
	register("github-permissions", "a workflow's jobs get GITHUB_TOKEN permissions set explicitly, no more than max and at least require", false,
		validateGithubPermissions, checkGithubPermissions)
}

// githubScopes are the GITHUB_TOKEN permission scopes that write-all and
// read-all cover.
var githubScopes = []string{"actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token",
	"issues", "models", "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses"}

// effectivePermissions reads a permissions value: read-all, write-all, {}
// or a mapping of scope to level.
func effectivePermissions(v any) (map[string]int, error) {
	out := map[string]int{}
	switch x := v.(type) {
	case string:
		var lvl int
		switch x {
		case "read-all":
			lvl = 1
		case "write-all":
			lvl = 2
		default:
			return nil, fmt.Errorf("permissions %q must be read-all, write-all or a mapping", x)
		}
		for _, s := range githubScopes {
			out[s] = lvl
		}
	case map[string]any:
		for scope, l := range x {
			lvl, ok := permissionLevels[scalarString(l)]
			if !ok {
				return nil, fmt.Errorf("permission %s: %q is not none, read or write", scope, scalarString(l))
			}
			out[scope] = lvl
		}
	case nil:
	default:
		return nil, fmt.Errorf("permissions must be read-all, write-all or a mapping")
	}
	return out, nil
}

func levelName(l int) string {
	for n, v := range permissionLevels {
		if v == l {
			return n
		}
	}
	return "none"
}

// lintWorkflow runs actionlint on a workflow's content alone.
func lintWorkflow(content []byte) ([]*actionlint.Error, error) {
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		return nil, err
	}
	return l.Lint("<stdin>", content, nil)
}

func more(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" (and %d more)", n-1)
}

// validateGithubWorkflow checks a github-workflow check's parameters.
func validateGithubWorkflow(p *workflowParams) error {
	if err := needPath("file", p.File); err != nil {
		return err
	}
	for i := range p.Match {
		if err := p.Match[i].validate(); err != nil {
			return fmt.Errorf("match %d: %w", i+1, err)
		}
	}
	return nil
}

// checkGithubWorkflow grades the github-workflow check: a GitHub Actions workflow passes actionlint and every match holds on its YAML.
func checkGithubWorkflow(_ context.Context, ws *Workspace, p *workflowParams) Outcome {
	b, err := ws.ReadFile(p.File)
	if err != nil {
		return fail("cannot read %s: %v", p.File, err)
	}
	if p.Lint == nil || *p.Lint {
		errs, err := lintWorkflow(b)
		if err != nil {
			return fail("actionlint: %v", err)
		}
		if len(errs) > 0 {
			return fail("actionlint: %s:%d:%d: %s [%s]%s", p.File, errs[0].Line, errs[0].Column, errs[0].Message, errs[0].Kind, more(len(errs)))
		}
	}
	if len(p.Match) == 0 {
		return pass("%s passes actionlint", p.File)
	}
	doc, err := readYAML(ws, p.File)
	if err != nil {
		return fail("%v", err)
	}
	return matchAll(doc, p.Match)
}

// validateGithubPermissions checks a github-permissions check's parameters.
func validateGithubPermissions(p *permissionsParams) error {
	if err := needPath("file", p.File); err != nil {
		return err
	}
	for _, m := range []map[string]string{p.Max, p.Require} {
		for scope, lvl := range m {
			if _, ok := permissionLevels[lvl]; !ok {
				return fmt.Errorf("permission %s: level %q must be none, read or write", scope, lvl)
			}
		}
	}
	return nil
}

// checkGithubPermissions grades the github-permissions check: a workflow's jobs get GITHUB_TOKEN permissions set explicitly, no more than max and at least require.
func checkGithubPermissions(_ context.Context, ws *Workspace, p *permissionsParams) Outcome {
	doc, err := readYAML(ws, p.File)
	if err != nil {
		return fail("%v", err)
	}
	wf, _ := doc.(map[string]any)
	jobs, _ := wf["jobs"].(map[string]any)
	if len(jobs) == 0 {
		return fail("%s has no jobs", p.File)
	}
	names := make([]string, 0, len(jobs))
	for n := range jobs {
		if p.Job == "" || n == p.Job {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return fail("%s has no job %s", p.File, p.Job)
	}
	sort.Strings(names)
	for _, n := range names {
		job, _ := jobs[n].(map[string]any)
		if _, reusable := job["uses"]; reusable && job["permissions"] == nil && wf["permissions"] == nil {
			return fail("job %s calls a reusable workflow without permissions: the called workflow gets the default token", n)
		}
		perms, set := job["permissions"]
		if !set {
			perms, set = wf["permissions"]
		}
		if !set {
			return fail("job %s gets the repository's default GITHUB_TOKEN permissions: set permissions explicitly", n)
		}
		granted, err := effectivePermissions(perms)
		if err != nil {
			return fail("job %s: %v", n, err)
		}
		for scope, lvl := range granted {
			limit := "read"
			if m, ok := p.Max[scope]; ok {
				limit = m
			}
			if lvl > permissionLevels[limit] {
				return fail("job %s grants %s: %s, more than %s", n, scope, levelName(lvl), limit)
			}
		}
		for scope, want := range p.Require {
			if granted[scope] != permissionLevels[want] {
				return fail("job %s grants %s: %s, but it needs %s", n, scope, levelName(granted[scope]), want)
			}
		}
	}
	return pass("%s: permissions are explicit and within limits for %s", p.File, strings.Join(names, ", "))
}
