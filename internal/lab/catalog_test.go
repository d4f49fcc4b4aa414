package lab_test

import (
	"strings"
	"testing"

	"github.com/certlab/certlab"
)

// A lab item must be in its lab's pool: an exam lab named by a practice
// item would be shown outside a sitting.
func TestCheckAgainstPools(t *testing.T) {
	labs, _ := builtin()
	ex := &certlab.Exam{ID: "az-400", Items: []*certlab.Item{
		{ID: "lab-leak", Type: certlab.TypeLab, Lab: "release-notes-from-git-history", Pool: certlab.PoolPractice, File: "items/lab-leak.md"},
		{ID: "lab-ok", Type: certlab.TypeLab, Lab: "git-hotfix-cherry-pick", Pool: certlab.PoolPractice, File: "items/lab-ok.md"},
		{ID: "lab-missing", Type: certlab.TypeLab, Lab: "no-such-lab", Pool: certlab.PoolExam, File: "items/lab-missing.md"},
	}}
	diags := labs.CheckAgainst(&certlab.Catalog{Exams: map[string]*certlab.Exam{ex.ID: ex}})
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	all := strings.Join(got, "\n")
	if len(got) != 2 || !strings.Contains(all, "items/lab-leak.md:2: item of the practice pool names lab release-notes-from-git-history of the exam pool") ||
		!strings.Contains(all, `items/lab-missing.md:2: item names lab "no-such-lab"`) {
		t.Fatalf("diagnostics:\n%s", all)
	}
}
