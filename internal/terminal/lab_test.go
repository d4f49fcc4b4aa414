package terminal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/client"
	"github.com/certlab/certlab/internal/fixture"
	"github.com/certlab/certlab/internal/labrun/labtest"
	"github.com/certlab/certlab/internal/terminal"
)

// certlab exam take in a lab section: each lab's ticket and the commands
// to build and submit its workspace, a submission from the prompt that is
// acknowledged without verdicts, and the score report with the labs'
// points once the last section is completed.
func TestExamLabSectionInTheTerminal(t *testing.T) {
	for _, tool := range []string{"git", "tar", "bash"} {
		_, err := exec.LookPath(tool)
		fixture.NeedTool(t, tool, err, "apt-get install "+tool)
	}
	ctx := context.Background()
	clk := apptest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	a := apptest.Start(t, app.Config{Now: clk.Now, Seed: func() int64 { return 11 }})
	u, err := a.Accounts.Create(ctx, "cand@example.org", "Cand", "correct horse battery", certlab.RoleCandidate)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := a.Accounts.NewToken(ctx, u, account.TokenRequest{Name: "terminal"})
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(a.URL, token)
	v, err := c.StartExam(ctx, "az-400", apptest.Admit(t, a.App, clk.Now(), u, "az-400"))
	if err != nil {
		t.Fatal(err)
	}
	// The questions are left blank: complete every section before the labs.
	for v.Sections[v.Section].Kind != certlab.SectionLab {
		if v, err = c.CompleteSection(ctx, v.ID, v.Section+1); err != nil {
			t.Fatal(err)
		}
	}
	sec := v.Sections[v.Section]
	var input strings.Builder
	for _, q := range sec.Questions {
		l, err := a.LabCatalog.Lab(q.Item.Lab)
		if err != nil {
			t.Fatal(err)
		}
		archive, err := c.AttemptLabWorkspace(ctx, v.ID, q.Key)
		if err != nil {
			t.Fatal(err)
		}
		input.WriteString("submit " + labtest.Solve(t, l, archive) + "\n\n")
	}
	var out bytes.Buffer
	rep, err := terminal.New(c, strings.NewReader(input.String()), &out).Run(ctx, v)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, q := range sec.Questions {
		l, _ := a.LabCatalog.Lab(q.Item.Lab)
		for _, want := range []string{"lab " + l.ID + ": " + l.Title, "certlab lab start " + l.ID, "certlab lab submit " + l.ID + " --attempt"} {
			if !strings.Contains(text, want) {
				t.Fatalf("the terminal does not show %q:\n%s", want, text)
			}
		}
	}
	if strings.Count(text, "received (tar.gz") != len(sec.Questions) || strings.Contains(text, "✓") || !strings.Contains(text, "Score report: az-400") {
		t.Fatalf("exam lab submissions in the terminal:\n%s", text)
	}
	if rep.Points != float64(5*len(sec.Questions)) {
		t.Fatalf("report points %g, want the labs' %d", rep.Points, 5*len(sec.Questions))
	}
	rs, _ := a.Store.Responses(ctx, v.ID)
	for _, r := range rs {
		var p struct{ Points float64 }
		if json.Unmarshal(r.Value, &p) == nil && strings.HasPrefix(r.Key, "lab-") && p.Points != 5 {
			t.Fatalf("lab response %s = %s", r.Key, r.Value)
		}
	}
}
