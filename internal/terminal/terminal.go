// Package terminal is the candidate's plain-prompt terminal client: it runs
// a practice set or a full timed exam against a certlab server and ends with
// the score report, drawn as bars.
package terminal

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/client"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/examstart"
	"github.com/certlab/certlab/internal/item"
)

var errTimeUp = errors.New("time is up")

// UI is one run of the terminal client: its questions, prompts and answers.
type UI struct {
	Client *client.Client
	In     *bufio.Reader
	Out    io.Writer
	seq    int64
	eof    bool
	md     *markdown
}

// New returns a session reading answers from in and writing to out.
func New(c *client.Client, in io.Reader, out io.Writer) *UI {
	return &UI{Client: c, In: bufio.NewReader(in), Out: out, md: newMarkdown(out)}
}

// ask prints a prompt and reads one trimmed line; at end of input it
// returns "" from then on (every remaining question is skipped).
func (s *UI) ask(prompt string) string {
	fmt.Fprint(s.Out, prompt)
	if s.eof {
		fmt.Fprintln(s.Out)
		return ""
	}
	line, err := s.In.ReadString('\n')
	if err != nil {
		s.eof = true
		if line == "" {
			fmt.Fprintln(s.Out)
		}
	}
	return strings.TrimSpace(line)
}

// Run takes the attempt: sections in order, questions one by one, then the
// report. Practice attempts show feedback after every answer.
func (s *UI) Run(ctx context.Context, v *exam.AttemptView) (*certlab.Report, error) {
	fmt.Fprintf(s.Out, "%s — %s, %d questions\n", v.ExamTitle, v.Mode, v.Questions)
	for v.Status == certlab.StatusStarted {
		sec := v.Sections[v.Section]
		fmt.Fprintf(s.Out, "\n== Section %d of %d: %s (%d questions)\n", sec.Index+1, len(v.Sections), sec.Title, sec.Count)
		if sec.Case != nil {
			for _, ex := range sec.Case.Exhibits {
				fmt.Fprintf(s.Out, "\n-- %s --\n%s\n", ex.Title, s.md.Render(ex.Body))
			}
		}
		var err error
		switch {
		case sec.Kind == certlab.SectionLab:
			v, err = s.labSection(ctx, v)
		case sec.Kind == certlab.SectionYesNoSeries && v.Mode == certlab.ModeExam:
			v, err = s.series(ctx, v)
		default:
			v, err = s.section(ctx, v)
		}
		var ce *client.Error
		if errors.Is(err, errTimeUp) || errors.As(err, &ce) && ce.Code == certlab.EDEADLINE {
			fmt.Fprintln(s.Out, "\nTime is up: the exam was submitted at its deadline.")
			break
		}
		if err != nil {
			return nil, err
		}
	}
	rep, err := s.Client.Report(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	PrintReport(s.Out, rep)
	return rep, nil
}

func (s *UI) timeLeft(v *exam.AttemptView) string {
	if v.SecondsLeft == nil {
		return ""
	}
	left := *v.SecondsLeft
	return fmt.Sprintf(" [%d:%02d left]", left/60, left%60)
}

// section asks every question of a free-navigation section, offers a
// second pass over the marked and unanswered ones, then completes it.
func (s *UI) section(ctx context.Context, v *exam.AttemptView) (*exam.AttemptView, error) {
	sec := v.Sections[v.Section]
	for _, q := range sec.Questions {
		if err := s.question(ctx, v, q); err != nil {
			return nil, err
		}
	}
	cur, err := s.Client.Attempt(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	if cur.Status != certlab.StatusStarted {
		return cur, nil
	}
	var again []exam.QuestionView
	for _, q := range cur.Sections[cur.Section].Questions {
		r, ok := cur.Responses[q.Key]
		if !ok || r.Marked || string(r.Value) == "null" {
			again = append(again, q)
		}
	}
	if len(again) > 0 && !s.eof && strings.HasPrefix(strings.ToLower(s.ask(fmt.Sprintf("\n%d questions are marked for review or unanswered. Review them now? [y/N] ", len(again)))), "y") {
		for _, q := range again {
			if err := s.question(ctx, cur, q); err != nil {
				return nil, err
			}
		}
	}
	return s.Client.CompleteSection(ctx, v.ID, v.Section+1)
}

// series shows a yes/no series one statement at a time, never going back.
func (s *UI) series(ctx context.Context, v *exam.AttemptView) (*exam.AttemptView, error) {
	for {
		sec := v.Sections[v.Section]
		if len(sec.Questions) == 0 {
			return s.Client.CompleteSection(ctx, v.ID, v.Section+1)
		}
		q := sec.Questions[0]
		if err := s.question(ctx, v, q); err != nil {
			return nil, err
		}
		if v.Position >= sec.Count-1 {
			return s.Client.CompleteSection(ctx, v.ID, v.Section+1)
		}
		next, err := s.Client.Next(ctx, v.ID, v.Section+1)
		if err != nil {
			return nil, err
		}
		v = next
	}
}

// question shows one question and saves the answer given. An empty answer
// skips; "?" marks the question for review.
func (s *UI) question(ctx context.Context, v *exam.AttemptView, q exam.QuestionView) error {
	it := q.Item
	fmt.Fprintf(s.Out, "\nQuestion %d%s\n%s\n", q.Number, s.timeLeft(v), s.md.Render(it.Stem))
	if q.Statement != "" {
		fmt.Fprintf(s.Out, "\n%s\n", s.md.Render(q.Statement))
	}
	kind, _ := item.Lookup(it.Type)
	if r, ok := v.Responses[q.Key]; ok && kind != nil && item.Answered(r.Value) {
		fmt.Fprintf(s.Out, "Saved answer: %s (Enter keeps it)\n", s.md.Render(strings.Join(kind.Describe(&it, r.Value), "; ")))
	}
	for {
		var value any
		marked := false
		var err error
		if kind == nil {
			err = fmt.Errorf("this client cannot show %s questions", it.Type)
		} else {
			value, err = kind.Ask(prompter{s}, &it)
		}
		if errors.Is(err, errMark) {
			value, marked, err = nil, true, nil
		}
		if err != nil {
			fmt.Fprintf(s.Out, "  %v — try again\n", err)
			if s.eof {
				return nil
			}
			continue
		}
		if value == nil && !marked {
			return nil // skipped
		}
		s.seq++
		res, err := s.Client.Save(ctx, v.ID, q.Key, s.seq, value, marked)
		var ce *client.Error
		if errors.As(err, &ce) && ce.Code == certlab.EINVALID {
			fmt.Fprintf(s.Out, "  %s — try again\n", ce.Message)
			continue
		}
		if errors.As(err, &ce) && ce.Code == certlab.EDEADLINE {
			return errTimeUp
		}
		if err != nil {
			return err
		}
		if f := res.Feedback; f != nil {
			given, _ := json.Marshal(value)
			s.feedback(kind, &it, given, f)
		}
		return nil
	}
}

// feedback shows practice feedback: the verdict, the answer marked part
// by part against the key (choices in letter order, matching as pairs),
// the explanation and the references.
func (s *UI) feedback(kind item.Kind, v *item.View, given json.RawMessage, f *exam.Feedback) {
	verdict := "Incorrect"
	if f.Correct {
		verdict = "Correct"
	}
	fmt.Fprintf(s.Out, "\n%s (%g of %g points).\n", verdict, f.Points, f.MaxPoints)
	marks := item.Compare(v, given, f.Key)
	for _, m := range marks {
		fmt.Fprintln(s.Out, s.md.Render(markLine(m)))
	}
	if len(marks) == 0 {
		fmt.Fprintln(s.Out, s.md.Render("Answer: "+strings.Join(kind.Describe(v, f.Key), "; ")))
	}
	if f.Explanation != "" {
		fmt.Fprintf(s.Out, "\n%s\n", s.md.Render(f.Explanation))
	}
	for _, r := range f.References {
		fmt.Fprintf(s.Out, "See %s\n", r)
	}
}

// markLine words one mark as a line of Markdown.
func markLine(m item.Mark) string {
	if m.Choice {
		switch m.State {
		case item.MarkRight:
			return "[✓] " + m.Label + " (your pick: right)"
		case item.MarkWrong:
			return "[✗] " + m.Label + " (your pick: wrong)"
		case item.MarkMissed:
			return "[○] " + m.Label + " (right answer, not picked)"
		}
		return "[ ] " + m.Label
	}
	switch m.State {
	case item.MarkRight:
		return "[✓] " + m.Label + " → " + m.Given
	case item.MarkWrong:
		return "[✗] " + m.Label + " → " + m.Given + " (right answer: " + m.Key + ")"
	}
	return "[○] " + m.Label + " → not answered (right answer: " + m.Key + ")"
}

// errMark is what prompter.Ask returns when the candidate types "?".
var errMark = errors.New("marked for review")

// prompter lets an item kind ask for its answer in the terminal.
type prompter struct{ s *UI }

func (p prompter) Print(markdown string) { fmt.Fprintln(p.s.Out, p.s.md.Render(markdown)) }

func (p prompter) Ask(prompt string) (string, error) {
	line := p.s.ask(prompt)
	if line == "?" {
		return "", errMark
	}
	return line, nil
}

// ShowFacts prints an exam's start page: facts, prerequisites, the
// retake status and the candidate's appointments.
func (s *UI) ShowFacts(info *examstart.Info) {
	f := info.Facts
	fmt.Fprintf(s.Out, "%s\n", f.Title)
	if f.Earns {
		fmt.Fprintln(s.Out, "Proctored credential exam.")
	} else {
		fmt.Fprintln(s.Out, "Unproctored practice exam from the practice pool: it earns no credential.")
	}
	fmt.Fprintf(s.Out, "\n- %d questions in %d minutes", f.Questions, f.Minutes)
	if f.ExtraTimePct > 0 {
		fmt.Fprintf(s.Out, " (including your %d %% extra time)", f.ExtraTimePct)
	}
	fmt.Fprintf(s.Out, ", timed by the server.\n- Scored 1-1000; %d passes.\n", f.PassingScore)
	for _, sec := range f.Sections {
		if sec.Minutes > 0 {
			fmt.Fprintf(s.Out, "- %s (%d minutes of its own)\n", sec.Rule, sec.Minutes)
			continue
		}
		fmt.Fprintf(s.Out, "- %s\n", sec.Rule)
	}
	if p := info.Prerequisites; p != nil && p.Rule != "" {
		held := "not held yet: the credential is issued once it is"
		if p.Met {
			held = "held"
		}
		fmt.Fprintf(s.Out, "\nPrerequisite: %s (%s).\n", p.Rule, held)
	}
	if el := info.Eligibility; el != nil && !el.Allowed {
		fmt.Fprintf(s.Out, "\nRetake policy: %s\n", el.Reason)
	}
	for _, ap := range info.Appointments {
		fmt.Fprintf(s.Out, "Appointment %d: sitting at %s UTC, %s\n", ap.ID, ap.Sitting.StartsAt.UTC().Format("2006-01-02 15:04"), ap.Status)
	}
}

// ShowStart prints the start page and the candidate agreement and asks
// the candidate to accept it; it reports whether they did.
func (s *UI) ShowStart(info *examstart.Info) bool {
	s.ShowFacts(info)
	fmt.Fprintf(s.Out, "\nCandidate agreement\n\n%s\n\n", info.Facts.Agreement)
	line := s.ask("Type accept to accept the agreement and start the clock: ")
	return strings.EqualFold(strings.TrimSpace(line), "accept")
}

// PrintReport writes the score report with a bar per skill area.
func PrintReport(w io.Writer, r *certlab.Report) {
	verdict := "FAIL"
	if r.Passed {
		verdict = "PASS"
	}
	fmt.Fprintf(w, "\n== Score report: %s\nScaled score %d (passing score %d), %s\n\n", r.ExamID, r.ScaledScore, r.PassingScore, verdict)
	for _, d := range r.Domains {
		n := int(d.Percent/5 + 0.5)
		fmt.Fprintf(w, "  %-48s %-20s %5.1f%% %s\n", trim(d.Name, 48), strings.Repeat("█", n)+strings.Repeat("·", 20-n), d.Percent, d.Strength)
	}
	if l := r.Labs; l != nil {
		fmt.Fprintf(w, "\n  Hands-on labs: %g of %g points (%.0f%%), counted in their skill areas\n", l.Points, l.MaxPoints, l.Percent)
	}
	if len(r.Weakest) > 0 {
		fmt.Fprintln(w, "\nStudy these objectives first:")
		ws := append([]certlab.ObjectiveResult(nil), r.Weakest...)
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].Percent < ws[j].Percent })
		for _, o := range ws {
			fmt.Fprintf(w, "  %5.1f%%  %s\n", o.Percent, trim(o.Name, 90))
		}
	}
}

func trim(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
