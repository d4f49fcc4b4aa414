package pipelines

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func requireBash(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
}

// runYAML expands, validates and runs a pipeline written to a temporary folder.
func runYAML(t *testing.T, ctx context.Context, src string) (*RunResult, string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "pipeline.yml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := Expand(file, Options{})
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	p, err := Validate(doc)
	if err != nil {
		t.Fatalf("validate: %v", err)
	}
	var log bytes.Buffer
	res, err := Run(ctx, p, RunOptions{SourcesDir: dir, WorkDir: filepath.Join(dir, "_work"), Stdout: &log, MaxParallel: 2, Variables: map[string]string{"queued": "q"}})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res, log.String()
}

func jobResult(t *testing.T, res *RunResult, name string) *JobResult {
	t.Helper()
	for _, st := range res.Stages {
		for _, j := range st.Jobs {
			if j.Name == name {
				return j
			}
		}
	}
	t.Fatalf("no job %s in the result", name)
	return nil
}

func TestRunOutputsConditionsAndLoggingCommands(t *testing.T) {
	requireBash(t)
	t.Parallel()
	res, log := runYAML(t, context.Background(), `
variables:
  greeting: hello
stages:
- stage: Build
  jobs:
  - job: Produce
    strategy:
      matrix:
        one: {leg: first}
        two: {leg: second}
    steps:
    - bash: |
        echo "##vso[task.setvariable variable=out;isOutput=true]$(leg)-value"
        echo "##vso[task.setvariable variable=local]set-locally"
      name: setter
    - bash: |
        test "$(local)" = set-locally
        test "$LOCAL" = set-locally
        test "$GREETING" = hello
        test "$QUEUED" = q
        test -d "$(Agent.TempDirectory)"
        echo "##vso[task.logissue type=warning]careful"
  - job: Consume
    dependsOn: Produce
    variables:
      fromOne: $[ dependencies.Produce.outputs['one.setter.out'] ]
    steps:
    - bash: test "$(fromOne)" = first-value
    - task: DotNetCoreCLI@2
      inputs:
        command: build
    - script: exit 3
      continueOnError: true
    - script: echo never
      condition: failed()
    - script: echo "##vso[task.complete result=SucceededWithIssues;]partly"
    - bash: |
        for i in 1 2 3 4 5 6 7 8; do
          echo "##vso[task.setvariable variable=out$i]$i"
          echo "##vso[task.setvariable variable=err$i]$i" >&2
        done
    - bash: test "$(out8)$(err8)" = 88
    - bash: |
        echo "##vso[task.setvariable variable=token;issecret=true]s3cr3t-value"
        echo "the token is s3cr3t-value"
    - bash: |
        n=$(cat "$(Agent.TempDirectory)/tries" 2>/dev/null || echo 0)
        echo $((n+1)) > "$(Agent.TempDirectory)/tries"
        test "$n" -ge 1
      retryCountOnTaskFailure: 2
- stage: Later
  dependsOn: Build
  condition: eq(dependencies.Build.outputs['Produce.one.setter.out'], 'first-value')
  jobs:
  - job: Last
    steps:
    - script: echo "$(greeting) from later"
`)
	if res.Result != SucceededWithIssues {
		t.Fatalf("result %s, want SucceededWithIssues\n%s", res.Result, log)
	}
	if j := jobResult(t, res, "Produce_one"); j.Result != Succeeded || len(j.Issues) != 1 || j.Outputs["setter.out"] != "first-value" {
		t.Errorf("Produce_one: %+v\n%s", j, log)
	}
	consume := jobResult(t, res, "Consume")
	wantSteps := []Result{Succeeded, Skipped, SucceededWithIssues, Skipped, SucceededWithIssues, Succeeded, Succeeded, Succeeded, Succeeded}
	if len(consume.Steps) != len(wantSteps) {
		t.Fatalf("Consume steps %+v\n%s", consume.Steps, log)
	}
	for i, want := range wantSteps {
		if consume.Steps[i].Result != want {
			t.Errorf("Consume step %d (%s): %s (%s), want %s", i, consume.Steps[i].Display, consume.Steps[i].Result, consume.Steps[i].Reason, want)
		}
	}
	if !strings.Contains(consume.Steps[1].Reason, "not run locally") {
		t.Errorf("task step reason %q", consume.Steps[1].Reason)
	}
	if j := jobResult(t, res, "Last"); j.Result != Succeeded {
		t.Errorf("Last: %+v", j)
	}
	if strings.Contains(log, "the token is s3cr3t-value") || !strings.Contains(log, "the token is ***") {
		t.Errorf("the secret is not masked in the log:\n%s", log)
	}
	for _, want := range []string{"hello from later", "##[warning]careful", "Summary", "Produce_two", "retrying (1 of 2)"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestRunFailureSkipsDependents(t *testing.T) {
	requireBash(t)
	t.Parallel()
	res, log := runYAML(t, context.Background(), `
jobs:
- job: A
  steps:
  - script: exit 1
  - script: echo cleanup
    condition: always()
- job: B
  dependsOn: A
  steps:
  - script: echo should not run
- job: C
  dependsOn: A
  condition: failed()
  steps:
  - script: echo handling failure
`)
	if res.Result != Failed {
		t.Fatalf("result %s\n%s", res.Result, log)
	}
	if a := jobResult(t, res, "A"); a.Result != Failed || a.Steps[1].Result != Succeeded {
		t.Errorf("A: %+v %+v", a, a.Steps)
	}
	if b := jobResult(t, res, "B"); b.Result != Skipped {
		t.Errorf("B: %s", b.Result)
	}
	if c := jobResult(t, res, "C"); c.Result != Succeeded {
		t.Errorf("C: %s", c.Result)
	}
}

func TestRunCancellation(t *testing.T) {
	requireBash(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, log := runYAML(t, ctx, "steps:\n- script: sleep 30\n- script: echo after\n")
	if time.Since(start) > 10*time.Second {
		t.Fatalf("cancellation took %s", time.Since(start))
	}
	if res.Result != Canceled {
		t.Fatalf("result %s, want Canceled\n%s", res.Result, log)
	}
}
