package pathway

import (
	"fmt"
	"io"
	"strings"
)

// StateWords is a state as a reader sees it, in words (never a colour
// or a symbol alone).
func StateWords(state string) string {
	switch state {
	case Earned:
		return "earned"
	case Booked:
		return "booked"
	case InProgress:
		return "in progress"
	}
	return "not started"
}

// WebPath is where an action is done in the web UI.
func (a *Action) WebPath() string {
	switch a.Kind {
	case ActStudy:
		return "/programs/" + a.Program + "#exam-" + a.Exam
	case ActBook:
		return "/appointments?exam=" + a.Exam
	case ActCheckIn, ActWait:
		return "/appointments"
	case ActStart:
		return "/exams/" + a.Exam + "/start"
	case ActContinue:
		return fmt.Sprintf("/attempts/%d", a.Attempt)
	}
	return "/"
}

// Command is the terminal command for an action, "" when it is done on
// the web only.
func (a *Action) Command() string {
	switch a.Kind {
	case ActStudy:
		return "certlab practice --exam " + a.Exam
	case ActStart:
		return fmt.Sprintf("certlab exam take %s --appointment %d", a.Exam, a.Appointment)
	case ActContinue:
		return "certlab exam take " + a.Exam
	}
	return ""
}

// Fprint writes pathways as plain text for the terminal: each program, its
// stages in order with every step's state in words, what is still
// required, and the next action with its command or web address (under
// baseURL).
func Fprint(w io.Writer, pws []*Pathway, baseURL string) error {
	var b strings.Builder
	for i, pw := range pws {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s: %s", pw.Name, StateWords(pw.State))
		if pw.Credential != "" {
			fmt.Fprintf(&b, " (credential %s", pw.Credential)
			if pw.ValidUntil != nil {
				fmt.Fprintf(&b, ", valid until %s", pw.ValidUntil.Format("2 January 2006"))
			}
			b.WriteString(")")
		}
		b.WriteString("\n")
		writeStages(&b, pw.Stages, "  ")
		if len(pw.Missing) > 0 {
			b.WriteString("  Still required:\n")
			for _, m := range pw.Missing {
				fmt.Fprintf(&b, "    - %s\n", m)
			}
		}
		if a := pw.Next; a != nil {
			fmt.Fprintf(&b, "  Next: %s\n", a.Label)
			if cmd := a.Command(); cmd != "" {
				fmt.Fprintf(&b, "        %s\n", cmd)
			} else if a.Kind != ActIssue && a.Kind != ActDeclare {
				fmt.Fprintf(&b, "        %s%s\n", strings.TrimRight(baseURL, "/"), a.WebPath())
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeStages(b *strings.Builder, stages []*Stage, indent string) {
	for i, st := range stages {
		head := fmt.Sprintf("%d.", i+1)
		if i > 0 {
			head += " then"
		}
		if st.Any {
			head += " one of"
		}
		met := ""
		if st.Met {
			met = " (met)"
		}
		fmt.Fprintf(b, "%s%s%s\n", indent, head, met)
		for _, s := range st.Steps {
			fmt.Fprintf(b, "%s   [%s] %s: %s\n", indent, StateWords(s.State), s.Title, s.Note)
			if len(s.Stages) > 0 && s.State != Earned {
				writeStages(b, s.Stages, indent+"      ")
			}
		}
	}
}

// StateLabel is the pathway's state in words.
func (pw *Pathway) StateLabel() string { return StateWords(pw.State) }

// StateLabel is the step's state in words.
func (s *Step) StateLabel() string { return StateWords(s.State) }

// Via says what a credential step is earned by ("exam AZ-104"), "" for
// other steps.
func (s *Step) Via() string {
	if s.Kind != KindCredential || len(s.Stages) == 0 {
		return ""
	}
	return describeStages(s.Stages)
}
