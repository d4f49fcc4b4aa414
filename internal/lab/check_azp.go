package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/certlab/certlab/internal/pipelines"
)

// Azure Pipelines YAML, through certlab's own pipelines engine: templates
// expanded, expressions evaluated, the result validated and turned into
// the typed model, which matches query with lower-camel keys:
//
//	stages[name=Deploy].dependsOn        contains: Build
//	stages[name=Deploy].jobs[0].kind     equals: deployment
//	stages[*].jobs[*].environment.name   equals: production
//	stages[name=Build].jobs[0].strategy.matrix[*].name
//	trigger.branches.include             contains: main

type azpParams struct {
	File       string            `yaml:"file"`
	Parameters map[string]string `yaml:"parameters"`
	Variables  map[string]string `yaml:"variables"`
	Match      []Match           `yaml:"match"`
	// Ran lists jobs (Stage.Job) that a run must have run to success, not
	// skipped: a run whose deployment job a condition skipped succeeds too.
	Ran []string `yaml:"ran"`
}

func init() {
	validate := func(p *azpParams) error {
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
	validateRun := func(p *azpParams) error {
		for _, j := range p.Ran {
			if st, job, ok := strings.Cut(j, "."); !ok || st == "" || job == "" {
				return fmt.Errorf("ran: %q is not Stage.Job", j)
			}
		}
		return validate(p)
	}
	validateStatic := func(p *azpParams) error {
		if len(p.Ran) > 0 {
			return errors.New("ran applies to azure-pipeline-run only")
		}
		return validate(p)
	}
	register("azure-pipeline", "an Azure Pipelines YAML file expands (templates, parameters) and validates, and every match holds on the expanded model", false, validateStatic, checkAzurePipeline)
	register("azure-pipeline-run", "an Azure Pipelines YAML file runs locally and succeeds (runs the workspace's script steps: candidate's machine only); the jobs listed in ran must have run", true, validateRun, checkAzurePipelineRun)
}

// failReason says why a job failed: its reason, else the first error it
// logged, else its first failed step.
func failReason(j *pipelines.JobResult) string {
	if strings.TrimSpace(j.Reason) != "" {
		return j.Reason
	}
	for _, is := range j.Issues {
		if is.Type == "error" {
			return is.Message
		}
	}
	for _, st := range j.Steps {
		if st.Result == pipelines.Failed {
			return fmt.Sprintf("step %s failed (exit code %d)", displayName(st), st.ExitCode)
		}
	}
	return "no reason given"
}

func displayName(st *pipelines.StepResult) string {
	if st.Display != "" {
		return st.Display
	}
	return st.Name
}

// expandPipeline expands and validates a workspace pipeline. Templates are
// read from the workspace only: a path that leaves it is refused.
func expandPipeline(ws *Workspace, p *azpParams) (*pipelines.Pipeline, error) {
	root, err := filepath.EvalSymlinks(ws.Dir)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(root, filepath.FromSlash(p.File))
	readFile := func(name string) ([]byte, error) {
		abs, err := filepath.Abs(name)
		if err != nil {
			return nil, err
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(real, root+string(filepath.Separator)) {
			return nil, fmt.Errorf("%s is outside the workspace", name)
		}
		st, err := os.Stat(real)
		if err != nil {
			return nil, err
		}
		if st.Size() > maxDocument {
			return nil, fmt.Errorf("%s is larger than %d bytes", name, maxDocument)
		}
		return os.ReadFile(real)
	}
	doc, err := pipelines.Expand(file, pipelines.Options{Parameters: p.Parameters, Variables: p.Variables, Root: root, ReadFile: readFile})
	if err != nil {
		return nil, relErr(err, root)
	}
	model, err := pipelines.Validate(doc)
	if err != nil {
		return nil, relErr(err, root)
	}
	return model, nil
}

// relErr shows workspace paths relative to it in messages.
func relErr(err error, root string) error {
	return errors.New(strings.ReplaceAll(err.Error(), root+string(filepath.Separator), ""))
}

// pipelineTree turns the typed model into maps and lists with lower-camel
// keys, job kinds as words and positions left out, for queries.
func pipelineTree(p *pipelines.Pipeline) any {
	b, err := json.Marshal(p)
	if err != nil {
		return nil
	}
	var raw any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil
	}
	tree := lowerKeys(raw).(map[string]any)
	tree["trigger"], tree["pr"], tree["schedules"] = nodeTree(p.Trigger), nodeTree(p.PR), nodeTree(p.Schedules)
	for _, s := range asList(tree["stages"]) {
		for _, j := range asList(s.(map[string]any)["jobs"]) {
			jm := j.(map[string]any)
			if scalarString(jm["kind"]) == "1" {
				jm["kind"] = "deployment"
			} else {
				jm["kind"] = "job"
			}
		}
	}
	return tree
}

func lowerKeys(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k == "Pos" {
				continue
			}
			out[lowerCamel(k)] = lowerKeys(e)
		}
		return out
	case []any:
		for i, e := range x {
			x[i] = lowerKeys(e)
		}
		return x
	}
	return v
}

// lowerCamel turns a Go field name into the key the pipeline YAML uses:
// the leading run of capitals is lowered, except the last one when a lower
// case letter follows it (DependsOn → dependsOn, VMImage → vmImage, PR → pr,
// OS → os).
func lowerCamel(k string) string {
	rs := []rune(k)
	n := 0
	for n < len(rs) && unicode.IsUpper(rs[n]) {
		n++
	}
	if n > 1 && n < len(rs) && unicode.IsLower(rs[n]) {
		n--
	}
	for i := 0; i < n; i++ {
		rs[i] = unicode.ToLower(rs[i])
	}
	return string(rs)
}

// nodeTree converts a YAML node of the pipelines engine to plain values.
func nodeTree(n *pipelines.Node) any {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case pipelines.SequenceNode:
		out := make([]any, len(n.Items))
		for i, it := range n.Items {
			out[i] = nodeTree(it)
		}
		return out
	case pipelines.MappingNode:
		out := make(map[string]any, len(n.Pairs))
		for _, p := range n.Pairs {
			out[p.Key.Value] = nodeTree(p.Value)
		}
		return out
	case pipelines.NullNode:
		return nil
	}
	return n.Value
}

// checkAzurePipeline grades the azure-pipeline check: an Azure Pipelines YAML file expands (templates, parameters) and validates, and every match holds on the expanded model.
func checkAzurePipeline(ctx context.Context, ws *Workspace, p *azpParams) Outcome {
	model, err := expandPipeline(ws, p)
	if err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	if len(p.Match) == 0 {
		return pass("%s expands and validates (%d stages)", p.File, len(model.Stages))
	}
	return matchAll(pipelineTree(model), p.Match)
}

// checkAzurePipelineRun grades the azure-pipeline-run check: an Azure Pipelines YAML file runs locally and succeeds (runs the workspace's script steps: candidate's machine only); the jobs listed in ran must have run.
func checkAzurePipelineRun(ctx context.Context, ws *Workspace, p *azpParams) Outcome {
	model, err := expandPipeline(ws, p)
	if err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	var log bytes.Buffer
	res, err := pipelines.Run(ctx, model, pipelines.RunOptions{SourcesDir: ws.Dir, Variables: p.Variables, Stdout: &log, Getenv: os.Getenv})
	if err != nil {
		return fail("run: %v", err)
	}
	if !res.Succeeded() {
		for _, s := range res.Stages {
			for _, j := range s.Jobs {
				if j.Result == pipelines.Failed {
					return fail("job %s failed: %s", j.Name, oneLine(failReason(j)))
				}
			}
		}
		return fail("the run ended %s", res.Result)
	}
	for _, want := range p.Ran {
		st, job, _ := strings.Cut(want, ".")
		result := pipelines.Result("")
		for _, s := range res.Stages {
			for _, j := range s.Jobs {
				if s.Name == st && j.Job == job && (result == "" || j.Result != pipelines.Succeeded) {
					result = j.Result
				}
			}
		}
		switch result {
		case pipelines.Succeeded, pipelines.SucceededWithIssues:
		case "":
			return fail("the run has no job %s", want)
		default:
			return fail("job %s did not run to success (%s)", want, result)
		}
	}
	return pass("the run succeeded in %s", res.Duration.Round(1e6))
}
