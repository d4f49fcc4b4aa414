package lab_test

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/pack"
)

var builtin = sync.OnceValues(func() (*lab.Catalog, []lab.Diagnostic) { return lab.LoadPacks(content.FS, "content") })

// TestBuiltinLabsLoad: every lab of the built-in packs loads without a
// problem, its objectives exist in its program's outlines, and every lab
// item names a lab that exists.
func TestBuiltinLabsLoad(t *testing.T) {
	labs, diags := builtin()
	for _, d := range diags {
		t.Error(d)
	}
	if len(labs.List()) == 0 {
		t.Fatal("no built-in labs")
	}
	cat, _ := pack.Load(content.FS, "content")
	for _, d := range labs.CheckAgainst(cat) {
		t.Error(d)
	}
}

// TestBuiltinLabs: for every lab, the starting workspace fails some checks,
// the reference solution passes every check, and each wrong solution fails
// exactly the checks it lists (at least those).
func TestBuiltinLabs(t *testing.T) {
	labs, _ := builtin()
	for _, l := range labs.List() {
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			ws, err := lab.Start(ctx, l, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if rep := lab.Grade(ctx, l, ws); rep.Passed || len(rep.Failed()) == 0 {
				t.Fatalf("the starting workspace passes every check: the lab asks nothing")
			}
			sol, err := lab.Start(ctx, l, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := lab.RunScript(ctx, l, sol, l.Solution, &out, &out); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			if rep := lab.Grade(ctx, l, sol); !rep.Passed {
				t.Fatalf("the reference solution fails %v:\n%s", rep.Failed(), details(rep))
			}
			for _, w := range l.Wrong {
				ws, err := lab.Start(ctx, l, t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				out.Reset()
				if err := lab.RunScript(ctx, l, ws, w.Script, &out, &out); err != nil {
					t.Fatalf("%v\n%s", err, out.String())
				}
				rep := lab.Grade(ctx, l, ws)
				failed := rep.Failed()
				for _, id := range w.Fails {
					if !slices.Contains(failed, id) {
						t.Errorf("%s: check %s passes, want it to fail (failed: %v)\n%s", w.Script, id, failed, details(rep))
					}
				}
			}
		})
	}
}

func details(rep *lab.Report) string {
	var lines []string
	for _, tr := range rep.Tasks {
		for _, c := range tr.Checks {
			mark := "ok  "
			if !c.Passed {
				mark = "FAIL"
			}
			lines = append(lines, mark+" "+c.ID+": "+c.Detail)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
