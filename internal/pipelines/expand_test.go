package pipelines

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// memRepo serves template files from memory, under the folder /repo.
func memRepo(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		rel, err := filepath.Rel("/repo", name)
		if err != nil {
			return nil, fs.ErrNotExist
		}
		s, ok := files[filepath.ToSlash(rel)]
		if !ok {
			return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
		}
		return []byte(s), nil
	}
}

func expandMem(t testing.TB, files map[string]string, opts Options) (*Document, error) {
	t.Helper()
	opts.Root = "/repo"
	opts.ReadFile = memRepo(files)
	return Expand("/repo/pipeline.yml", opts)
}

func mustExpandYAML(t *testing.T, files map[string]string, opts Options) string {
	t.Helper()
	doc, err := expandMem(t, files, opts)
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	if _, err := Validate(doc); err != nil {
		t.Fatalf("validate: %v", err)
	}
	out, err := doc.YAML()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestExpand(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  []string // substrings of the expanded YAML
		not   []string
	}{
		{
			name: "typed parameters from the command line",
			files: map[string]string{"pipeline.yml": `
parameters:
- name: count
  type: number
  default: 1
- name: deploy
  type: boolean
  default: false
steps:
- ${{ each i in split('a,b', ',') }}:
  - script: echo ${{ i }}-${{ parameters.count }}
- ${{ if parameters.deploy }}:
  - script: echo deploying
`},
			opts: Options{Parameters: map[string]string{"count": "5", "deploy": "true"}},
			want: []string{"echo a-5", "echo b-5", "echo deploying"},
		},
		{
			name: "steps, jobs and stages templates with relative paths",
			files: map[string]string{
				"pipeline.yml":     "stages:\n- template: ci/stages.yml\n  parameters:\n    name: Build\n",
				"ci/stages.yml":    "parameters:\n- name: name\n  type: string\nstages:\n- stage: ${{ parameters.name }}\n  jobs:\n  - template: jobs.yml\n",
				"ci/jobs.yml":      "jobs:\n- job: J\n  steps:\n  - template: /steps/common.yml\n    parameters:\n      msg: hi\n",
				"steps/common.yml": "parameters:\n  msg: ''\nsteps:\n- bash: echo ${{ parameters.msg }}\n",
			},
			want: []string{"stage: Build", "job: J", "bash: echo hi"},
		},
		{
			name: "extends with a stepList parameter and insert",
			files: map[string]string{
				"pipeline.yml": "trigger: none\nextends:\n  template: base.yml\n  parameters:\n    build:\n    - script: make\n",
				"base.yml":     "parameters:\n- name: build\n  type: stepList\n  default: []\nsteps:\n- script: echo before\n- ${{ parameters.build }}\n- task: PublishBuildArtifacts@1\n  inputs:\n    ${{ insert }}:\n      PathtoPublish: out\n",
			},
			want: []string{"trigger: none", "script: echo before", "script: make", "PathtoPublish: out"},
		},
		{
			name: "variables precedence and variable templates",
			files: map[string]string{
				"pipeline.yml": "variables:\n- name: level\n  value: root\n- template: vars.yml\njobs:\n- job: A\n  variables:\n    level: job\n  steps:\n  - script: echo ${{ variables.level }} ${{ variables.fromTemplate }}\n- job: B\n  steps:\n  - script: echo ${{ variables.level }}\n",
				"vars.yml":     "variables:\n- name: fromTemplate\n  value: tmpl\n",
			},
			want: []string{"echo job tmpl", "echo root"},
		},
		{
			name: "elseif and else",
			files: map[string]string{"pipeline.yml": `
variables:
  foo: contoso
steps:
- ${{ if eq(variables.foo, 'adaptum') }}:
  - script: echo adaptum
- ${{ elseif eq(variables.foo, 'contoso') }}:
  - script: echo contoso
- ${{ else }}:
  - script: echo other
`},
			want: []string{"echo contoso"},
			not:  []string{"echo adaptum", "echo other"},
		},
		{
			name: "repository templates mapped to a folder",
			files: map[string]string{
				"pipeline.yml":        "resources:\n  repositories:\n  - repository: shared\n    type: git\n    name: org/shared\n    ref: main\nsteps:\n- template: steps.yml@shared\n",
				"../shared/steps.yml": "steps:\n- script: echo shared\n",
			},
			opts: Options{Repositories: map[string]string{"org/shared@main": "/repo/../shared"}},
			want: []string{"echo shared"},
		},
		{
			name: "an @self path next to the including file, else from the root",
			files: map[string]string{
				"pipeline.yml": "steps:\n- template: ci/a.yml@self\n",
				"ci/a.yml":     "steps:\n- template: b.yml@self\n- template: ci/c.yml@self\n- template: ./ci/c.yml@self\n",
				"ci/b.yml":     "steps:\n- script: echo next to a\n",
				"ci/c.yml":     "steps:\n- script: echo from the root\n",
			},
			want: []string{"echo next to a", "echo from the root"},
		},
		{
			name: "a template reads an undeclared parameter as null",
			files: map[string]string{
				"pipeline.yml": "steps:\n- template: t.yml\n",
				"t.yml":        "parameters:\n- name: declared\n  default: d\nsteps:\n- script: echo [${{ parameters.undeclared }}] ${{ parameters.declared }}\n",
			},
			want: []string{"echo [] d"},
		},
		{
			name: "values given to an untyped template become strings",
			files: map[string]string{
				"pipeline.yml": "jobs:\n- template: j.yml\n  parameters:\n    is1ES: ${{ eq(1, 2) }}\n    n: ${{ length(split('a,b', ',')) }}\n",
				"j.yml":        "parameters:\n  is1ES: ''\n  n: 0\njobs:\n- job: J\n  steps:\n  - ${{ if eq(parameters.is1ES, '') }}:\n    - script: echo unset\n  - script: echo ${{ parameters.is1ES }} ${{ parameters.n }}\n",
			},
			want: []string{"echo False 2"},
			not:  []string{"unset"},
		},
		{
			name: "steps of stage and job parameters are in task form",
			files: map[string]string{
				"pipeline.yml": "extends:\n  template: t.yml\n  parameters:\n    stages:\n    - stage: S\n      jobs:\n      - job: J\n        steps:\n        - bash: echo hi\n          workingDirectory: src\n        - checkout: self\n          fetchDepth: 1\n",
				"t.yml":        "parameters:\n- name: stages\n  type: stageList\nstages:\n- ${{ each s in parameters.stages }}:\n  - stage: ${{ s.stage }}\n    jobs:\n    - ${{ each j in s.jobs }}:\n      - job: ${{ j.job }}\n        steps:\n        - ${{ each step in j.steps }}:\n          - script: echo ${{ step.task }} ${{ step.inputs.workingDirectory }}${{ step.inputs.repository }}\n",
			},
			want: []string{"echo Bash@3 src", "echo 6d15af64-176c-496d-b583-fd2ae21d4df4@1 self"},
		},
		{
			name: "legacy phases with a phase template holding jobs",
			files: map[string]string{
				"pipeline.yml": "phases:\n- phase: A\n  queue:\n    name: Hosted\n    parallel: 2\n    matrix:\n      x: {v: 1}\n      y: {v: 2}\n  steps:\n  - script: echo $(v)\n- template: p.yml\n",
				"p.yml":        "jobs:\n- job: B\n  dependsOn: A\n  steps:\n  - script: echo b\n",
			},
			want: []string{"phase: A", "job: B"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := mustExpandYAML(t, tt.files, tt.opts)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("expanded pipeline lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("expanded pipeline has %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestExpandErrors(t *testing.T) {
	chain := func(n int) map[string]string {
		files := map[string]string{"pipeline.yml": "steps:\n- template: t1.yml\n"}
		for i := 1; i < n; i++ {
			files[fmt.Sprintf("t%d.yml", i)] = fmt.Sprintf("steps:\n- template: t%d.yml\n", i+1)
		}
		files[fmt.Sprintf("t%d.yml", n)] = "steps:\n- script: echo end\n"
		return files
	}
	many := map[string]string{}
	var sb strings.Builder
	sb.WriteString("steps:\n")
	for i := 0; i < MaxFiles+1; i++ {
		fmt.Fprintf(&sb, "- template: s%d.yml\n", i)
		many[fmt.Sprintf("s%d.yml", i)] = "steps:\n- script: echo x\n"
	}
	many["pipeline.yml"] = sb.String()
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  string
	}{
		{"nesting limit", chain(MaxNestingDepth + 1), Options{}, "Maximum template nesting depth of 20 exceeded"},
		{"file limit", many, Options{}, "Maximum number of template files exceeded"},
		{"missing template", map[string]string{"pipeline.yml": "steps:\n- template: nope.yml\n"}, Options{}, "pipeline.yml:2:3: File nope.yml not found"},
		{"unknown function with position", map[string]string{"pipeline.yml": "steps:\n- bash: ${{ nothing() }}\n"}, Options{}, "pipeline.yml:2:9: Unrecognized function: 'nothing'."},
		{"wrong parameter type", map[string]string{"pipeline.yml": "parameters:\n- name: n\n  type: number\n  default: abc\nsteps:\n- script: x\n"}, Options{}, "The 'n' parameter value 'abc' is not a valid number"},
		{"unmapped repository", map[string]string{"pipeline.yml": "resources:\n  repositories:\n  - repository: r\n    type: git\n    name: o/r\nsteps:\n- template: s.yml@r\n"}, Options{}, "pass --repo r=DIR"},
		{"pipeline parameter not declared", map[string]string{"pipeline.yml": "parameters:\n- name: a\n  default: x\nsteps:\n- script: echo ${{ parameters.b }}\n"}, Options{}, "Undefined value referenced: 'parameters.b'"},
		{"@self path found neither next to the file nor from the root", map[string]string{"pipeline.yml": "steps:\n- template: ci/a.yml@self\n", "ci/a.yml": "steps:\n- template: nope.yml@self\n"}, Options{}, "File nope.yml not found in repository self (looked for ci/nope.yml next to /repo/ci/a.yml and from the repository root)"},
		{"template leaving the repository", map[string]string{"pipeline.yml": "steps:\n- template: ../../x.yml\n"}, Options{}, "leaves the repository"},
		{"runaway each", map[string]string{"pipeline.yml": "steps:\n- ${{ each a in split(format('{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}', 'x,x,x,x,x,x,x,x,x,x,'), ',') }}:\n  - ${{ each b in split(format('{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}', 'x,x,x,x,x,x,x,x,x,x,'), ',') }}:\n    - ${{ each c in split(format('{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}', 'x,x,x,x,x,x,x,x,x,x,'), ',') }}:\n      - script: x\n"}, Options{}, "Maximum document size exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := expandMem(t, tt.files, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
	t.Run("nesting at the limit is allowed", func(t *testing.T) {
		if _, err := expandMem(t, chain(MaxNestingDepth), Options{}); err != nil {
			t.Fatalf("20 levels must expand: %v", err)
		}
	})
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown step kind", "steps:\n- assert: x\n", "pipeline.yml:2:3: Unexpected value 'assert'"},
		{"bad boolean", "steps:\n- script: x\n  continueOnError: maybe\n", "Unexpected value 'maybe'"},
		{"dependsOn unknown", "jobs:\n- job: A\n  dependsOn: B\n  steps:\n  - script: x\n", "depends on unknown job 'B'"},
		{"dependsOn cycle", "stages:\n- stage: A\n  dependsOn: B\n  jobs: []\n- stage: B\n  dependsOn: A\n  jobs: []\n", "cycle: a -> b -> a"},
		{"condition syntax", "steps:\n- script: x\n  condition: eq(variables.a\n", "Unexpected end of expression"},
		{"condition unknown name", "steps:\n- script: x\n  condition: eq(foo, 1)\n", "Unrecognized named-value: 'foo'"},
		{"deployment without strategy", "jobs:\n- deployment: D\n  environment: prod\n", "exactly one of runOnce, rolling or canary"},
		{"rolling takes no increments", "jobs:\n- deployment: D\n  environment: prod\n  strategy:\n    rolling:\n      increments: [10]\n      deploy:\n        steps:\n        - script: x\n", "only canary deployments take increments"},
		{"duplicate job", "jobs:\n- job: A\n  steps: [{script: x}]\n- job: A\n  steps: [{script: x}]\n", "Job 'A' is already defined"},
		{"checkout unknown repository", "steps:\n- checkout: other\n", "'other' is not declared"},
		{"bad name", "jobs:\n- job: my-job\n  steps: [{script: x}]\n", "Job name 'my-job' is not valid"},
		{"runtime variable syntax", "variables:\n  x: $[ eq(1 ]\nsteps:\n- script: x\n", "pipeline.yml:2:6: Unexpected end of expression"},
		{"bad pool", "pool:\n  vmimage: x\nsteps:\n- script: x\n", "Unexpected value 'vmimage'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := expandMem(t, map[string]string{"pipeline.yml": tt.yaml}, Options{})
			if err == nil {
				_, err = Validate(doc)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestValidateModel(t *testing.T) {
	doc, err := expandMem(t, map[string]string{"pipeline.yml": `
stages:
- stage: Build
  jobs:
  - job: Compile
    strategy:
      matrix:
        linux: {os: linux}
        mac: {os: mac}
    steps:
    - bash: echo $(os)
      name: compile
- stage: Deploy
  jobs:
  - deployment: Web
    environment: prod.web
    strategy:
      canary:
        increments: [10, 20]
        deploy:
          steps:
          - script: echo deploy
        on:
          failure:
            steps:
            - script: echo rollback
`}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Validate(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Stages) != 2 || p.Stages[1].DependsOn[0] != "Build" {
		t.Fatalf("stages %+v: Deploy must depend on Build by default", p.Stages)
	}
	if legs := p.Stages[0].Jobs[0].Strategy.Matrix; len(legs) != 2 || legs[1].Name != "mac" {
		t.Errorf("matrix legs %+v", legs)
	}
	web := p.Stages[1].Jobs[0]
	if web.Kind != DeploymentJob || web.Environment.Name != "prod" || web.Environment.ResourceName != "web" {
		t.Errorf("deployment %+v env %+v", web, web.Environment)
	}
	if d := web.Deployment; d.Kind != "canary" || len(d.Increments) != 2 || len(d.Hooks) != 2 || d.Hooks[1].Name != "on.failure" {
		t.Errorf("deployment strategy %+v", d)
	}
}

// FuzzExpand checks that expanding arbitrary YAML, with a template it may
// include, never panics and stays within the limits.
func FuzzExpand(f *testing.F) {
	seeds := []string{
		"steps:\n- script: echo ${{ parameters.x }}\n",
		"parameters:\n- name: x\n  type: object\n  default: [a, b]\nsteps:\n- ${{ each v in parameters.x }}:\n  - script: ${{ v }}\n",
		"stages:\n- template: t.yml\n  parameters:\n    n: 2\n",
		"variables:\n  a: 1\n  ${{ if eq(variables.a, 1) }}:\n    b: 2\nsteps:\n- script: ${{ variables.b }}\n",
		"steps:\n- ${{ if true }}:\n  - script: a\n- ${{ else }}:\n  - script: b\n",
		"extends:\n  template: t.yml\n",
		"jobs:\n- template: t.yml\n- job: x\n  steps:\n  - ${{ insert }}: {}\n",
		"steps: ${{ split('a,b', ',') }}\n",
	}
	for _, s := range seeds {
		f.Add(s, "parameters:\n  n: 1\nstages:\n- stage: s${{ parameters.n }}\n  jobs:\n  - job: j\n    steps:\n    - template: t.yml\n")
	}
	f.Fuzz(func(t *testing.T, pipeline, tmpl string) {
		if len(pipeline) > 1<<16 || len(tmpl) > 1<<16 {
			return
		}
		doc, err := expandMem(t, map[string]string{"pipeline.yml": pipeline, "t.yml": tmpl}, Options{})
		if err != nil {
			return
		}
		if _, err := doc.YAML(); err != nil {
			t.Fatalf("render: %v", err)
		}
		_, _ = Validate(doc)
	})
}

// TestParseCache checks that an expansion with a cache sees a template's
// new content and gives the same result as one without.
func TestParseCache(t *testing.T) {
	files := map[string]string{
		"pipeline.yml": "steps:\n- template: t.yml\n",
		"t.yml":        "steps:\n- script: echo one\n",
	}
	cache := &ParseCache{}
	expand := func() string {
		t.Helper()
		doc, err := expandMem(t, files, Options{Cache: cache})
		if err != nil {
			t.Fatal(err)
		}
		out, err := doc.YAML()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	first := expand()
	if again := expand(); again != first || !strings.Contains(first, "echo one") {
		t.Fatalf("cached expansion differs:\n%s\n%s", first, again)
	}
	files["t.yml"] = "steps:\n- script: echo two\n"
	if got := expand(); !strings.Contains(got, "echo two") {
		t.Fatalf("the cache kept the old template:\n%s", got)
	}
	if len(cache.entries) != 3 {
		t.Errorf("%d cache entries, want the pipeline and both versions of the template", len(cache.entries))
	}
}

func TestInvalidYAMLIsLocated(t *testing.T) {
	_, err := expandMem(t, map[string]string{"pipeline.yml": "steps:\n- script: echo\n  bad: [\n"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "/repo/pipeline.yml:3:1: invalid YAML: did not find expected node content") {
		t.Fatalf("error %v", err)
	}
}
