package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/client"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/labrun"
	"github.com/certlab/certlab/internal/terminal"
)

// runLab: certlab lab list|start|check|hint|reset|solution|pack.
func runLab(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: certlab lab list|start|check|hint|reset|solution|pack|submit (see docs/labs.md)")
		return flag.ErrHelp
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "list":
		return labList(env, rest)
	case "start":
		return labStart(ctx, env, rest)
	case "check":
		return labCheck(ctx, env, rest)
	case "hint":
		return labHint(env, rest)
	case "reset":
		return labReset(ctx, env, rest)
	case "solution":
		return labSolution(ctx, env, rest)
	case "pack":
		return labPack(env, rest)
	case "submit":
		return labSubmit(ctx, env, rest)
	}
	return fmt.Errorf("lab: unknown sub-command %q (list, start, check, hint, reset, solution, pack, submit)", sub)
}

// labFlags are the flags every lab sub-command takes.
func labFlags(env *Env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("lab "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	dir := fs.String("content", "", "load the labs of the packs in this folder instead of the built-in ones")
	return fs, dir
}

// loadLabs reads the labs of the built-in packs, or of a folder.
func loadLabs(dir string) (*lab.Catalog, error) {
	var cat *lab.Catalog
	var diags []lab.Diagnostic
	if dir == "" {
		cat, diags = lab.LoadPacks(content.FS, "content")
	} else {
		cat, diags = lab.LoadPacks(os.DirFS(dir), strings.TrimSuffix(dir, "/"))
	}
	if len(cat.List()) == 0 && len(diags) > 0 {
		return nil, fmt.Errorf("no lab loads: %s", diags[0])
	}
	return cat, nil
}

// workspaceLab opens a workspace folder and the lab it belongs to.
func workspaceLab(cat *lab.Catalog, dir string) (*lab.Lab, *lab.Workspace, error) {
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	ws := &lab.Workspace{Dir: abs}
	m, err := ws.ReadMeta()
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a lab workspace (no %s/lab.json): start one with certlab lab start ID", dir, lab.MetaDir)
	}
	l, err := cat.Lab(m.Lab)
	if err != nil {
		return nil, nil, err
	}
	return l, ws, nil
}

func labList(env *Env, args []string) error {
	fs, dir := labFlags(env, "list")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cat, err := loadLabs(*dir)
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			ID         string              `json:"id"`
			Title      string              `json:"title"`
			Program    string              `json:"program"`
			Pool       string              `json:"pool"`
			Minutes    int                 `json:"minutes"`
			Difficulty int                 `json:"difficulty"`
			Objectives map[string][]string `json:"objectives"`
			Tasks      int                 `json:"tasks"`
			Points     int                 `json:"points"`
		}
		var out []row
		for _, l := range cat.List() {
			out = append(out, row{l.ID, l.Title, cat.Program[l.ID], l.Pool, l.Minutes, l.Difficulty, l.Objectives, len(l.Tasks), l.MaxPoints()})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPROGRAM\tPOOL\tMIN\tTITLE")
	for _, l := range cat.List() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", l.ID, cat.Program[l.ID], l.Pool, l.Minutes, l.Title)
	}
	return tw.Flush()
}

func labStart(ctx context.Context, env *Env, args []string) error {
	fs, dir := labFlags(env, "start")
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return errors.New("usage: certlab lab start ID [DIR]")
	}
	cat, err := loadLabs(*dir)
	if err != nil {
		return err
	}
	l, err := cat.Lab(fs.Arg(0))
	if err != nil {
		return err
	}
	target := fs.Arg(1)
	if target == "" {
		target = l.ID
	}
	ws, err := lab.Start(ctx, l, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Lab %s: %s (about %d minutes)\nWorkspace: %s\n\n%s\n\nTasks:\n", l.ID, l.Title, l.Minutes, ws.Dir, l.Instructions)
	for i, t := range l.Tasks {
		fmt.Fprintf(env.Stdout, "  %d. %s (%d %s)\n", i+1, t.Title, t.Points, plural(t.Points, "point"))
	}
	fmt.Fprintf(env.Stdout, "\nWork in %s, then run: certlab lab check %s\n", target, target)
	return nil
}

func labCheck(ctx context.Context, env *Env, args []string) error {
	fs, dir := labFlags(env, "check")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cat, err := loadLabs(*dir)
	if err != nil {
		return err
	}
	l, ws, err := workspaceLab(cat, fs.Arg(0))
	if err != nil {
		return err
	}
	rep := lab.Grade(ctx, l, ws)
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printLabReport(env.Stdout, rep)
	}
	if !rep.Passed {
		return errSilentFailure
	}
	return nil
}

// printLabReport writes the verdict per task and check.
func printLabReport(w io.Writer, rep *lab.Report) {
	fmt.Fprintf(w, "Lab %s: %s\n", rep.Lab, rep.Title)
	for _, t := range rep.Tasks {
		mark := "✗"
		if t.Passed {
			mark = "✓"
		}
		fmt.Fprintf(w, "\n%s %s  (%g of %g %s)\n", mark, t.Title, t.Points, t.MaxPoints, plural(int(t.MaxPoints), "point"))
		for _, c := range t.Checks {
			switch {
			case c.Passed:
				fmt.Fprintf(w, "    ✓ %s: %s\n", c.ID, c.Detail)
			case c.Skipped:
				fmt.Fprintf(w, "    - %s: %s\n", c.ID, c.Detail)
			default:
				fmt.Fprintf(w, "    ✗ %s: %s\n      found: %s\n", c.ID, c.Feedback, c.Detail)
			}
		}
	}
	verdict := "not yet: fix the checks marked ✗"
	if rep.Passed {
		verdict = "every check passes"
	}
	fmt.Fprintf(w, "\nScore %g of %g: %s\n", rep.Points, rep.MaxPoints, verdict)
}

func labHint(env *Env, args []string) error {
	fs, dir := labFlags(env, "hint")
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cat, err := loadLabs(*dir)
	if err != nil {
		return err
	}
	l, _, err := workspaceLab(cat, fs.Arg(0))
	if err != nil {
		return err
	}
	task := fs.Arg(1)
	shown := 0
	for _, t := range l.Tasks {
		if task != "" && t.ID != task {
			continue
		}
		shown++
		hint := t.Hint
		if hint == "" {
			hint = "(no hint for this task: read the feedback of its checks)"
		}
		fmt.Fprintf(env.Stdout, "%s — %s\n%s\n\n", t.ID, t.Title, hint)
	}
	if task != "" && shown == 0 {
		return fmt.Errorf("lab %s has no task %q", l.ID, task)
	}
	return nil
}

func labReset(ctx context.Context, env *Env, args []string) error {
	fs, dir := labFlags(env, "reset")
	yes := fs.Bool("yes", false, "confirm: everything in the workspace is deleted")
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cat, err := loadLabs(*dir)
	if err != nil {
		return err
	}
	l, ws, err := workspaceLab(cat, fs.Arg(0))
	if err != nil {
		return err
	}
	if !*yes {
		return fmt.Errorf("reset deletes everything in %s and starts lab %s again: add --yes", ws.Dir, l.ID)
	}
	entries, err := os.ReadDir(ws.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(ws.Dir, e.Name())); err != nil {
			return err
		}
	}
	if _, err := lab.Start(ctx, l, ws.Dir); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Lab %s started again in %s\n", l.ID, ws.Dir)
	return nil
}

func labSolution(ctx context.Context, env *Env, args []string) error {
	fs, dir := labFlags(env, "solution")
	apply := fs.Bool("apply", false, "run the reference solution in the workspace")
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cat, err := loadLabs(*dir)
	if err != nil {
		return err
	}
	l, ws, err := workspaceLab(cat, fs.Arg(0))
	if err != nil {
		return err
	}
	if l.Pool != certlab.PoolPractice {
		return certlab.Errorf(certlab.EFORBIDDEN, "lab %s is an exam lab: its solution is not shown", l.ID)
	}
	src, err := l.ReadFile(l.Solution)
	if err != nil {
		return err
	}
	if !*apply {
		_, err := env.Stdout.Write(src)
		return err
	}
	if err := lab.RunScript(ctx, l, ws, l.Solution, env.Stdout, env.Stderr); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "The reference solution was applied in %s: run certlab lab check to see the verdicts.\n", ws.Dir)
	return nil
}

func labPack(env *Env, args []string) error {
	fs, dir := labFlags(env, "pack")
	out := fs.String("out", "", "write the archive to this file (required)")
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("usage: certlab lab pack [DIR] --out FILE.tar.gz")
	}
	cat, err := loadLabs(*dir)
	if err != nil {
		return err
	}
	_, ws, err := workspaceLab(cat, fs.Arg(0))
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := lab.Pack(f, ws); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(env.Stdout, "Wrote %s (%d KB)\n", *out, st.Size()>>10)
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// parseInterleaved parses flags that may come after positional arguments
// (certlab lab check DIR --json): the positional ones are kept in order
// and left in fs.Args().
func parseInterleaved(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// labSubmit: certlab lab submit [DIR] [--attempt N] — packs the workspace
// and submits it to the server: to the lab question of the open attempt
// (the one given, or the attempt whose open section holds this lab), else
// as a practice lab; it prints the server's verdicts (in an exam, the
// acknowledgement) and exits 1 when a practice lab still fails checks.
func labSubmit(ctx context.Context, env *Env, args []string) error {
	fs, dir := labFlags(env, "submit")
	sf := registerSettings(fs, clientSettings)
	attempt := fs.Int64("attempt", 0, "submit to the lab question of this attempt (default: the open attempt whose lab section holds this lab, else practice)")
	asJSON := fs.Bool("json", false, "print the server's answer as JSON")
	fs.Usage = usageFunc(env.Stderr, fs, "lab submit [DIR] [flags]", sf)
	if err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cat, err := loadLabs(*dir)
	if err != nil {
		return err
	}
	l, ws, err := workspaceLab(cat, fs.Arg(0))
	if err != nil {
		return err
	}
	c, err := newClient(env, sf)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := lab.Pack(&buf, ws); err != nil {
		return fmt.Errorf("pack %s: %w", ws.Dir, err)
	}
	id, key, err := labQuestion(ctx, c, l.ID, *attempt)
	if err != nil {
		return err
	}
	var v *labrun.Verdict
	if id != 0 {
		fmt.Fprintf(env.Stderr, "Submitting %s (%d KB) to attempt %d…\n", ws.Dir, buf.Len()>>10, id)
		v, err = c.SubmitAttemptLab(ctx, id, key, &buf)
	} else {
		if l.Pool != certlab.PoolPractice {
			return fmt.Errorf("lab %s is an exam lab: submit it in your exam's lab section (no open attempt holds it)", l.ID)
		}
		fmt.Fprintf(env.Stderr, "Submitting %s (%d KB) as practice…\n", ws.Dir, buf.Len()>>10)
		v, err = c.SubmitLab(ctx, l.ID, &buf)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
	} else {
		terminal.PrintVerdict(env.Stdout, v)
	}
	if !v.Hidden && !v.Submission.Passed {
		return errSilentFailure
	}
	return nil
}

// labQuestion finds the attempt and question a workspace of the lab goes
// to: the one given, or an open attempt whose open section holds the lab
// (0 when there is none: practice).
func labQuestion(ctx context.Context, c *client.Client, labID string, attempt int64) (int64, string, error) {
	var ids []int64
	if attempt != 0 {
		ids = []int64{attempt}
	} else {
		as, err := c.Attempts(ctx)
		if err != nil {
			return 0, "", err
		}
		for _, a := range as {
			if a.Status == certlab.StatusStarted {
				ids = append(ids, a.ID)
			}
		}
	}
	for _, id := range ids {
		v, err := c.Attempt(ctx, id)
		if err != nil {
			if attempt != 0 {
				return 0, "", err
			}
			continue
		}
		for _, sec := range v.Sections {
			for _, q := range sec.Questions {
				if q.Item.Lab == labID {
					return id, q.Key, nil
				}
			}
		}
	}
	if attempt != 0 {
		return 0, "", fmt.Errorf("attempt %d has no open lab section with lab %s", attempt, labID)
	}
	return 0, "", nil
}
