// Package study turns a candidate's results into study guidance: readiness
// per domain with the predicted chance of passing, FSRS review schedules for
// missed items and weak objectives ("due today"), and the next item of an
// adaptive practice set. Its state is derived from the stored results, so
// there is nothing to keep in sync.
package study

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/cat"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/irt"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/readiness"
	"github.com/certlab/certlab/internal/srs"
)

// Service answers study questions for candidates.
type Service struct {
	Store     certlab.Store
	Study     certlab.StudyStore
	Catalog   *certlab.Catalog
	Now       func() time.Time
	Scheduler *srs.Scheduler
	// LabResults lists a user's graded practice lab submissions that count
	// toward an exam, oldest first (internal/labrun); nil counts none.
	LabResults func(ctx context.Context, userID int64, examID string) ([]LabResult, error)
}

// labResults are the user's practice lab results for the exam.
func (s *Service) labResults(ctx context.Context, userID int64, examID string) ([]LabResult, error) {
	if s.LabResults == nil {
		return nil, nil
	}
	return s.LabResults(ctx, userID, examID)
}

// New returns a service with FSRS at the given desired retention.
func New(store certlab.Store, study certlab.StudyStore, catalog *certlab.Catalog, now func() time.Time, retention float64) (*Service, error) {
	p := srs.DefaultParams()
	if retention > 0 {
		p.DesiredRetention = retention
	}
	// Practice is reviewed in days; learning steps of minutes make no sense here.
	p.ShortTerm = false
	sch, err := srs.NewScheduler(p)
	if err != nil {
		return nil, err
	}
	return &Service{Store: store, Study: study, Catalog: catalog, Now: now, Scheduler: sch}, nil
}

// Model is the IRT view of an exam's bank: calibrated parameters where they
// exist, provisional ones from the authors' difficulty estimates elsewhere.
type Model struct {
	Exam       *certlab.Exam
	Domains    []string
	Items      map[string]cat.Item
	Calibrated int // items with calibrated parameters
}

// ProvisionalParams maps an author's difficulty estimate (1..5) to 2PL
// parameters with the kind's guessing floor (one in n for single choice,
// one in two for a yes/no statement): b from -1.5 to
// 1.5, a = 1. They stand in until certlab calibrate has enough responses.
func ProvisionalParams(it *certlab.Item) (a, b, c float64) {
	b = (float64(it.Difficulty) - 3) * 0.75
	return 1, b, item.Of(it).Guess(it)
}

// Model returns the exam's item model.
func (s *Service) Model(ctx context.Context, ex *certlab.Exam) (*Model, error) {
	stored, err := s.Study.ItemParams(ctx, ex.ID)
	if err != nil {
		return nil, err
	}
	o := ex.Current()
	m := &Model{Exam: ex, Items: map[string]cat.Item{}}
	index := map[string]int{}
	for i, d := range o.Domains {
		m.Domains = append(m.Domains, d.Name)
		index[d.ID] = i
	}
	for _, it := range ex.Items {
		d, ok := o.Domain(it.Objective(o.Version))
		if !ok {
			continue
		}
		a, b, c := ProvisionalParams(it)
		if p, ok := stored[it.ID]; ok && p.A > 0 {
			a, b, c = p.A, p.B, p.C
			m.Calibrated++
		}
		m.Items[it.ID] = cat.Item{A: a, B: b, C: c, Domain: index[d.ID]}
	}
	return m, nil
}

// practiceResults are the user's results on the exam's practice-pool
// items, oldest first. Study guidance (readiness, reviews) is built from
// them alone: nothing of the secure exam pool feeds back to a candidate.
func (s *Service) practiceResults(ctx context.Context, ex *certlab.Exam, userID int64) ([]certlab.Result, error) {
	all, err := s.Study.Results(ctx, userID, ex.ID)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, r := range all {
		if it, ok := ex.Item(r.ItemID); ok && it.Pool == certlab.PoolPractice {
			out = append(out, r)
		}
	}
	return out, nil
}

// CutTheta is the ability whose expected share of points on a typical
// form equals the exam's cut percentage: the point mapped to the passing
// score. It is found by bisection on the test characteristic curve.
func (m *Model) CutTheta(form []cat.Item) float64 {
	target := m.Exam.Policy.CutPercent / 100
	lo, hi := -6.0, 6.0
	for i := 0; i < 60; i++ {
		mid := (lo + hi) / 2
		sum := 0.0
		for _, it := range form {
			sum += cat.Prob(mid, it)
		}
		if sum/float64(len(form)) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// Readiness is a candidate's readiness for one exam.
type Readiness struct {
	Exam            string            `json:"exam"`
	Theta           float64           `json:"theta"`
	SE              float64           `json:"se"`
	Low             float64           `json:"low"`
	High            float64           `json:"high"`
	CutTheta        float64           `json:"cut_theta"`
	PassProbability float64           `json:"pass_probability"`
	Answers         int               `json:"answers"`
	Domains         []DomainReadiness `json:"domains"`
	Provisional     bool              `json:"provisional"` // item parameters not (all) calibrated yet
	DueItems        int               `json:"due_items"`
	DueObjectives   []string          `json:"due_objectives"`
	// DueLabs are the practice labs due for another go today.
	DueLabs []string `json:"due_labs"`
	// LabTasks counts the lab tasks among the answers.
	LabTasks int `json:"lab_tasks"`
}

// DomainReadiness is readiness in one skill area.
type DomainReadiness struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Theta    float64 `json:"theta"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	AboveCut float64 `json:"above_cut"`
	Answers  int     `json:"answers"`
}

// Readiness estimates the user's ability overall and per domain from the
// latest result on each practice-pool item they answered, and
// the probability of passing a real form of the exam.
func (s *Service) Readiness(ctx context.Context, u *certlab.User, examID string) (*Readiness, error) {
	ex, err := s.Catalog.Exam(examID)
	if err != nil {
		return nil, err
	}
	m, err := s.Model(ctx, ex)
	if err != nil {
		return nil, err
	}
	form, err := representativeForm(ex)
	if err != nil {
		return nil, err
	}
	var formItems []cat.Item
	for _, id := range form {
		if it, ok := m.Items[id]; ok {
			formItems = append(formItems, it)
		}
	}
	cut := m.CutTheta(formItems)
	tr, err := readiness.NewTracker(readiness.Exam{CutTheta: cut, Form: formItems}, m.Domains, cat.Normal{})
	if err != nil {
		return nil, err
	}
	results, err := s.practiceResults(ctx, ex, u.ID)
	if err != nil {
		return nil, err
	}
	latest := map[string]certlab.Result{}
	for _, r := range results {
		latest[r.ItemID] = r // results come oldest first
	}
	ids := make([]string, 0, len(latest))
	for id := range latest {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if it, ok := m.Items[id]; ok {
			if err := tr.Record(it, latest[id].Correct()); err != nil {
				return nil, err
			}
		}
	}
	// Each task of the latest graded submission of each practice lab is
	// one answer at the lab's difficulty, in the domain of its objective.
	labs, err := s.labResults(ctx, u.ID, examID)
	if err != nil {
		return nil, err
	}
	latestLab := map[string]LabResult{}
	for _, lr := range labs {
		latestLab[lr.LabID] = lr
	}
	labIDs := make([]string, 0, len(latestLab))
	for id := range latestLab {
		labIDs = append(labIDs, id)
	}
	sort.Strings(labIDs)
	domainIndex := map[string]int{}
	for i, d := range ex.Current().Domains {
		domainIndex[d.ID] = i
	}
	labTasks := 0
	for _, id := range labIDs {
		lr := latestLab[id]
		d, ok := ex.Current().Domain(lr.Objective)
		if !ok {
			continue
		}
		li := cat.Item{A: 1, B: (float64(lr.Difficulty) - 3) * 0.75, Domain: domainIndex[d.ID]}
		for _, passed := range lr.Tasks {
			if err := tr.Record(li, passed); err != nil {
				return nil, err
			}
			labTasks++
		}
	}
	rep := tr.Report()
	out := &Readiness{Exam: examID, Theta: round(rep.Overall.Theta), SE: round(rep.Overall.SE), Low: round(rep.Overall.Low), High: round(rep.Overall.High),
		CutTheta: round(cut), PassProbability: round(rep.PassProbability), Answers: rep.Overall.Responses, Provisional: m.Calibrated < len(m.Items)}
	for i, d := range ex.Current().Domains {
		de := rep.Domains[i]
		out.Domains = append(out.Domains, DomainReadiness{ID: d.ID, Name: d.Name, Theta: round(de.Theta), Low: round(de.Low), High: round(de.High), AboveCut: round(de.AboveCut), Answers: de.Responses})
	}
	due, err := s.due(ex, results, labs)
	if err != nil {
		return nil, err
	}
	out.DueItems = len(due.items)
	out.DueObjectives = due.objectives
	out.DueLabs = due.labs
	out.LabTasks = labTasks
	return out, nil
}

type dueSet struct {
	items      []string
	objectives []string
	labs       []string
}

// due replays the results through FSRS: one card per item answered (rated
// by correctness), one per practice lab submitted (rated by the share of
// points) and one per objective (rated by the share of points on it in
// each attempt and each lab submission), and returns those due by the end
// of today.
func (s *Service) due(ex *certlab.Exam, results []certlab.Result, labs []LabResult) (dueSet, error) {
	o := ex.Current()
	now := s.Now()
	endOfDay := s.Scheduler.EndOfDay(now)
	items := map[string]srs.Card{}
	type objAttempt struct {
		obj     string
		attempt int64
	}
	objScore := map[objAttempt][2]float64{}
	var objOrder []objAttempt
	objAt := map[objAttempt]time.Time{}
	for _, r := range results {
		it, ok := ex.Item(r.ItemID)
		if !ok {
			continue
		}
		card, seen := items[r.ItemID]
		if !seen {
			card = srs.NewCard(r.At)
		}
		var err error
		if card, _, err = s.Scheduler.Review(card, srs.RatingForAnswer(r.Correct(), false, false), r.At); err != nil {
			return dueSet{}, fmt.Errorf("review item %s: %w", r.ItemID, err)
		}
		items[r.ItemID] = card
		k := objAttempt{it.Objective(o.Version), r.AttemptID}
		if _, ok := objScore[k]; !ok {
			objOrder = append(objOrder, k)
			objAt[k] = r.At
		}
		sc := objScore[k]
		objScore[k] = [2]float64{sc[0] + r.Points, sc[1] + r.MaxPoints}
	}
	labCards := map[string]srs.Card{}
	for _, lr := range labs {
		frac := 0.0
		if lr.MaxPoints > 0 {
			frac = lr.Points / lr.MaxPoints
		}
		card, seen := labCards[lr.LabID]
		if !seen {
			card = srs.NewCard(lr.At)
		}
		var err error
		if card, _, err = s.Scheduler.Review(card, srs.RatingForScore(frac), lr.At); err != nil {
			return dueSet{}, fmt.Errorf("review lab %s: %w", lr.LabID, err)
		}
		labCards[lr.LabID] = card
		// A lab submission is one review of its objective, keyed apart
		// from attempts by a negative id.
		k := objAttempt{lr.Objective, -lr.Submission}
		objOrder = append(objOrder, k)
		objAt[k] = lr.At
		objScore[k] = [2]float64{lr.Points, lr.MaxPoints}
	}
	sort.SliceStable(objOrder, func(i, j int) bool { return objAt[objOrder[i]].Before(objAt[objOrder[j]]) })
	objs := map[string]srs.Card{}
	for _, k := range objOrder {
		card, seen := objs[k.obj]
		if !seen {
			card = srs.NewCard(objAt[k])
		}
		sc := objScore[k]
		frac := 0.0
		if sc[1] > 0 {
			frac = sc[0] / sc[1]
		}
		var err error
		if card, _, err = s.Scheduler.Review(card, srs.RatingForScore(frac), objAt[k]); err != nil {
			return dueSet{}, fmt.Errorf("review objective %s: %w", k.obj, err)
		}
		objs[k.obj] = card
	}
	var d dueSet
	for id, c := range items {
		if c.Due.Before(endOfDay) {
			d.items = append(d.items, id)
		}
	}
	for id, c := range objs {
		if c.Due.Before(endOfDay) {
			d.objectives = append(d.objectives, id)
		}
	}
	for id, c := range labCards {
		if c.Due.Before(endOfDay) {
			d.labs = append(d.labs, id)
		}
	}
	sort.Strings(d.items)
	sort.Strings(d.objectives)
	sort.Strings(d.labs)
	return d, nil
}

// DueItems returns the items to review today: items due themselves, and
// items of objectives due today that the user has not mastered.
func (s *Service) DueItems(ctx context.Context, userID int64, examID string) ([]string, error) {
	ex, err := s.Catalog.Exam(examID)
	if err != nil {
		return nil, err
	}
	results, err := s.practiceResults(ctx, ex, userID)
	if err != nil {
		return nil, err
	}
	labs, err := s.labResults(ctx, userID, examID)
	if err != nil {
		return nil, err
	}
	d, err := s.due(ex, results, labs)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, id := range d.items {
		set[id] = true
	}
	lastCorrect := map[string]bool{}
	for _, r := range results {
		lastCorrect[r.ItemID] = r.Correct()
	}
	o := ex.Current()
	for _, obj := range d.objectives {
		for _, it := range ex.Items {
			if it.Pool == certlab.PoolPractice && it.Objective(o.Version) == obj && !lastCorrect[it.ID] {
				set[it.ID] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out, nil
}

// NextAdaptive chooses the next item of an adaptive practice attempt by
// maximum information at the current ability estimate (replayed from the
// attempt's answers), balanced to the blueprint weights, with randomesque
// exposure control. It returns "" when the set is complete.
func (s *Service) NextAdaptive(ctx context.Context, a *certlab.Attempt, responses map[string]bool) (string, error) {
	ex, err := s.Catalog.Exam(a.ExamID)
	if err != nil {
		return "", err
	}
	m, err := s.Model(ctx, ex)
	if err != nil {
		return "", err
	}
	retired, err := s.Store.RetiredItems(ctx)
	if err != nil {
		return "", err
	}
	// The adaptive bank: standalone, dichotomously usable items, not retired.
	var ids []string
	for _, it := range ex.Items {
		if _, ok := m.Items[it.ID]; ok && it.Pool == certlab.PoolPractice && it.CaseID == "" && !it.Pilot && item.Of(it).Section() == certlab.SectionGeneral &&
			!retired[certlab.ItemRef{ExamID: it.ExamID, ItemID: it.ID}] {
			ids = append(ids, it.ID)
		}
	}
	sort.Strings(ids)
	items := make([]cat.Item, len(ids))
	index := map[string]int{}
	for i, id := range ids {
		items[i] = m.Items[id]
		index[id] = i
	}
	bank, err := cat.NewBank(items, len(m.Domains))
	if err != nil {
		return "", err
	}
	var weights []float64
	for _, d := range ex.Current().Domains {
		weights = append(weights, float64(d.WeightMin+d.WeightMax)/2)
	}
	cfg := cat.Config{MaxLength: a.Form.Adaptive, TargetSE: 0, Blueprint: weights, Randomesque: 3}
	rng := rand.New(rand.NewPCG(uint64(a.Seed), uint64(len(a.Form.Questions()))))
	sess, err := cat.NewSession(bank, cfg, rng)
	if err != nil {
		return "", err
	}
	for _, q := range a.Form.Questions() {
		i, ok := index[q.ItemID]
		if !ok {
			continue
		}
		if correct, answered := responses[q.Key]; answered {
			if err := sess.Record(i, correct); err != nil {
				return "", err
			}
		} else if err := sess.Exclude(i); err != nil {
			return "", err
		}
	}
	next, ok := sess.Next()
	if !ok {
		return "", nil
	}
	return ids[next], nil
}

// round keeps JSON figures readable.
func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// ScaleIRT scores an exam form on the ability scale: the EAP ability from
// the scored questions (a question counts as correct when it earned all its
// points), mapped to 1–1000 with the cut ability at 700 (irt.Scale). The cut
// ability is where the form's expected share of points equals the policy's
// cut percentage. It reports ok = false unless every scored item of the
// form is calibrated.
func (s *Service) ScaleIRT(ctx context.Context, ex *certlab.Exam, f *certlab.Form, responses map[string]json.RawMessage) (int, float64, bool, error) {
	m, err := s.Model(ctx, ex)
	if err != nil {
		return 0, 0, false, err
	}
	stored, err := s.Study.ItemParams(ctx, ex.ID)
	if err != nil {
		return 0, 0, false, err
	}
	post, err := cat.NewPosterior(cat.Normal{Mean: 0, SD: 1}, 0)
	if err != nil {
		return 0, 0, false, err
	}
	var form []cat.Item
	for _, q := range f.Questions() {
		if q.Pilot {
			continue
		}
		p, ok := stored[q.ItemID]
		it, found := ex.Item(q.ItemID)
		if !ok || p.A <= 0 || !found {
			return 0, 0, false, nil
		}
		ci := m.Items[q.ItemID]
		form = append(form, ci)
		v := responses[q.Key]
		post.Update(ci, item.Score(it, q.Statement, v) == item.MaxPoints(it, q.Statement))
	}
	if len(form) == 0 {
		return 0, 0, false, nil
	}
	theta, _ := post.EAP()
	scale, err := irt.NewScale(m.CutTheta(form))
	if err != nil {
		return 0, 0, false, err
	}
	return scale.ScaledScore(theta), theta, true, nil
}

// representativeForms caches, by exam, the scored items of the form
// readiness measures against (seed 1 of the exam pool): the catalog does
// not change while the server runs, so the form never does.
var representativeForms sync.Map

func representativeForm(ex *certlab.Exam) ([]string, error) {
	if ids, ok := representativeForms.Load(ex); ok {
		return ids.([]string), nil
	}
	form, err := exam.AssembleForm(ex, certlab.PoolExam, 1)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, q := range form.Questions() {
		if !q.Pilot {
			ids = append(ids, q.ItemID)
		}
	}
	representativeForms.Store(ex, ids)
	return ids, nil
}

// LabResult is a graded practice lab submission as study counts it: one
// review of the lab and one of its objective (rated by the share of
// points), and one answer per task graded on the server for readiness, at
// the lab's difficulty.
type LabResult struct {
	Submission int64
	LabID      string
	Objective  string // the lab's first objective in the exam's current outline
	Difficulty int
	Points     float64
	MaxPoints  float64
	Tasks      []bool // per task graded on the server: every graded check passed
	At         time.Time
}
