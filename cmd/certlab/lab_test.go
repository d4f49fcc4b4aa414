package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLabCommands walks a practice lab through the CLI: start, a failing
// check with its feedback and exit status, hints, the solution, a passing
// check, the archive, and a reset.
func TestLabCommands(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ws")
	out, err := runCmd(t, ctx, "", "lab", "list", "--json")
	if err != nil || !strings.Contains(out, `"id": "git-hotfix-cherry-pick"`) {
		t.Fatalf("lab list: %v\n%s", err, out)
	}
	if out, err := runCmd(t, ctx, "", "lab", "start", "git-hotfix-cherry-pick", dir); err != nil || !strings.Contains(out, "Ticket NW-1842") {
		t.Fatalf("lab start: %v\n%s", err, out)
	}
	out, err = runCmd(t, ctx, "", "lab", "check", dir)
	if err == nil || exitCode(err) != 1 || !strings.Contains(out, "release/1.0 does not contain the fix") {
		t.Fatalf("lab check of the starting workspace: %v\n%s", err, out)
	}
	if out, err := runCmd(t, ctx, "", "lab", "hint", dir, "pick"); err != nil || !strings.Contains(out, "cherry-pick -x") {
		t.Fatalf("lab hint: %v\n%s", err, out)
	}
	if out, err := runCmd(t, ctx, "", "lab", "solution", dir, "--apply"); err != nil {
		t.Fatalf("lab solution --apply: %v\n%s", err, out)
	}
	out, err = runCmd(t, ctx, "", "lab", "check", dir, "--json")
	var rep struct {
		Passed bool    `json:"passed"`
		Points float64 `json:"points"`
	}
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || !rep.Passed || rep.Points != 4 {
		t.Fatalf("lab check after the solution: %v\n%s", err, out)
	}
	archive := filepath.Join(t.TempDir(), "ws.tar.gz")
	if out, err := runCmd(t, ctx, "", "lab", "pack", dir, "--out", archive); err != nil {
		t.Fatalf("lab pack: %v\n%s", err, out)
	}
	if st, err := os.Stat(archive); err != nil || st.Size() == 0 {
		t.Fatalf("no archive: %v", err)
	}
	if _, err := runCmd(t, ctx, "", "lab", "reset", dir); err == nil {
		t.Fatal("reset without --yes deleted the work")
	}
	if out, err := runCmd(t, ctx, "", "lab", "reset", dir, "--yes"); err != nil {
		t.Fatalf("lab reset: %v\n%s", err, out)
	}
	if _, err := runCmd(t, ctx, "", "lab", "check", dir); err == nil {
		t.Fatal("after a reset the lab still passes")
	}
	if _, err := runCmd(t, ctx, "", "lab", "check", t.TempDir()); err == nil {
		t.Fatal("a folder that is no lab workspace was checked")
	}
}
