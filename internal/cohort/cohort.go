// Package cohort is instructor-led training: instructors run cohorts of
// candidates preparing for one exam (joined with a code until the cohort
// ends), follow each member's readiness by domain, practice activity,
// assignments and last sitting result (score and pass or fail only, never
// an exam-pool item), and assign modules and practice sets with due dates;
// candidates join, see their assignments and leave. Every instructor
// action goes to the audit log.
package cohort

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/study"
)

// Config holds what the service needs; internal/app wires it.
type Config struct {
	Store   certlab.Store
	Study   certlab.StudyStore
	Catalog *certlab.Catalog
	Engine  *exam.Engine
	// Readiness estimates a member's readiness (internal/study); nil
	// leaves it out.
	Readiness *study.Service
	Audit     *audit.Log
	Now       func() time.Time
	Logger    *slog.Logger
}

// Service runs cohorts. Create it with New.
type Service struct{ cfg Config }

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Study == nil || cfg.Catalog == nil || cfg.Engine == nil || cfg.Audit == nil {
		return nil, fmt.Errorf("cohort: Store, Study, Catalog, Engine and Audit are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg}, nil
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// instructor refuses everyone but instructors and admins.
func instructor(u *certlab.User) error {
	if u == nil {
		return certlab.Errorf(certlab.EUNAUTHORIZED, "sign in first")
	}
	return certlab.RequireRole(u, certlab.RoleInstructor, certlab.RoleAdmin)
}

func signedIn(u *certlab.User) error {
	if u == nil {
		return certlab.Errorf(certlab.EUNAUTHORIZED, "sign in first")
	}
	return nil
}

// Target names a cohort in the audit log.
func Target(id int64) string { return audit.Target("cohort", id) }

// codeAlphabet has no letters or digits that are easily confused (0/O,
// 1/I/L), so a code read aloud in a classroom is typed right.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeLength is the length of a join code: 31^8 ≈ 8.5e11 codes.
const CodeLength = 8

func newCode() string {
	b := make([]byte, CodeLength)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NormalizeCode reads a code as people type it: any case, with spaces or
// dashes.
func NormalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(code))
}

// CreateRequest creates a cohort.
type CreateRequest struct {
	Name   string    `json:"name"`
	Exam   string    `json:"exam"`
	EndsAt time.Time `json:"ends_at"`
}

// maxCohortLife bounds a cohort's end date.
const maxCohortLife = 2 * 366 * 24 * time.Hour

// Create creates a cohort with a new join code.
func (s *Service) Create(ctx context.Context, u *certlab.User, req CreateRequest) (*certlab.Cohort, error) {
	if err := instructor(u); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(req.Name)
	if name == "" || utf8.RuneCountInString(name) > 120 {
		return nil, certlab.Errorf(certlab.EINVALID, "a cohort needs a name of 1 to 120 characters")
	}
	ex, err := s.cfg.Catalog.Exam(req.Exam)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !req.EndsAt.After(now) {
		return nil, certlab.Errorf(certlab.EINVALID, "the end date %s is not in the future", req.EndsAt.UTC().Format("2006-01-02"))
	}
	if req.EndsAt.Sub(now) > maxCohortLife {
		return nil, certlab.Errorf(certlab.EINVALID, "the end date %s is more than two years away", req.EndsAt.UTC().Format("2006-01-02"))
	}
	c := &certlab.Cohort{Name: name, ExamID: ex.ID, InstructorID: u.ID, EndsAt: req.EndsAt.UTC(), CreatedAt: now}
	for try := 0; ; try++ {
		c.Code = newCode()
		err = s.cfg.Store.CreateCohort(ctx, c)
		if certlab.ErrorCode(err) != certlab.ECONFLICT || try == 4 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Audit.Record(ctx, u, "cohort.create", Target(c.ID), "%q for %s, ends %s", c.Name, c.ExamID, c.EndsAt.Format("2006-01-02")); err != nil {
		return nil, err
	}
	return c, nil
}

// Cohorts lists the instructor's cohorts (all of them for an admin).
func (s *Service) Cohorts(ctx context.Context, u *certlab.User) ([]*certlab.Cohort, error) {
	if err := instructor(u); err != nil {
		return nil, err
	}
	if u.Role == certlab.RoleAdmin {
		return s.cfg.Store.Cohorts(ctx, 0)
	}
	return s.cfg.Store.Cohorts(ctx, u.ID)
}

// Cohort returns one of the instructor's cohorts; another instructor's
// is not found.
func (s *Service) Cohort(ctx context.Context, u *certlab.User, id int64) (*certlab.Cohort, error) {
	if err := instructor(u); err != nil {
		return nil, err
	}
	c, err := s.cfg.Store.Cohort(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.InstructorID != u.ID && u.Role != certlab.RoleAdmin {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "cohort %d not found", id)
	}
	return c, nil
}

// open refuses changes to a cohort that has ended.
func (s *Service) open(c *certlab.Cohort) error {
	if c.Ended(s.now()) {
		return certlab.Errorf(certlab.ECONFLICT, "cohort %q ended on %s: it takes no new members or assignments", c.Name, c.EndsAt.Format("2006-01-02"))
	}
	return nil
}

// AssignRequest assigns a module or a practice set to a cohort.
type AssignRequest struct {
	Kind string `json:"kind"` // module or practice
	// Module is the module id of a module assignment (of the program of
	// the cohort's exam).
	Module string `json:"module,omitempty"`
	// Domain (optional) and Count choose a practice set.
	Domain string    `json:"domain,omitempty"`
	Count  int       `json:"count,omitempty"`
	DueAt  time.Time `json:"due_at"`
}

// Assign gives the cohort a module to read or a practice set to complete
// by a due date; it appears on every member's dashboard.
func (s *Service) Assign(ctx context.Context, u *certlab.User, cohortID int64, req AssignRequest) (*certlab.Assignment, error) {
	c, err := s.Cohort(ctx, u, cohortID)
	if err != nil {
		return nil, err
	}
	if err := s.open(c); err != nil {
		return nil, err
	}
	ex, err := s.cfg.Catalog.Exam(c.ExamID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if req.DueAt.Before(now) {
		return nil, certlab.Errorf(certlab.EINVALID, "the due date %s is in the past", req.DueAt.UTC().Format("2006-01-02 15:04"))
	}
	if req.DueAt.After(c.EndsAt) {
		return nil, certlab.Errorf(certlab.EINVALID, "the due date %s is after the cohort ends (%s)", req.DueAt.UTC().Format("2006-01-02"), c.EndsAt.Format("2006-01-02"))
	}
	a := &certlab.Assignment{CohortID: c.ID, Kind: req.Kind, DueAt: req.DueAt.UTC(), CreatedBy: u.ID, CreatedAt: now}
	switch req.Kind {
	case certlab.AssignModule:
		p, err := s.cfg.Catalog.Program(ex.ProgramID)
		if err != nil {
			return nil, err
		}
		m := module(p, req.Module)
		if m == nil {
			return nil, certlab.Errorf(certlab.EINVALID, "program %s has no module %q", p.ID, req.Module)
		}
		a.ProgramID, a.ModuleID, a.Title = p.ID, m.ID, "Read: "+m.Title
	case certlab.AssignPractice:
		if req.Count < 1 || req.Count > 100 {
			return nil, certlab.Errorf(certlab.EINVALID, "a practice set has 1 to 100 questions, not %d", req.Count)
		}
		a.Count, a.Title = req.Count, fmt.Sprintf("Practice: %d questions", req.Count)
		if req.Domain != "" {
			d := domain(ex, req.Domain)
			if d == nil {
				return nil, certlab.Errorf(certlab.EINVALID, "exam %s has no skill area %q", ex.ID, req.Domain)
			}
			a.Domain = d.ID
			a.Title += " on " + d.Name
		} else {
			a.Title += " on all skill areas"
		}
	default:
		return nil, certlab.Errorf(certlab.EINVALID, "an assignment is a module or a practice set, not %q", req.Kind)
	}
	if err := s.cfg.Store.CreateAssignment(ctx, a); err != nil {
		return nil, err
	}
	if err := s.cfg.Audit.Record(ctx, u, "cohort.assign", Target(c.ID), "assignment %d: %s, due %s", a.ID, a.Title, a.DueAt.Format("2006-01-02 15:04")); err != nil {
		return nil, err
	}
	return a, nil
}

func module(p *certlab.Program, id string) *certlab.Module {
	for _, m := range p.Modules {
		if m.ID == id {
			return m
		}
	}
	return nil
}

func domain(ex *certlab.Exam, id string) *certlab.Domain {
	for _, d := range ex.Current().Domains {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// Modules lists the modules that can be assigned to a cohort of the exam,
// in the order of the program's learning paths.
func (s *Service) Modules(examID string) []*certlab.Module {
	ex, err := s.cfg.Catalog.Exam(examID)
	if err != nil {
		return nil
	}
	p, err := s.cfg.Catalog.Program(ex.ProgramID)
	if err != nil {
		return nil
	}
	var out []*certlab.Module
	seen := map[string]bool{}
	for _, pa := range p.Paths {
		for _, id := range pa.Modules {
			if m := module(p, id); m != nil && !seen[id] {
				seen[id] = true
				out = append(out, m)
			}
		}
	}
	for _, m := range p.Modules {
		if !seen[m.ID] {
			out = append(out, m)
		}
	}
	return out
}

// RemoveMember takes a member out of the cohort, with the reason.
func (s *Service) RemoveMember(ctx context.Context, u *certlab.User, cohortID, userID int64, reason string) error {
	c, err := s.Cohort(ctx, u, cohortID)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return certlab.Errorf(certlab.EINVALID, "a reason is required to remove a member")
	}
	if len(reason) > 2000 {
		return certlab.Errorf(certlab.EINVALID, "the reason is %d characters long; at most 2000", len(reason))
	}
	if err := s.member(ctx, c, userID); err != nil {
		return err
	}
	if err := s.cfg.Store.LeaveCohort(ctx, c.ID, userID); err != nil {
		return err
	}
	return s.cfg.Audit.Record(ctx, u, "cohort.remove-member", Target(c.ID), "user %d: %s", userID, reason)
}

// member checks that the user is a member of the cohort.
func (s *Service) member(ctx context.Context, c *certlab.Cohort, userID int64) error {
	ms, err := s.cfg.Store.CohortMembers(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.UserID == userID {
			return nil
		}
	}
	return certlab.Errorf(certlab.ENOTFOUND, "user %d is not a member of cohort %q", userID, c.Name)
}

// sortAssignments orders assignments by due date.
func sortAssignments(as []*certlab.Assignment) {
	sort.SliceStable(as, func(i, j int) bool { return as[i].DueAt.Before(as[j].DueAt) })
}
