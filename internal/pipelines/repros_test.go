package pipelines

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRealWorldRepros runs the minimal reproductions of the divergences
// found on real pipelines (../shared/fixtures/azure-pipelines/realworld-repros,
// whose README explains each) and checks the service's behaviour.
func TestRealWorldRepros(t *testing.T) {
	dir := sharedFixtures(t, "azure-pipelines/realworld-repros")
	tests := []struct {
		name    string
		file    string // relative to the case folder, which is the root
		wantErr string // substring of the expand or validate error; "" = valid
		check   func(t *testing.T, p *Pipeline, yaml string)
	}{
		{
			name:    "B1 an error inside an extends template is reported",
			file:    "b1-extends-error-swallowed/pipeline.yml",
			wantErr: "base.yml:5:3: The repository 'undeclared' is not declared in resources.repositories",
		},
		{
			name: "B2 an undefined variable equals the empty string",
			file: "b2-null-eq-empty/pipeline.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				want := `eq(undefined,'')=True ne(undefined,'')=False eq('',undefined)=True`
				if got := p.Stages[0].Jobs[0].Steps[0].Body; !strings.Contains(got, want) {
					t.Errorf("script %q, want it to contain %q", got, want)
				}
			},
		},
		{
			name: "B2 ne(undefined, '') does not load the guarded template",
			file: "b2-null-eq-empty/pipeline-template.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				if steps := p.Stages[0].Jobs[0].Steps; len(steps) != 1 || steps[0].Body != "echo ok" {
					t.Errorf("steps %+v, want only 'echo ok'", steps)
				}
			},
		},
		{
			name: "B3 a pool takes any key, as 1ES pools do",
			file: "b3-pool-extra-keys/pipeline.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				pool := p.Stages[0].Jobs[0].Pool
				if pool == nil || pool.Name != "Azure-Pipelines-1ESPT-ExDShared" || pool.Image != "windows-latest" || pool.OS != "windows" {
					t.Errorf("pool %+v", pool)
				}
			},
		},
		{
			name: "B4 a line break between a function name and its parenthesis",
			file: "b4-newline-before-paren/pipeline.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				if c := p.Stages[0].Jobs[1].Condition; !strings.HasPrefix(c, "and\n(") {
					t.Errorf("condition %q", c)
				}
			},
		},
		{name: "B4 a space between a function name and its parenthesis", file: "b4-newline-before-paren/space.yml"},
		{
			name: "B5 each over a step with a mapping body builds one step",
			file: "b5-each-mapping-body/pipeline.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				steps := p.Stages[0].Jobs[0].Steps
				if len(steps) != 1 {
					t.Fatalf("%d steps, want 1:\n%s", len(steps), yaml)
				}
				// The stepList parameter is normalised (B6): bash is Bash@3.
				if s := steps[0]; s.Kind != StepTask || s.Body != "Bash@3" || s.DisplayName != "succeed" || inputValue(s.Inputs, "script") != "echo Test" {
					t.Errorf("step %+v", s)
				}
			},
		},
		{
			name:    "B6 step parameters are normalised to their task form",
			file:    "b6-steplist-normalisation/pipeline.yml",
			wantErr: "Unexpected value 'rejected CmdLine@2'",
		},
		{
			name: "B6 the documentation's extends template passes other steps through",
			file: "b6-steplist-normalisation/start.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				if n := len(p.Stages[0].Jobs[0].Steps); n != 3 {
					t.Errorf("%d steps, want the template's 3", n)
				}
			},
		},
		{
			name: "B7 legacy phases",
			file: "b7-phases/pipeline.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				j := p.Stages[0].Jobs[0]
				if j.Name != "Build" || len(j.Steps) != 1 || j.Steps[0].Body != "echo hi" {
					t.Errorf("phase read as job %+v", j)
				}
			},
		},
		{
			name: "B8 an @self path is relative to the repository root",
			file: "b8-self-path/ci/pipeline-direct.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				if s := p.Stages[0].Jobs[0].Steps[0]; s.Body != "echo from steps" {
					t.Errorf("step %+v", s)
				}
			},
		},
		{
			name: "B8 an @self path inside extends parameters",
			file: "b8-self-path/ci/pipeline.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				s := p.Stages[0].Jobs[0].Steps[0]
				if s.Kind != StepTask || s.Body != "CmdLine@2" || inputValue(s.Inputs, "script") != "echo from steps" {
					t.Errorf("step %+v", s)
				}
			},
		},
		{
			name: "B9 matrix legs named with spaces and dots",
			file: "b9-matrix-leg-names/pipeline.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				legs := p.Stages[0].Jobs[0].Strategy.Matrix
				if len(legs) != 2 || legs[0].Name != "Debug x86" || legs[1].Name != "linux_64_python3.12.____cpython" {
					t.Errorf("legs %+v", legs)
				}
			},
		},
		{
			name: "B10 dependsOn '' depends on nothing",
			file: "b10-dependson-empty/pipeline.yml",
			check: func(t *testing.T, p *Pipeline, yaml string) {
				if j := p.Stages[0].Jobs[0]; len(j.DependsOn) != 0 || !j.DependsOnSet {
					t.Errorf("dependsOn %q (set %v)", j.DependsOn, j.DependsOnSet)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			caseDir := filepath.Join(dir, strings.SplitN(tt.file, "/", 2)[0])
			doc, err := Expand(filepath.Join(dir, filepath.FromSlash(tt.file)), Options{Root: caseDir})
			var p *Pipeline
			if err == nil {
				p, err = Validate(doc)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := doc.YAML()
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, p, string(out))
			}
		})
	}
}
