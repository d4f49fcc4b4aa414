package lsp

import (
	"testing"

	"github.com/certlab/certlab/internal/pipelines/expr"
)

// TestEveryFunctionIsDocumented keeps hover and completion in step with the
// expression language.
func TestEveryFunctionIsDocumented(t *testing.T) {
	for _, name := range expr.BuiltinNames() {
		if _, ok := functions[name]; !ok {
			t.Errorf("function %s has no documentation", name)
		}
	}
	for _, name := range []string{"always", "succeeded", "failed", "canceled", "succeededorfailed", "counter"} {
		if _, ok := functions[name]; !ok {
			t.Errorf("function %s has no documentation", name)
		}
	}
}
