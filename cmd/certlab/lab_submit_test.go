package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// certlab lab submit packs a workspace and submits it as practice; the
// server's verdicts come back, and the exit status says whether every
// check passes. certlab practice shows a lab item's ticket and commands
// and submits a workspace from its prompt.
func TestLabSubmitCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	db := filepath.Join(t.TempDir(), "cli.db")
	if out, err := runCmd(t, ctx, "a long password\n", "user", "add", "cand@example.org", "--role", "candidate", "--db", db); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	out, err := runCmd(t, ctx, "", "token", "create", "cand@example.org", "--db", db)
	token := strings.TrimSpace(out)
	if err != nil {
		t.Fatalf("token create: %v %q", err, out)
	}
	url := startServe(t, db)
	const id = "git-hotfix-cherry-pick"

	unsolved := filepath.Join(t.TempDir(), "unsolved")
	if out, err := runCmd(t, ctx, "", "lab", "start", id, unsolved); err != nil {
		t.Fatalf("lab start: %v\n%s", err, out)
	}
	out, err = runCmd(t, ctx, "", "lab", "submit", unsolved, "--server", url, "--token", token)
	if !errors.Is(err, errSilentFailure) || !strings.Contains(out, "✗ pick.1") || !strings.Contains(out, "Score 1.67 of 4") {
		t.Fatalf("an unsolved workspace: %v\n%s", err, out)
	}

	solved := filepath.Join(t.TempDir(), "solved")
	for _, args := range [][]string{{"lab", "start", id, solved}, {"lab", "solution", solved, "--apply"}} {
		if out, err := runCmd(t, ctx, "", args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	out, err = runCmd(t, ctx, "", "lab", "submit", solved, "--server", url, "--token", token)
	if err != nil || !strings.Contains(out, "Score 4 of 4: every check graded on the server passes") || !strings.Contains(out, "as practice") {
		t.Fatalf("a solved workspace: %v\n%s", err, out)
	}

	// An exam lab is not practice: without a sitting it is refused here.
	exam := filepath.Join(t.TempDir(), "exam")
	runCmd(t, ctx, "", "lab", "start", "release-notes-from-git-history", exam)
	if _, err := runCmd(t, ctx, "", "lab", "submit", exam, "--server", url, "--token", token); err == nil || !strings.Contains(err.Error(), "exam lab") {
		t.Fatalf("an exam lab submitted as practice: %v", err)
	}

	// A practice set with the lab item: the ticket, the commands, and a
	// submission from the prompt with its verdicts.
	out, err = runCmd(t, ctx, "submit "+solved+"\n\n", "practice", "--server", url, "--token", token, "--items", "lab-"+id)
	if err != nil {
		t.Fatalf("practice with a lab: %v\n%s", err, out)
	}
	for _, want := range []string{"lab " + id, "certlab lab start " + id, "certlab lab submit " + id + " --attempt", "Score 4 of 4", "Score report: az-400"} {
		if !strings.Contains(out, want) {
			t.Fatalf("practice output lacks %q:\n%s", want, out)
		}
	}
}
