package exam

import (
	"time"

	"github.com/certlab/certlab"
)

// Agreement is the candidate agreement accepted before an exam's clock
// starts (Markdown). The acceptance is recorded in the audit log.
const Agreement = `By starting this exam you agree that:

- You take it yourself, without help from anyone, and without notes, other
  devices, search engines, AI assistants or any material that is not part of
  the exam.
- You do not record, copy, photograph, share or discuss its questions or
  answers, during the exam or afterwards; they remain confidential.
- The proctor may pause the exam, ask you to show your room or identity
  document, and end it for misconduct; an ended exam is void, not scored.
- Your answers are saved as you go and the clock is the server's: leaving
  the page does not stop it.`

// SectionFact describes a kind of section for the start page.
type SectionFact struct {
	Kind  string `json:"kind"`
	Count int    `json:"count,omitempty"` // case studies, series, labs; 0 for the general section
	Rule  string `json:"rule"`
	// Minutes is the section's own time (a lab section), with the
	// candidate's accommodation; 0 when it shares the exam's time.
	Minutes int `json:"minutes,omitempty"`
}

// Facts are what a candidate sees before an exam's clock starts.
type Facts struct {
	Exam         string        `json:"exam"`
	Title        string        `json:"title"`
	Delivery     string        `json:"delivery"`
	Questions    int           `json:"questions"` // scored questions, pilot ones not counted
	Minutes      int           `json:"minutes"`   // shared by the sections without a time of their own, with the candidate's accommodation
	ExtraTimePct int           `json:"extra_time_pct,omitempty"`
	PassingScore int           `json:"passing_score"`
	Sections     []SectionFact `json:"sections"`
	Agreement    string        `json:"agreement"` // Markdown
	Earns        bool          `json:"earns"`     // passing counts toward credentials
}

// sectionRules say what each kind of section lets a candidate do.
var sectionRules = map[string]string{
	certlab.SectionGeneral:     "Move freely between its questions, mark them for review and change answers until you complete the section.",
	certlab.SectionCaseStudy:   "A case study is a section of its own: read the scenario in its tabs; once you complete the section you cannot return to it.",
	certlab.SectionYesNoSeries: "The statements of a yes/no series come one at a time: once you move on you cannot return to a statement.",
	certlab.SectionLab:         "Hands-on labs with their own time, which starts when the section opens: you download each lab's workspace, work on your own machine and submit it (web upload or certlab lab submit) as often as you like until the section ends; the last submission counts.",
}

// ExamFacts describes an exam for a candidate before the clock starts.
func ExamFacts(ex *certlab.Exam, u *certlab.User) Facts {
	pol := ex.Policy
	stretch := func(d time.Duration) int { return int(d * time.Duration(100+u.ExtraTimePct) / 100 / time.Minute) }
	f := Facts{Exam: ex.ID, Title: ex.Title, Delivery: ex.Delivery, Questions: pol.Items, Minutes: stretch(pol.TimeLimit.Duration),
		ExtraTimePct: u.ExtraTimePct, PassingScore: pol.PassingScore, Agreement: Agreement, Earns: ex.Proctored()}
	for _, s := range pol.Sections {
		sf := SectionFact{Kind: s.Kind, Count: s.Count, Rule: sectionRules[s.Kind]}
		if s.TimeLimit.Duration > 0 {
			sf.Minutes = stretch(s.TimeLimit.Duration)
		}
		f.Sections = append(f.Sections, sf)
	}
	return f
}
