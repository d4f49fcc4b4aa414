package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/study"
)

// wordsPerMinute is the reading speed reading times assume.
const wordsPerMinute = 200

// readingMinutes is a module's reading time: the words of its text at
// wordsPerMinute, rounded, at least one minute.
func (m *markdown) readingMinutes(body string) int {
	words := len(strings.Fields(m.Plain(body)))
	return max(1, int(math.Round(float64(words)/wordsPerMinute)))
}

// Module states along a learning path.
const (
	// masteryItems is how many practice questions on a module's objectives
	// must be answered before it can count as mastered.
	masteryItems = 3
	// masteryShare is the share of them the latest answers must get right.
	masteryShare = 0.8
)

// moduleProgress is a candidate's progress in one module.
type moduleProgress struct {
	Read      bool
	ReadAt    time.Time
	Items     int // practice questions answered on the module's objectives
	Right     int // of them, right the last time
	Practiced bool
	Mastered  bool
}

// State words the furthest step reached.
func (p moduleProgress) State() string {
	switch {
	case p.Mastered:
		return "mastered"
	case p.Practiced:
		return "practiced"
	case p.Read:
		return "read"
	}
	return "not started"
}

// pathProgress counts the modules of a path at each step.
type pathProgress struct {
	Modules, Read, Practiced, Mastered int
}

// progressOf works out a module's progress from the modules read and the
// practice results by objective of the path's exam (its current outline).
func progressOf(m *certlab.Module, reads map[string]time.Time, byObjective map[string]study.ObjectiveProgress, version string) moduleProgress {
	var p moduleProgress
	p.ReadAt, p.Read = reads[m.ID]
	for _, ob := range m.Objectives[version] {
		op := byObjective[ob]
		p.Items += op.Items
		p.Right += op.Right
	}
	p.Practiced = p.Items > 0
	p.Mastered = p.Items >= masteryItems && float64(p.Right) >= masteryShare*float64(p.Items)
	return p
}

// progressSource loads what progress is computed from, once per request:
// the modules read in a program, and practice results per exam.
type progressSource struct {
	h      *Handler
	ctx    context.Context
	user   *certlab.User
	reads  map[string]time.Time
	byExam map[string]map[string]study.ObjectiveProgress
}

func (h *Handler) newProgressSource(ctx context.Context, u *certlab.User, programID string) (*progressSource, error) {
	reads, err := h.cfg.Store.ModuleReads(ctx, u.ID, programID)
	if err != nil {
		return nil, err
	}
	return &progressSource{h: h, ctx: ctx, user: u, reads: reads, byExam: map[string]map[string]study.ObjectiveProgress{}}, nil
}

// module is the progress of a module studied for an exam.
func (s *progressSource) module(m *certlab.Module, examID string) (moduleProgress, error) {
	if s.h.cfg.Study == nil || examID == "" {
		return progressOf(m, s.reads, nil, ""), nil
	}
	ex, err := s.h.cfg.Catalog.Exam(examID)
	if err != nil {
		return moduleProgress{}, err
	}
	byOb, ok := s.byExam[examID]
	if !ok {
		if byOb, err = s.h.cfg.Study.Progress(s.ctx, s.user.ID, examID); err != nil {
			return moduleProgress{}, fmt.Errorf("progress in %s: %w", examID, err)
		}
		s.byExam[examID] = byOb
	}
	return progressOf(m, s.reads, byOb, ex.Current().Version), nil
}

// markRead records (or forgets) that the candidate read a module.
func (h *Handler) markRead(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	p, err := h.cfg.Catalog.Program(r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m := findModule(p, r.PathValue("module"))
	if m == nil {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "program %s has no module %q", p.ID, r.PathValue("module")))
		return
	}
	if r.PostFormValue("read") == "no" {
		err = h.cfg.Store.UnmarkModuleRead(r.Context(), u.ID, p.ID, m.ID)
	} else {
		err = h.cfg.Store.MarkModuleRead(r.Context(), u.ID, p.ID, m.ID, h.now())
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/programs/%s/modules/%s#progress", p.ID, m.ID), http.StatusSeeOther)
}

// modulesFor lists the program's modules that teach an objective of the
// exam's current outline.
func (h *Handler) modulesFor(ex *certlab.Exam, objective string) []*certlab.Module {
	p, err := h.cfg.Catalog.Program(ex.ProgramID)
	if err != nil {
		return nil
	}
	version := ex.Current().Version
	var out []*certlab.Module
	for _, m := range p.Modules {
		for _, ob := range m.Objectives[version] {
			if ob == objective {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// practiceReviewData is the review of a finished practice set: the list
// of its questions, or one of them.
type practiceReviewData struct {
	AttemptID int64
	Title     string
	Filter    string // "missed": only questions not fully right
	Rows      []practiceReviewRow
	Right     int
	// One question (the question page).
	Q         *exam.ReviewQuestion
	Index     int // 1-based, in the list shown
	Count     int
	Prev      int
	Next      int
	Stem      template.HTML
	Exhibit   template.HTML
	Statement template.HTML
	Case      *certlab.Case
	Objective string
	Feedback  *feedbackView
}

type practiceReviewRow struct {
	N         int // 1-based position in the set
	Number    int
	Type      string
	Objective string
	Points    float64
	MaxPoints float64
	Correct   bool
	Answered  bool
}

// practiceReview loads a finished practice set's questions, filtered.
func (h *Handler) practiceReview(w http.ResponseWriter, r *http.Request, u *certlab.User) (*practiceReviewData, []exam.ReviewQuestion, *certlab.Exam, bool) {
	id, err := attemptID(r)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, nil, false
	}
	qs, err := h.cfg.Engine.PracticeReview(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, nil, false
	}
	a, err := h.cfg.Engine.Report(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, nil, false
	}
	ex, err := h.cfg.Catalog.Exam(a.ExamID)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, nil, false
	}
	d := &practiceReviewData{AttemptID: id, Title: ex.Title}
	if r.URL.Query().Get("show") == "missed" {
		d.Filter = "missed"
		var missed []exam.ReviewQuestion
		for _, q := range qs {
			if !q.Feedback.Correct {
				missed = append(missed, q)
			}
		}
		qs = missed
	}
	for i, q := range qs {
		if q.Feedback.Correct {
			d.Right++
		}
		d.Rows = append(d.Rows, practiceReviewRow{N: i + 1, Number: q.Number, Type: q.Item.Type, Objective: objectiveName(ex, q.Objective),
			Points: q.Feedback.Points, MaxPoints: q.Feedback.MaxPoints, Correct: q.Feedback.Correct, Answered: string(q.Response) != "null"})
	}
	return d, qs, ex, true
}

// practiceReviewList lists a finished practice set's questions.
func (h *Handler) practiceReviewList(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	d, _, _, ok := h.practiceReview(w, r, u)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "practice-review", page{Title: "Review: " + d.Title, Data: d})
}

// practiceReviewQuestion shows one question of a finished practice set
// with the answer given, marked, and the explanation.
func (h *Handler) practiceReviewQuestion(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	d, qs, ex, ok := h.practiceReview(w, r, u)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(qs) {
		h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "this review has no question %q (it has %d)", r.PathValue("n"), len(qs)))
		return
	}
	q := &qs[n-1]
	d.Q, d.Index, d.Count = q, n, len(qs)
	if n > 1 {
		d.Prev = n - 1
	}
	if n < len(qs) {
		d.Next = n + 1
	}
	d.Stem = h.markdown.HTML(q.Item.Stem)
	if q.Item.Exhibit != "" {
		d.Exhibit = h.markdown.HTML(q.Item.Exhibit)
	}
	if q.Statement != "" {
		d.Statement = h.markdown.HTML(q.Statement)
	}
	if q.CaseID != "" {
		if c, ok := ex.Case(q.CaseID); ok {
			d.Case = c
		}
	}
	d.Objective = objectiveName(ex, q.Objective)
	d.Feedback = h.newFeedback(&q.Item, q.Response, q.Feedback)
	h.render(w, r, http.StatusOK, "practice-question", page{Title: fmt.Sprintf("Review, question %d: %s", q.Number, d.Title), Data: d})
}

// objectiveName is an objective's name in the exam's current outline.
func objectiveName(ex *certlab.Exam, id string) string {
	for _, d := range ex.Current().Domains {
		for _, ob := range d.Objectives {
			if ob.ID == id {
				return ob.Name
			}
		}
	}
	return id
}
