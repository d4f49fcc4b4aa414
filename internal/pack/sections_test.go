package pack_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/pack"
)

// Section rules of a policy: only a lab section has a time of its own,
// such sections come after the others, and the general section the pack
// adds goes before them.
func TestPolicySectionTimes(t *testing.T) {
	tests := []struct {
		name     string
		sections string
		want     string // a diagnostic, or "" for none
		kinds    string // the policy's sections once loaded
	}{
		{"lab with its time after general", "    - kind: general\n    - kind: lab\n      count: 1\n      time_limit: 20m\n", "", "general,lab"},
		{"general added before the lab", "    - kind: lab\n      count: 1\n      time_limit: 20m\n", "", "general,lab"},
		{"a case study with its own time", "    - kind: case-study\n      count: 1\n      time_limit: 20m\n", "only a lab section has a time limit of its own (case-study sections share the exam's)", ""},
		{"shared time after own time", "    - kind: lab\n      count: 1\n      time_limit: 20m\n    - kind: general\n", "a section that shares the exam's time limit must come before the sections with their own time", ""},
		{"negative time", "    - kind: lab\n      count: 1\n      time_limit: -5m\n", "section time_limit must be positive", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := demoPack(map[string]string{"items/a-one-001.md": goodItem})
			fsys["exams/demo-1.yaml"] = &fstest.MapFile{Data: []byte(examYAML + "  sections:\n" + tt.sections)}
			cat, diags := pack.Load(fsys, "demo")
			var msgs []string
			for _, d := range diags {
				msgs = append(msgs, d.String())
			}
			all := strings.Join(msgs, "\n")
			if tt.want != "" {
				if !strings.Contains(all, "demo/exams/demo-1.yaml:") || !strings.Contains(all, tt.want) {
					t.Fatalf("diagnostics %q lack %q", all, tt.want)
				}
				return
			}
			if strings.Contains(all, "section") {
				t.Fatalf("unexpected diagnostics: %s", all)
			}
			ex, err := cat.Exam("demo-1")
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, s := range ex.Policy.Sections {
				kinds = append(kinds, s.Kind)
				if s.Kind == certlab.SectionLab && s.TimeLimit.Duration != 20*time.Minute {
					t.Fatalf("lab section time %v", s.TimeLimit)
				}
			}
			if strings.Join(kinds, ",") != tt.kinds {
				t.Fatalf("sections %v, want %s", kinds, tt.kinds)
			}
		})
	}
}
