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
}

// Facts are what a candidate sees before an exam's clock starts.
type Facts struct {
	Exam         string        `json:"exam"`
	Title        string        `json:"title"`
	Delivery     string        `json:"delivery"`
	Questions    int           `json:"questions"` // scored questions, pilot ones not counted
	Minutes      int           `json:"minutes"`   // with the candidate's accommodation
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
	certlab.SectionLab:         "A hands-on lab with its own time: you work on your own machine and submit the workspace.",
}

// ExamFacts describes an exam for a candidate before the clock starts.
func ExamFacts(ex *certlab.Exam, u *certlab.User) Facts {
	pol := ex.Policy
	limit := pol.TimeLimit.Duration * time.Duration(100+u.ExtraTimePct) / 100
	f := Facts{Exam: ex.ID, Title: ex.Title, Delivery: ex.Delivery, Questions: pol.Items, Minutes: int(limit / time.Minute),
		ExtraTimePct: u.ExtraTimePct, PassingScore: pol.PassingScore, Agreement: Agreement, Earns: ex.Proctored()}
	for _, s := range pol.Sections {
		f.Sections = append(f.Sections, SectionFact{Kind: s.Kind, Count: s.Count, Rule: sectionRules[s.Kind]})
	}
	return f
}
