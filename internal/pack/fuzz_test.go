package pack_test

import (
	"testing"

	"github.com/certlab/certlab/internal/pack"
)

// FuzzLoadItem feeds arbitrary item files to the loader: it must never
// panic, and every problem must come back as a diagnostic.
func FuzzLoadItem(f *testing.F) {
	f.Add(goodItem)
	f.Add("---\n---\n")
	f.Add("---\nid: x\ntype: matching\nanswer: {a: [b]}\n---\nstem\n## Exhibit\n```\n## not a heading\n```\n")
	f.Add("---\nid: y\ntype: activescreen\nblanks: [{id: b, options: [x]}]\nanswer: {b: x}\n---\n[[b]] [[c]]\n")
	f.Add("---\nid: z\ntype: yesno-series\nstatements: [{id: s, text: t, answer: maybe}]\n---\n")
	f.Add("---\n&a [*a, *a]\n---\n")
	f.Fuzz(func(t *testing.T, src string) {
		cat, diags := pack.Load(demoPack(map[string]string{"items/a/fuzz.md": src}), "demo")
		ex, err := cat.Exam("demo-1")
		if err != nil {
			t.Fatalf("the exam itself was lost: %v", err)
		}
		if len(ex.Items) > 0 && diags.Errors() > 0 {
			for _, d := range diags {
				if !d.Warning && d.File == "demo/items/a/fuzz.md" {
					t.Fatalf("item loaded although it has an error: %v", d)
				}
			}
		}
	})
}
