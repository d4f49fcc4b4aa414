package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestPipelineExpandReportsExtendsErrors checks that an error inside an
// extends template fails "pipeline expand" with the template's message
// (realworld-repros B1: it used to print {} and exit 0).
func TestPipelineExpandReportsExtendsErrors(t *testing.T) {
	dir := sharedFixture(t, "azure-pipelines/realworld-repros/b1-extends-error-swallowed")
	for _, sub := range []string{"expand", "validate"} {
		t.Run(sub, func(t *testing.T) {
			out, err := runCmd(t, context.Background(), "", "pipeline", sub, filepath.Join(dir, "pipeline.yml"), "--root", dir)
			if !errors.Is(err, errSilentFailure) {
				t.Fatalf("pipeline %s: error %v, want a failure exit\n%s", sub, err, out)
			}
			if !strings.Contains(out, "base.yml:5:3: The repository 'undeclared' is not declared") {
				t.Errorf("output does not name the template's error:\n%s", out)
			}
		})
	}
}
