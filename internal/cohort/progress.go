package cohort

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
)

// Work states of an assignment for one member.
const (
	WorkNotStarted = "not started"
	WorkStarted    = "started"
	WorkCompleted  = "completed"
)

// MemberProgress is what an instructor sees of one member: readiness by
// domain, practice activity, assignments and the last sitting's score
// and result. Nothing in it names an item.
type MemberProgress struct {
	UserID   int64     `json:"user_id"`
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	JoinedAt time.Time `json:"joined_at"`
	// PassProbability and Domains come from the readiness estimate
	// (practice-pool answers only); Answers is how many it rests on.
	PassProbability *float64         `json:"pass_probability,omitempty"`
	Answers         int              `json:"answers"`
	Domains         []DomainProgress `json:"domains"`
	// Practice activity on the cohort's exam.
	PracticeSets  int        `json:"practice_sets"`
	AnsweredWeek  int        `json:"answered_last_7_days"`
	LastPracticed *time.Time `json:"last_practiced,omitempty"`
	// Assignments by id: not started, started or completed.
	Work      map[int64]string `json:"work"`
	Completed int              `json:"assignments_completed"`
	// ModulesRead counts the module assignments completed.
	ModulesRead int          `json:"modules_read"`
	LastSitting *SittingInfo `json:"last_sitting,omitempty"`
}

// DomainProgress is readiness in one skill area.
type DomainProgress struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	AboveCut float64 `json:"above_cut"` // probability the ability is above the passing level
	Answers  int     `json:"answers"`
}

// SittingInfo is the result of a sitting: score and pass or fail only.
type SittingInfo struct {
	At          time.Time `json:"at"`
	Status      string    `json:"status"`
	ScaledScore *int      `json:"scaled_score,omitempty"`
	Passed      *bool     `json:"passed,omitempty"`
}

// Overview is a cohort with its assignments and members' progress.
type Overview struct {
	Cohort      *certlab.Cohort       `json:"cohort"`
	ExamTitle   string                `json:"exam_title"`
	Ended       bool                  `json:"ended"`
	Assignments []*certlab.Assignment `json:"assignments"`
	Members     []*MemberProgress     `json:"members"`
}

// Overview returns the cohort with every member's progress.
func (s *Service) Overview(ctx context.Context, u *certlab.User, id int64) (*Overview, error) {
	c, err := s.Cohort(ctx, u, id)
	if err != nil {
		return nil, err
	}
	ex, err := s.cfg.Catalog.Exam(c.ExamID)
	if err != nil {
		return nil, err
	}
	o := &Overview{Cohort: c, ExamTitle: ex.Title, Ended: c.Ended(s.now())}
	if o.Assignments, err = s.cfg.Store.Assignments(ctx, c.ID); err != nil {
		return nil, err
	}
	members, err := s.cfg.Store.CohortMembers(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	work, err := s.cfg.Store.CohortWork(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	byUser := map[int64][]*certlab.AssignmentWork{}
	for _, w := range work {
		byUser[w.UserID] = append(byUser[w.UserID], w)
	}
	for _, m := range members {
		mu, err := s.cfg.Store.User(ctx, m.UserID)
		if err != nil {
			return nil, err
		}
		p, err := s.progress(ctx, ex, mu, o.Assignments, byUser[m.UserID])
		if err != nil {
			return nil, err
		}
		p.JoinedAt = m.JoinedAt
		o.Members = append(o.Members, p)
	}
	return o, nil
}

// progress gathers one member's progress.
func (s *Service) progress(ctx context.Context, ex *certlab.Exam, u *certlab.User, as []*certlab.Assignment, work []*certlab.AssignmentWork) (*MemberProgress, error) {
	p := &MemberProgress{UserID: u.ID, Name: u.Name, Email: u.Email, Work: map[int64]string{}}
	states, err := s.workStates(ctx, u.ID, work)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		st := states[a.ID]
		if st == "" {
			st = WorkNotStarted
		}
		p.Work[a.ID] = st
		if st == WorkCompleted {
			p.Completed++
			if a.Kind == certlab.AssignModule {
				p.ModulesRead++
			}
		}
	}
	if s.cfg.Readiness != nil {
		r, err := s.cfg.Readiness.Readiness(ctx, u, ex.ID)
		if err != nil {
			return nil, err
		}
		p.Answers = r.Answers
		if r.Answers > 0 {
			pp := r.PassProbability
			p.PassProbability = &pp
		}
		for _, d := range r.Domains {
			p.Domains = append(p.Domains, DomainProgress{ID: d.ID, Name: d.Name, AboveCut: d.AboveCut, Answers: d.Answers})
		}
	}
	attempts, err := s.cfg.Store.Attempts(ctx, certlab.AttemptFilter{UserID: &u.ID, ExamID: ex.ID})
	if err != nil {
		return nil, err
	}
	for _, a := range attempts { // newest first
		switch a.Mode {
		case certlab.ModePractice:
			p.PracticeSets++
		case certlab.ModeExam:
			if p.LastSitting == nil && a.Status != certlab.StatusCreated {
				p.LastSitting = sitting(a)
			}
		}
	}
	results, err := s.cfg.Study.Results(ctx, u.ID, ex.ID)
	if err != nil {
		return nil, err
	}
	practice := map[int64]bool{}
	for _, a := range attempts {
		practice[a.ID] = a.Mode == certlab.ModePractice
	}
	week := s.now().Add(-7 * 24 * time.Hour)
	for _, r := range results {
		if !practice[r.AttemptID] {
			continue
		}
		if r.At.After(week) {
			p.AnsweredWeek++
		}
		if p.LastPracticed == nil || r.At.After(*p.LastPracticed) {
			at := r.At
			p.LastPracticed = &at
		}
	}
	return p, nil
}

// sitting is an exam attempt's outcome: score and pass or fail, or its
// state while it is not scored.
func sitting(a *certlab.Attempt) *SittingInfo {
	si := &SittingInfo{At: a.CreatedAt, Status: a.Status}
	if a.SubmittedAt != nil {
		si.At = *a.SubmittedAt
	} else if a.StartedAt != nil {
		si.At = *a.StartedAt
	}
	if a.Status == certlab.StatusScored && a.Report != nil {
		score, passed := a.Report.ScaledScore, a.Report.Passed
		si.ScaledScore, si.Passed = &score, &passed
	}
	return si
}

// workStates reads the state of each of a member's assignments; a
// practice set started from an assignment is completed when its attempt
// is scored (recorded then, at its submission time).
func (s *Service) workStates(ctx context.Context, userID int64, work []*certlab.AssignmentWork) (map[int64]string, error) {
	out := map[int64]string{}
	for _, w := range work {
		switch {
		case w.CompletedAt != nil:
			out[w.AssignmentID] = WorkCompleted
		case w.AttemptID != nil:
			a, err := s.cfg.Store.Attempt(ctx, *w.AttemptID)
			if err != nil {
				return nil, err
			}
			if a.Status != certlab.StatusScored {
				out[w.AssignmentID] = WorkStarted
				break
			}
			at := s.now()
			if a.SubmittedAt != nil {
				at = *a.SubmittedAt
			}
			if _, err := s.cfg.Store.CompleteWork(ctx, w.AssignmentID, userID, at); err != nil && certlab.ErrorCode(err) != certlab.ECONFLICT {
				return nil, err
			}
			out[w.AssignmentID] = WorkCompleted
		default:
			out[w.AssignmentID] = WorkStarted
		}
	}
	return out, nil
}

// CSV writes the cohort's progress as comma-separated values: one row per
// member. Cells that a spreadsheet would read as a formula are prefixed
// with an apostrophe.
func (s *Service) CSV(ctx context.Context, u *certlab.User, id int64) ([]byte, error) {
	o, err := s.Overview(ctx, u, id)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := []string{"name", "email", "joined", "pass_probability", "answers"}
	ex, _ := s.cfg.Catalog.Exam(o.Cohort.ExamID)
	var domains []*certlab.Domain
	if ex != nil {
		domains = ex.Current().Domains
	}
	for _, d := range domains {
		head = append(head, "readiness_"+d.ID)
	}
	head = append(head, "practice_sets", "answered_last_7_days", "last_practiced", "assignments_completed", "assignments", "modules_read",
		"last_sitting", "last_sitting_score", "last_sitting_passed")
	w.Write(head)
	for _, m := range o.Members {
		row := []string{safeCell(m.Name), safeCell(m.Email), m.JoinedAt.Format(time.RFC3339), optFloat(m.PassProbability), strconv.Itoa(m.Answers)}
		for _, d := range domains {
			v := ""
			for _, dp := range m.Domains {
				if dp.ID == d.ID && dp.Answers > 0 {
					v = strconv.FormatFloat(dp.AboveCut, 'f', 3, 64)
				}
			}
			row = append(row, v)
		}
		last := ""
		if m.LastPracticed != nil {
			last = m.LastPracticed.Format(time.RFC3339)
		}
		row = append(row, strconv.Itoa(m.PracticeSets), strconv.Itoa(m.AnsweredWeek), last, strconv.Itoa(m.Completed), strconv.Itoa(len(o.Assignments)), strconv.Itoa(m.ModulesRead))
		if si := m.LastSitting; si != nil {
			score, passed := "", ""
			if si.ScaledScore != nil {
				score, passed = strconv.Itoa(*si.ScaledScore), strconv.FormatBool(*si.Passed)
			}
			row = append(row, si.At.Format(time.RFC3339)+" "+si.Status, score, passed)
		} else {
			row = append(row, "", "", "")
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write cohort %d as CSV: %w", id, err)
	}
	if err := s.cfg.Audit.Record(ctx, u, "cohort.export", Target(id), "CSV of %d members", len(o.Members)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func optFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 3, 64)
}

// safeCell keeps a spreadsheet from reading a value as a formula.
func safeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// Membership is a cohort as one of its members sees it.
type Membership struct {
	Cohort      *certlab.Cohort `json:"cohort"`
	ExamTitle   string          `json:"exam_title"`
	Instructor  string          `json:"instructor"`
	Ended       bool            `json:"ended"`
	Assignments []*Task         `json:"assignments"`
}

// Task is an assignment as a member sees it, with their state.
type Task struct {
	*certlab.Assignment
	CohortName string `json:"cohort_name"`
	State      string `json:"state"`
	Overdue    bool   `json:"overdue"`
	// AttemptID is the practice set started from it.
	AttemptID *int64 `json:"attempt_id,omitempty"`
}

// Mine lists the cohorts the user is in, with their assignments.
func (s *Service) Mine(ctx context.Context, u *certlab.User) ([]*Membership, error) {
	if err := signedIn(u); err != nil {
		return nil, err
	}
	cs, err := s.cfg.Store.UserCohorts(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	work, err := s.cfg.Store.UserWork(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	states, err := s.workStates(ctx, u.ID, work)
	if err != nil {
		return nil, err
	}
	attempt := map[int64]*int64{}
	for _, w := range work {
		attempt[w.AssignmentID] = w.AttemptID
	}
	now := s.now()
	var out []*Membership
	for _, c := range cs {
		m := &Membership{Cohort: c, Ended: c.Ended(now), Assignments: []*Task{}}
		if ex, err := s.cfg.Catalog.Exam(c.ExamID); err == nil {
			m.ExamTitle = ex.Title
		}
		if inst, err := s.cfg.Store.User(ctx, c.InstructorID); err == nil {
			m.Instructor = inst.Name
			if m.Instructor == "" {
				m.Instructor = "your instructor"
			}
		}
		as, err := s.cfg.Store.Assignments(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			t := &Task{Assignment: a, CohortName: c.Name, State: states[a.ID], AttemptID: attempt[a.ID]}
			if t.State == "" {
				t.State = WorkNotStarted
			}
			t.Overdue = t.State != WorkCompleted && now.After(a.DueAt)
			m.Assignments = append(m.Assignments, t)
		}
		out = append(out, m)
	}
	return out, nil
}

// Tasks lists the user's assignments of cohorts that have not ended and
// are not completed, by due date: what the dashboard shows.
func (s *Service) Tasks(ctx context.Context, u *certlab.User) ([]*Task, error) {
	ms, err := s.Mine(ctx, u)
	if err != nil {
		return nil, err
	}
	var out []*Task
	for _, m := range ms {
		if m.Ended {
			continue
		}
		for _, t := range m.Assignments {
			if t.State != WorkCompleted {
				out = append(out, t)
			}
		}
	}
	as := make([]*certlab.Assignment, len(out))
	for i, t := range out {
		as[i] = t.Assignment
	}
	byID := map[*certlab.Assignment]*Task{}
	for _, t := range out {
		byID[t.Assignment] = t
	}
	sortAssignments(as)
	for i, a := range as {
		out[i] = byID[a]
	}
	return out, nil
}

// Join adds the user to the cohort with the code.
func (s *Service) Join(ctx context.Context, u *certlab.User, code string) (*certlab.Cohort, error) {
	if err := signedIn(u); err != nil {
		return nil, err
	}
	code = NormalizeCode(code)
	if code == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "enter the cohort's code")
	}
	if len(code) != CodeLength || strings.Trim(code, codeAlphabet) != "" {
		return nil, certlab.Errorf(certlab.EINVALID, "%q is not a cohort code: codes are %d letters and digits", code, CodeLength)
	}
	c, err := s.cfg.Store.CohortByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if c.InstructorID == u.ID {
		return nil, certlab.Errorf(certlab.ECONFLICT, "you lead cohort %q: instructors do not join their own cohorts", c.Name)
	}
	if err := s.open(c); err != nil {
		return nil, err
	}
	if err := s.cfg.Store.JoinCohort(ctx, &certlab.CohortMember{CohortID: c.ID, UserID: u.ID, JoinedAt: s.now()}); err != nil {
		if certlab.ErrorCode(err) == certlab.ECONFLICT {
			return nil, certlab.Errorf(certlab.ECONFLICT, "you are already in cohort %q", c.Name)
		}
		return nil, err
	}
	return c, nil
}

// Leave takes the user out of a cohort they are in.
func (s *Service) Leave(ctx context.Context, u *certlab.User, cohortID int64) error {
	if err := signedIn(u); err != nil {
		return err
	}
	if err := s.cfg.Store.LeaveCohort(ctx, cohortID, u.ID); err != nil {
		if certlab.ErrorCode(err) == certlab.ENOTFOUND {
			return certlab.Errorf(certlab.ENOTFOUND, "you are not in cohort %d", cohortID)
		}
		return err
	}
	return nil
}

// task finds an assignment of a cohort the user is in.
func (s *Service) task(ctx context.Context, u *certlab.User, assignmentID int64) (*certlab.Assignment, *certlab.Cohort, error) {
	if err := signedIn(u); err != nil {
		return nil, nil, err
	}
	a, err := s.cfg.Store.Assignment(ctx, assignmentID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.cfg.Store.Cohort(ctx, a.CohortID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.member(ctx, c, u.ID); err != nil {
		return nil, nil, certlab.Errorf(certlab.ENOTFOUND, "assignment %d not found", assignmentID)
	}
	return a, c, nil
}

// Start begins an assignment: a module is marked started (its page is
// the next stop); a practice set is created and started as a practice
// attempt, which completes the assignment when it is scored.
func (s *Service) Start(ctx context.Context, u *certlab.User, assignmentID int64) (*certlab.Assignment, *certlab.Attempt, error) {
	a, c, err := s.task(ctx, u, assignmentID)
	if err != nil {
		return nil, nil, err
	}
	w := &certlab.AssignmentWork{AssignmentID: a.ID, UserID: u.ID, StartedAt: s.now()}
	var at *certlab.Attempt
	if a.Kind == certlab.AssignPractice {
		opts := exam.PracticeOptions{Count: a.Count}
		if a.Domain != "" {
			opts.Domains = []string{a.Domain}
		}
		if at, err = s.cfg.Engine.CreateAttempt(ctx, u, c.ExamID, certlab.ModePractice, opts); err != nil {
			return nil, nil, err
		}
		if at, err = s.cfg.Engine.Start(ctx, u, at.ID, false); err != nil {
			return nil, nil, err
		}
		w.AttemptID = &at.ID
	}
	if err := s.cfg.Store.StartWork(ctx, w); err != nil {
		return nil, nil, err
	}
	return a, at, nil
}

// CompleteModule marks a module assignment read.
func (s *Service) CompleteModule(ctx context.Context, u *certlab.User, assignmentID int64) (*certlab.AssignmentWork, error) {
	a, _, err := s.task(ctx, u, assignmentID)
	if err != nil {
		return nil, err
	}
	if a.Kind != certlab.AssignModule {
		return nil, certlab.Errorf(certlab.EINVALID, "assignment %d is a practice set: it is completed by finishing the set", a.ID)
	}
	return s.cfg.Store.CompleteWork(ctx, a.ID, u.ID, s.now())
}
