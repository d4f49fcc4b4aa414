package terminal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/client"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/labrun"
)

// labSection shows each lab of the open lab section: its ticket, tasks
// and the commands that build and submit its workspace; the candidate
// works in another terminal and submits there (certlab lab submit) or
// here (submit DIR), sees the verdicts (an acknowledgement in an exam),
// and moves on. The section is then completed.
func (s *UI) labSection(ctx context.Context, v *exam.AttemptView) (*exam.AttemptView, error) {
	sec := v.Sections[v.Section]
	if sec.Kind == certlab.SectionLab && v.SecondsLeft != nil && v.Mode == certlab.ModeExam {
		fmt.Fprintf(s.Out, "This section has its own time:%s. Submit each lab's workspace before it ends; the last submission counts.\n", s.timeLeft(v))
	}
	for _, q := range sec.Questions {
		if err := s.lab(ctx, v, q); err != nil {
			return nil, err
		}
	}
	return s.Client.CompleteSection(ctx, v.ID, v.Section+1)
}

func (s *UI) lab(ctx context.Context, v *exam.AttemptView, q exam.QuestionView) error {
	al, err := s.Client.AttemptLab(ctx, v.ID, q.Key)
	if err != nil {
		return err
	}
	in := al.Info
	fmt.Fprintf(s.Out, "\nQuestion %d%s — lab %s: %s (about %d minutes)\n\n%s\n\nTasks:\n", q.Number, s.timeLeft(v), in.ID, in.Title, in.Minutes, in.Instructions)
	for i, t := range in.Tasks {
		fmt.Fprintf(s.Out, "  %d. %s (%d %s)\n", i+1, t.Title, t.Points, plural(t.Points, "point", "points"))
	}
	dir := in.ID
	fmt.Fprintf(s.Out, "\nBuild the workspace in another terminal:  %s %s\nWork there, then submit it:               %s\n", in.StartCommand, dir, in.SubmitCommand)
	if al.Latest != nil {
		PrintVerdict(s.Out, al.Latest)
	}
	for {
		line := s.ask("\nType submit DIR to submit a workspace from here, show for the latest verdict, or Enter for the next question: ")
		cmd, arg, _ := strings.Cut(line, " ")
		switch strings.ToLower(cmd) {
		case "":
			return nil
		case "show":
			cur, err := s.Client.AttemptLab(ctx, v.ID, q.Key)
			if err := timeUp(err); err != nil {
				return err
			}
			if cur.Latest == nil {
				fmt.Fprintln(s.Out, "Nothing submitted yet.")
			} else {
				PrintVerdict(s.Out, cur.Latest)
			}
		case "submit":
			if arg = strings.TrimSpace(arg); arg == "" {
				arg = dir
			}
			var buf bytes.Buffer
			if err := packWorkspace(&buf, arg); err != nil {
				fmt.Fprintf(s.Out, "  %v\n", err)
				continue
			}
			verdict, err := s.Client.SubmitAttemptLab(ctx, v.ID, q.Key, &buf)
			var ce *client.Error
			if errors.As(err, &ce) && ce.Code == certlab.EINVALID {
				fmt.Fprintf(s.Out, "  Refused: %s\n  (your earlier submission, if any, still counts)\n", ce.Message)
				continue
			}
			if err := timeUp(err); err != nil {
				return err
			}
			PrintVerdict(s.Out, verdict)
		default:
			fmt.Fprintln(s.Out, "  submit DIR, show, or Enter")
		}
		if s.eof {
			return nil
		}
	}
}

// timeUp turns the server's deadline answer into errTimeUp.
func timeUp(err error) error {
	var ce *client.Error
	if errors.As(err, &ce) && ce.Code == certlab.EDEADLINE {
		return errTimeUp
	}
	return err
}

// packWorkspace packs a lab workspace folder as a tar.gz for upload.
func packWorkspace(w io.Writer, dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	ws := &lab.Workspace{Dir: abs}
	if _, err := ws.ReadMeta(); err != nil {
		return fmt.Errorf("%s is not a lab workspace (no %s/lab.json)", dir, lab.MetaDir)
	}
	return lab.Pack(w, ws)
}

// PrintVerdict writes a graded submission: the points and every check
// with its feedback, or, in an exam, the acknowledgement.
func PrintVerdict(w io.Writer, v *labrun.Verdict) {
	sub := v.Submission
	if v.Hidden {
		fmt.Fprintf(w, "Submission %d received (%s, %d bytes).\n%s\n", sub.ID, sub.Format, sub.Size, v.Note)
		return
	}
	fmt.Fprintf(w, "Lab %s: %s\n", sub.LabID, v.Title)
	for _, t := range v.Tasks {
		mark := map[string]string{"passed": "✓", "partial": "~", "failed": "✗", "not graded": "-"}[t.State]
		fmt.Fprintf(w, "\n%s %s  (%g of %g)\n", mark, t.Title, t.Points, t.MaxPoints)
		for _, c := range t.Checks {
			switch {
			case c.Skipped:
				fmt.Fprintf(w, "    - %s: %s\n", c.CheckID, c.Detail)
			case c.Passed:
				fmt.Fprintf(w, "    ✓ %s: %s\n", c.CheckID, c.Detail)
			default:
				fmt.Fprintf(w, "    ✗ %s: %s\n      found: %s\n", c.CheckID, c.Feedback, c.Detail)
			}
		}
	}
	verdict := "not yet: fix the checks marked ✗"
	if sub.Passed {
		verdict = "every check graded on the server passes"
	}
	fmt.Fprintf(w, "\nScore %g of %g: %s\n", sub.Points, sub.MaxPoints, verdict)
	if v.Note != "" {
		fmt.Fprintln(w, v.Note)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
