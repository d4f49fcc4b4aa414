// Package sandbox is the exam sandbox: a public demo of the exam
// interface that needs no account, as Microsoft's Exam Sandbox is. It
// builds one fixed demo form from the practice pool (a case study, a
// yes/no series and one item of every other kind) and runs it with the
// exam's rules (sections that cannot be reopened, statements that cannot
// be revisited, marks for review, a timer), keeping the visitor's answers
// in a State the browser holds: the server stores nothing. Views are built
// from the items' key-free views, like an exam's.
package sandbox

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
)

// TimeLimit is the sandbox's time on the clock.
const TimeLimit = 20 * time.Minute

// Title is what the sandbox calls itself in the attempt bar.
const Title = "Exam sandbox (a demo: nothing is saved or scored)"

// seed arranges the demo's choices: the same order for every visitor.
const seed = 20261125

// caseQuestions is how many questions of the case study the demo shows.
const caseQuestions = 3

// Demo is the sandbox's form over one exam's practice pool. It is
// read-only once built and safe for concurrent use.
type Demo struct {
	Exam *certlab.Exam
	Form *certlab.Form
	// Kinds lists the item kinds the demo shows, in order.
	Kinds []string
	items map[string]*certlab.Item // by question key
}

// New builds the demo from the first exam of the catalog (in program
// order) whose practice pool has a case study, a yes/no series and an
// item of every other kind. Only practice-pool items and cases are used:
// the secure exam pool never reaches the sandbox.
func New(cat *certlab.Catalog) (*Demo, error) {
	var reasons []error
	for _, p := range cat.Programs {
		for _, ex := range p.Exams {
			d, err := build(ex)
			if err == nil {
				return d, nil
			}
			reasons = append(reasons, fmt.Errorf("%s: %w", ex.ID, err))
		}
	}
	return nil, fmt.Errorf("exam sandbox: no exam's practice pool has every kind: %w", errors.Join(reasons...))
}

func practice(it *certlab.Item) bool { return it.Pool == certlab.PoolPractice && !it.Pilot }

func build(ex *certlab.Exam) (*Demo, error) {
	items := slices.Clone(ex.Items)
	slices.SortFunc(items, func(a, b *certlab.Item) int { return cmp.Compare(a.ID, b.ID) })
	d := &Demo{Exam: ex, items: map[string]*certlab.Item{}}
	form := &certlab.Form{ExamID: ex.ID, OutlineVersion: ex.Current().Version, Seed: seed, TimeLimit: certlab.Duration{Duration: TimeLimit}}
	add := func(sec *certlab.FormSection, it *certlab.Item, statement string) {
		key := it.ID
		if statement != "" {
			key += "~" + statement
		}
		q := &certlab.Question{Key: key, ItemID: it.ID, Statement: statement, Objective: it.Objective(form.OutlineVersion),
			Layout: item.Of(it).Arrange(it, item.RNG(seed, it.ID))}
		if dm, ok := ex.Current().Domain(q.Objective); ok {
			q.Domain = dm.ID
		}
		sec.Questions = append(sec.Questions, q)
		d.items[key] = it
	}

	// A case study of the practice pool with enough questions.
	cases := slices.Clone(ex.Cases)
	slices.SortFunc(cases, func(a, b *certlab.Case) int { return cmp.Compare(a.ID, b.ID) })
	for _, c := range cases {
		if c.Pool != certlab.PoolPractice {
			continue
		}
		var qs []*certlab.Item
		for _, it := range items {
			if it.CaseID == c.ID && practice(it) && item.Of(it).Section() == certlab.SectionGeneral {
				qs = append(qs, it)
			}
		}
		if len(qs) < 2 {
			continue
		}
		sec := &certlab.FormSection{Kind: certlab.SectionCaseStudy, Title: "Case study: " + c.Title, CaseID: c.ID}
		for _, it := range qs[:min(len(qs), caseQuestions)] {
			add(sec, it, "")
		}
		form.Sections = append(form.Sections, sec)
		break
	}
	if len(form.Sections) == 0 {
		return nil, errors.New("no case study of the practice pool has two questions")
	}
	// A yes/no series: one statement at a time, no going back.
	for _, it := range items {
		if item.Of(it).Section() == certlab.SectionYesNoSeries && it.CaseID == "" && practice(it) && len(it.Statements) > 1 {
			sec := &certlab.FormSection{Kind: certlab.SectionYesNoSeries, Title: "Yes/no series"}
			for _, st := range item.Of(it).Statements(it) {
				add(sec, it, st)
			}
			form.Sections = append(form.Sections, sec)
			d.Kinds = append(d.Kinds, it.Type)
			break
		}
	}
	if len(form.Sections) != 2 {
		return nil, errors.New("no yes/no series in the practice pool")
	}
	general := &certlab.FormSection{Kind: certlab.SectionGeneral, Title: "Questions"}
	// One item of every registered kind of the general section.
	for _, k := range item.Kinds() {
		if k.Section() != certlab.SectionGeneral {
			continue
		}
		kind := k.Name()
		i := slices.IndexFunc(items, func(it *certlab.Item) bool { return item.Of(it).Name() == kind && it.CaseID == "" && practice(it) })
		if i < 0 {
			return nil, fmt.Errorf("no %s item in the practice pool", kind)
		}
		add(general, items[i], "")
		d.Kinds = append(d.Kinds, kind)
	}
	form.Sections = append(form.Sections, general)
	d.Form = form
	return d, nil
}

// Item returns the item behind a question key of the demo.
func (d *Demo) Item(key string) (*certlab.Item, bool) {
	it, ok := d.items[key]
	return it, ok
}

// View is the visitor's view of the demo in state st at now, built as the
// exam engine builds an exam attempt's: only the open section's questions,
// a yes/no series' current statement only, no keys or explanations.
func (d *Demo) View(st *State, now time.Time) *exam.AttemptView {
	started, deadline := time.Unix(st.Started, 0).UTC(), time.Unix(st.Deadline, 0).UTC()
	v := &exam.AttemptView{ExamID: d.Exam.ID, ExamTitle: Title, Mode: certlab.ModeExam, Status: certlab.StatusStarted,
		Section: st.Section, Position: st.Position, ServerTime: now, StartedAt: &started, Deadline: &deadline,
		Responses: map[string]exam.RespView{}, Review: []string{}}
	if st.Finished || st.Section >= len(d.Form.Sections) {
		v.Status = certlab.StatusSubmitted
	} else {
		left := max(int64(deadline.Sub(now).Seconds()), 0)
		v.SecondsLeft = &left
	}
	for k, val := range st.Answers {
		v.Responses[k] = exam.RespView{Seq: 1, Value: val, Marked: st.Marked[k]}
	}
	for k := range st.Marked {
		if _, ok := v.Responses[k]; !ok {
			v.Responses[k] = exam.RespView{Seq: 1, Value: json.RawMessage("null"), Marked: true}
		}
	}
	number := 0
	for si, s := range d.Form.Sections {
		sv := exam.SectionView{Index: si, Kind: s.Kind, Title: s.Title, Count: len(s.Questions)}
		switch {
		case v.Status != certlab.StatusStarted || si < st.Section:
			sv.State = "completed"
		case si == st.Section:
			sv.State = "open"
		default:
			sv.State = "upcoming"
		}
		for qi, q := range s.Questions {
			number++
			v.Questions++
			if r, ok := v.Responses[q.Key]; ok && item.Answered(r.Value) {
				v.Answered++
			}
			if sv.State != "open" {
				continue
			}
			if st.Marked[q.Key] {
				v.Review = append(v.Review, q.Key)
			}
			if s.Sequential() && qi != st.Position {
				continue
			}
			it := d.items[q.Key]
			qv := exam.QuestionView{Key: q.Key, Number: number, Item: item.ViewOf(it, q.Layout, seed)}
			for _, stmt := range it.Statements {
				if stmt.ID == q.Statement {
					qv.Statement = stmt.Text
				}
			}
			sv.Questions = append(sv.Questions, qv)
		}
		if sv.State == "open" && s.CaseID != "" {
			if c, ok := d.Exam.Case(s.CaseID); ok {
				sv.Case = c
			}
		}
		v.Sections = append(v.Sections, sv)
	}
	return v
}

// open returns the open section, or an error once the demo is over.
func (d *Demo) open(st *State, now time.Time) (*certlab.FormSection, error) {
	switch {
	case st.Finished || st.Section >= len(d.Form.Sections):
		return nil, certlab.Errorf(certlab.ECONFLICT, "the sandbox is finished: start it again to try once more")
	case !now.Before(time.Unix(st.Deadline, 0)):
		return nil, certlab.Errorf(certlab.EDEADLINE, "time is up: in an exam your answers would be submitted now")
	}
	return d.Form.Sections[st.Section], nil
}

// Save records an answer (and the review mark) in the state, with the
// exam's rules: only questions of the open section, only a yes/no
// series' current statement, a value of the item's shape.
func (d *Demo) Save(st *State, key string, value json.RawMessage, marked bool, now time.Time) error {
	sec, err := d.open(st, now)
	if err != nil {
		return err
	}
	qi := slices.IndexFunc(sec.Questions, func(q *certlab.Question) bool { return q.Key == key })
	if qi < 0 {
		if _, si, ok := d.Form.Question(key); ok && si < st.Section {
			return certlab.Errorf(certlab.ESECTIONCLOSED, "section %d is completed and cannot be reopened", si+1)
		}
		return certlab.Errorf(certlab.ENOTFOUND, "no question %q in the open section", key)
	}
	if sec.Sequential() && qi != st.Position {
		return certlab.Errorf(certlab.ENOTREVISITABLE, "this yes/no statement is not the current one")
	}
	q := sec.Questions[qi]
	clean, err := item.DecodeResponse(d.items[key], q.Statement, value)
	if err != nil {
		return err
	}
	if st.Answers == nil {
		st.Answers = map[string]json.RawMessage{}
	}
	if st.Marked == nil {
		st.Marked = map[string]bool{}
	}
	if item.Answered(clean) {
		st.Answers[key] = clean
	} else {
		delete(st.Answers, key)
	}
	if marked && !sec.Sequential() {
		st.Marked[key] = true
	} else {
		delete(st.Marked, key)
	}
	return nil
}

// Next leaves the current statement of the open yes/no series (section
// n, from 0) for the next one; the one left cannot be answered again.
func (d *Demo) Next(st *State, n int, now time.Time) error {
	sec, err := d.open(st, now)
	if err != nil {
		return err
	}
	switch {
	case n != st.Section:
		return certlab.Errorf(certlab.ESECTIONCLOSED, "section %d is not the open section", n+1)
	case !sec.Sequential():
		return certlab.Errorf(certlab.EINVALID, "section %d is not a yes/no series", n+1)
	case st.Position >= len(sec.Questions)-1:
		return certlab.Errorf(certlab.ECONFLICT, "this is the series' last statement: complete the section")
	}
	st.Position++
	return nil
}

// Complete completes section n (from 0), which cannot be reopened;
// completing the last one finishes the demo.
func (d *Demo) Complete(st *State, n int, now time.Time) error {
	if _, err := d.open(st, now); err != nil {
		return err
	}
	if n != st.Section {
		return certlab.Errorf(certlab.ESECTIONCLOSED, "section %d is not the open section (section %d is)", n+1, st.Section+1)
	}
	st.Section++
	st.Position = 0
	if st.Section >= len(d.Form.Sections) {
		st.Finished = true
	}
	return nil
}

// Finish submits the demo at once.
func (d *Demo) Finish(st *State) { st.Finished = true }
