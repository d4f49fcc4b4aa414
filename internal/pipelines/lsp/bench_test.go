package lsp

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certlab/certlab/internal/pipelines"
)

// largePipeline is a pipeline of five stages whose jobs and steps come
// from templates, looping over parameters: about 2,000 lines once expanded.
func largePipeline() map[string]string {
	var root strings.Builder
	root.WriteString("trigger: none\nparameters:\n- name: configs\n  type: object\n  default: [debug, release, asan, tsan, ubsan]\nstages:\n")
	for st := 0; st < 5; st++ {
		fmt.Fprintf(&root, "- stage: S%d\n  jobs:\n  - template: templates/jobs.yml\n    parameters:\n      prefix: s%d\n      configs: ${{ parameters.configs }}\n", st, st)
	}
	jobs := `parameters:
- name: prefix
  type: string
- name: configs
  type: object
jobs:
- ${{ each c in parameters.configs }}:
  - job: ${{ parameters.prefix }}_${{ c }}
    displayName: Build ${{ c }}
    pool:
      vmImage: ubuntu-latest
    variables:
      config: ${{ c }}
    steps:
    - template: steps.yml
      parameters:
        config: ${{ c }}
`
	steps := `parameters:
- name: config
  type: string
  values: [debug, release, asan, tsan, ubsan]
steps:
- checkout: self
  fetchDepth: 1
- ${{ each tool in split('restore,lint,build,test,docs,pack,sign,verify,notice,publish', ',') }}:
  - script: |
      echo "${{ tool }} ${{ parameters.config }}"
      ./eng/${{ tool }}.sh --configuration ${{ parameters.config }}
    displayName: ${{ upper(tool) }} ${{ parameters.config }}
    condition: and(succeeded(), ne(variables['Build.Reason'], 'Schedule'))
    env:
      CONFIG: ${{ parameters.config }}
- task: PublishPipelineArtifact@1
  inputs:
    targetPath: out/${{ parameters.config }}
    artifact: ${{ parameters.config }}_$(System.JobName)
`
	return map[string]string{"pipeline.yml": root.String(), "templates/jobs.yml": jobs, "templates/steps.yml": steps}
}

// BenchmarkDiagnosticsAfterEdit measures the time from an edit of a large
// pipeline (didChange, through a real client over a pipe) to its
// diagnostics arriving (target: under 50 ms for about 2,000 expanded lines).
func BenchmarkDiagnosticsAfterEdit(b *testing.B) {
	files := largePipeline()
	s := startSession(b, files)
	doc, err := pipelines.Expand(filepath.Join(s.dir, "pipeline.yml"), pipelines.Options{Root: s.dir})
	if err != nil {
		b.Fatal(err)
	}
	out, err := doc.YAML()
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Count(string(out), "\n")
	s.open("pipeline.yml")
	if d := s.diagnostics("pipeline.yml"); len(d) != 0 {
		b.Fatalf("the large pipeline has diagnostics: %+v", d)
	}
	version := int32(1)
	b.ResetTimer()
	for b.Loop() {
		version++
		s.change("pipeline.yml", version, files["pipeline.yml"]+fmt.Sprintf("# edit %d\n", version))
		if d := s.diagnostics("pipeline.yml"); len(d) != 0 {
			b.Fatalf("diagnostics after the edit: %+v", d)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/edit")
	b.ReportMetric(float64(lines), "expanded-lines")
}
