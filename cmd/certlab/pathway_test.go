package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// certlab pathway prints the signed-in candidate's pathway from a real
// server: the expert credential's prerequisites (AZ-104 or AZ-204) before
// AZ-400, states in words, and a next action that follows practice.
func TestPathwayCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
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

	if out, err := runCmd(t, ctx, "", "pathway", "--server", url); err == nil || !strings.Contains(err.Error(), "API token is needed") {
		t.Fatalf("without a token: %v\n%s", err, out)
	}
	out, err = runCmd(t, ctx, "", "pathway", "--server", url, "--token", token, "--program", "devops-engineer-expert")
	if err != nil {
		t.Fatalf("pathway: %v\n%s", err, out)
	}
	for _, want := range []string{
		"DevOps Engineer Expert (AZ-400 pathway): not started",
		"1. one of",
		"[not started] Azure Administrator Associate (AZ-104 pathway): not started",
		"[not started] AZ-104: ",
		"[not started] Azure Developer Associate (AZ-204 pathway): not started",
		"2. then\n",
		"[not started] AZ-400: Designing and Implementing DevOps Solutions: not started",
		"Still required:\n    - One of: the Azure Administrator Associate credential (exam AZ-104), or the Azure Developer Associate credential (exam AZ-204)\n    - Pass exam AZ-400",
		"Next: Start studying for AZ-104\n        certlab practice --exam az-104",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("pathway lacks %q:\n%s", want, out)
		}
	}
	// After practising AZ-204 it is in progress, with its readiness.
	if out, err := runCmd(t, ctx, "a\na\n", "practice", "--server", url, "--token", token, "--exam", "az-204", "--types", "single", "--count", "2"); err != nil {
		t.Fatalf("practice: %v\n%s", err, out)
	}
	out, err = runCmd(t, ctx, "", "pathway", "--server", url, "--token", token)
	if err != nil {
		t.Fatalf("pathway: %v\n%s", err, out)
	}
	for _, want := range []string{
		"DevOps Engineer Expert (AZ-400 pathway): in progress",
		"[in progress] Azure Developer Associate (AZ-204 pathway): AZ-204: readiness",
		"from 2 practice answers",
		"Next: Practise for AZ-204: readiness",
		"Azure Administrator Associate (AZ-104 pathway): not started",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("pathway after practice lacks %q:\n%s", want, out)
		}
	}
}
