package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab/internal/client"
)

// runCmd runs certlab in-process with the given standard input.
func runCmd(t *testing.T, ctx context.Context, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(ctx, args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errb)
	return out.String() + errb.String(), err
}

// startServe runs certlab serve on a free port until the test ends and
// returns its URL.
func startServe(t *testing.T, db string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--log-level", "warn"}, func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`http://\S+`).FindString(line)
	if m == "" {
		t.Fatalf("no URL in %q", line)
	}
	return m
}

// verdictRE finds the verdict line of practice feedback.
var verdictRE = regexp.MustCompile(`(?m)^(Correct|Incorrect) \(\d+ of \d+ points\)\.$`)

func TestTerminalPracticeAndExam(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	db := filepath.Join(t.TempDir(), "cli.db")
	if out, err := runCmd(t, ctx, "a long password\n", "user", "add", "cand@example.org", "--role", "candidate", "--db", db); err != nil || !strings.Contains(out, "role candidate") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	out, err := runCmd(t, ctx, "", "token", "create", "cand@example.org", "--db", db)
	token := strings.TrimSpace(out)
	if err != nil || !strings.HasPrefix(token, "clt_") {
		t.Fatalf("token create: %v %q", err, out)
	}
	url := startServe(t, db)

	// Practice: single-choice items answered "a"; feedback follows each answer.
	out, err = runCmd(t, ctx, "a\na\na\n", "practice", "--server", url, "--token", token, "--types", "single", "--count", "3")
	if err != nil {
		t.Fatalf("practice: %v\n%s", err, out)
	}
	if n := len(verdictRE.FindAllString(out, -1)); n != 3 || !strings.Contains(out, "[✓] A. ") && !strings.Contains(out, "[✗] A. ") {
		t.Fatalf("practice showed %d feedbacks, want 3 marking the pick A:\n%s", n, out)
	}
	if strings.Contains(out, "`") || strings.Contains(out, "**") {
		t.Fatalf("practice shows raw Markdown:\n%s", out)
	}
	// Matching: the options in letter order, the feedback as pairs, never JSON.
	out, err = runCmd(t, ctx, "a\nb\nc\nd\ne\n", "practice", "--server", url, "--token", token, "--types", "matching", "--count", "1")
	if err != nil {
		t.Fatalf("practice matching: %v\n%s", err, out)
	}
	if !strings.Contains(out, "\nA. ") || !strings.Contains(out, "\nB. ") || strings.Index(out, "\nA. ") > strings.Index(out, "\nB. ") ||
		!strings.Contains(out, " → ") || strings.Contains(out, `{"`) {
		t.Log(out)
		t.Fatalf("matching practice: want lettered options in order and pairs in the feedback:\n%s", out)
	}
	if !strings.Contains(out, "Score report: az-400") {
		t.Fatalf("practice ended without a report:\n%s", out)
	}

	// The proctored exam needs an admitted appointment: the command says so
	// and starts nothing.
	out, err = runCmd(t, ctx, "accept\n", "exam", "take", "az-400", "--server", url, "--token", token)
	if err == nil || !strings.Contains(err.Error(), "once a proctor has admitted you") || !strings.Contains(out, "50 questions in 100 minutes") {
		t.Fatalf("exam take of a proctored exam without an appointment: %v\n%s", err, out)
	}
	// Without accepting the agreement the practice exam does not start.
	if out, err := runCmd(t, ctx, "no\n", "exam", "take", "az-400-practice", "--server", url, "--token", token); err == nil || !strings.Contains(out, "Candidate agreement") {
		t.Fatalf("exam take without accepting: %v\n%s", err, out)
	}
	// The full-length practice exam with no answers at all: every section
	// is completed in order (the yes/no series one statement at a time)
	// and the report says FAIL.
	out, err = runCmd(t, ctx, "accept\n", "exam", "take", "az-400-practice", "--server", url, "--token", token)
	if err != nil {
		t.Fatalf("exam take: %v\n%s", err, out)
	}
	for _, want := range []string{"Unproctored practice exam", "The clock is running: 100 minutes", "Case study:", "Yes/no series", "Does the solution meet the goal?", "Scaled score 1 (passing score 700), FAIL", "Study these objectives first:"} {
		if !strings.Contains(out, want) {
			t.Fatalf("exam output lacks %q:\n%s", want, out[max(0, len(out)-3000):])
		}
	}

	// An interrupted exam is resumed, not refused: one started elsewhere
	// (here through the API) is picked up where it is.
	started, err := client.New(url, token).StartExam(ctx, "az-104-practice", 0)
	if err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, ctx, "", "exam", "take", "az-104-practice", "--server", url, "--token", token)
	if err != nil || !strings.Contains(out, fmt.Sprintf("Resuming AZ-104 practice exam (unproctored) (attempt %d)", started.ID)) {
		t.Fatalf("exam take of an open exam: %v\n%s", err, out)
	}

	// Without a token the commands say how to get one.
	if _, err := runCmd(t, ctx, "", "practice", "--server", url); err == nil || !strings.Contains(err.Error(), "token create") {
		t.Fatalf("practice without token: %v", err)
	}
}

func TestContentLintCommand(t *testing.T) {
	out, err := runCmd(t, context.Background(), "", "content", "lint")
	if err != nil {
		t.Fatalf("built-in content does not lint: %v\n%s", err, out)
	}
	if !strings.Contains(out, "0 errors") {
		t.Fatalf("lint summary: %s", out)
	}
	out, err = runCmd(t, context.Background(), "", "content", "stats", "--json")
	if err != nil || !strings.Contains(out, `"exam": "az-400"`) {
		t.Fatalf("stats: %v\n%s", err, out)
	}
}
