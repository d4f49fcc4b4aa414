package lsp

import (
	"path/filepath"
	"testing"
)

// FuzzEditorContext checks that hover and completion read any text, at any
// position, without panicking: editors send half-typed YAML.
func FuzzEditorContext(f *testing.F) {
	f.Add(pipelineYAML, 6, 6)
	f.Add(templateYAML, 9, 30)
	f.Add("steps:\n- template: t.yml\n  parameters:\n    \n", 3, 4)
	f.Add("- ${{ each x in parameters.y }}:\n  - script: ${{ x }}\n", 1, 14)
	f.Add("a:\n\t- b: 'c:\n  \"d\": {e: f}\n", 2, 3)
	f.Add("é€😀: ${{ eq('😀', parameters.x) }}\n", 0, 9)
	f.Fuzz(func(t *testing.T, text string, line, char int) {
		if len(text) > 1<<14 || line < 0 || char < 0 || line > 1<<10 || char > 1<<12 {
			return
		}
		dir := t.TempDir()
		s := newServer(nil, Options{})
		d := &document{path: filepath.Join(dir, "pipeline.yml"), text: text}
		s.docs[d.path] = d
		s.root = dir
		s.hoverText(d, line, char)
		s.completions(d, line, char)
	})
}
