package pipelines

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkStarterTemplates expands and validates each starter pipeline
// (target: at most 5 ms each).
func BenchmarkStarterTemplates(b *testing.B) {
	for _, file := range starterFiles(b) {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		if kubernetesProbe.Match(data) {
			continue
		}
		rendered := []byte(renderStarter(string(data)))
		opts := Options{ReadFile: func(string) ([]byte, error) { return rendered, nil }}
		b.Run(strings.TrimSuffix(filepath.Base(file), ".yml"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				doc, err := Expand(file, opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Validate(doc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pipeline")
		})
	}
}

// nestedTemplates builds a pipeline using 50 templates: five chains of ten
// step templates, each level passing typed parameters and looping.
func nestedTemplates() map[string]string {
	files := map[string]string{}
	var root strings.Builder
	root.WriteString("parameters:\n- name: items\n  type: object\n  default: [a, b, c]\njobs:\n")
	for c := 0; c < 5; c++ {
		fmt.Fprintf(&root, "- job: chain%d\n  steps:\n  - template: t%d_0.yml\n    parameters:\n      items: ${{ parameters.items }}\n      level: 0\n", c, c)
		for l := 0; l < 10; l++ {
			var t strings.Builder
			t.WriteString("parameters:\n- name: items\n  type: object\n- name: level\n  type: number\nsteps:\n")
			t.WriteString("- ${{ each item in parameters.items }}:\n  - script: echo ${{ format('{0}-{1}', item, parameters.level) }}\n    displayName: ${{ upper(item) }} ${{ parameters.level }}\n")
			if l < 9 {
				fmt.Fprintf(&t, "- template: t%d_%d.yml\n  parameters:\n    items: ${{ parameters.items }}\n    level: ${{ add1(parameters.level) }}\n", c, l+1)
			}
			files[fmt.Sprintf("t%d_%d.yml", c, l)] = strings.ReplaceAll(t.String(), "add1(parameters.level)", fmt.Sprintf("%d", l+1))
		}
	}
	files["pipeline.yml"] = root.String()
	return files
}

// BenchmarkNestedTemplates expands a synthetic pipeline of 50 nested templates.
func BenchmarkNestedTemplates(b *testing.B) {
	files := nestedTemplates()
	b.ReportAllocs()
	for b.Loop() {
		doc, err := expandMem(b, files, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Validate(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConformanceCorpus expands and validates the whole conformance
// corpus once per iteration (target: at most 2 s).
func BenchmarkConformanceCorpus(b *testing.B) {
	corpus := sharedFixtures(b, "azure-pipelines/conformance")
	cases := discoverCases(b, corpus)
	type prepared struct {
		file string
		opts Options
	}
	var all []prepared
	for _, c := range cases {
		meta := readMeta(b, c)
		if len(meta["autocompletion"]) > 0 {
			continue
		}
		opts := Options{Repositories: map[string]string{}, SyntaxOnly: len(meta["validatesyntax"]) > 0}
		for _, lr := range meta["localrepository"] {
			name, folder, _ := strings.Cut(lr, "=")
			opts.Repositories[name] = filepath.Join(corpus, filepath.FromSlash(folder))
		}
		all = append(all, prepared{c, opts})
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range all {
			if doc, err := Expand(p.file, p.opts); err == nil {
				_, _ = Validate(doc)
			}
		}
	}
	b.ReportMetric(float64(len(all)), "cases/op")
}

func TestNestedTemplatesExpand(t *testing.T) {
	doc, err := expandMem(t, nestedTemplates(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Files) != 51 {
		t.Errorf("read %d files, want the pipeline and 50 templates", len(doc.Files))
	}
	p, err := Validate(doc)
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for _, j := range p.Stages[0].Jobs {
		steps += len(j.Steps)
	}
	if steps != 5*10*3 {
		t.Errorf("%d steps, want 150", steps)
	}
	if got := p.Stages[0].Jobs[4].Steps[29].Body; got != "echo c-9" {
		t.Errorf("last step %q, want echo c-9", got)
	}
}
