package certlab

import (
	"context"
	"time"
)

// RoleInstructor leads cohorts of candidates (instructor-led training).
const RoleInstructor = "instructor"

// Cohort is a group of candidates an instructor trains for one exam. They
// join with its code (or a link holding it) until it ends.
type Cohort struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	ExamID       string    `json:"exam"`
	InstructorID int64     `json:"instructor_id"`
	Code         string    `json:"code"`
	EndsAt       time.Time `json:"ends_at"`
	CreatedAt    time.Time `json:"created_at"`
}

// Ended reports whether the cohort is over at now: nobody joins it and
// nothing is assigned any more.
func (c *Cohort) Ended(now time.Time) bool { return !now.Before(c.EndsAt) }

// CohortMember is a candidate in a cohort.
type CohortMember struct {
	CohortID int64     `json:"cohort_id"`
	UserID   int64     `json:"user_id"`
	JoinedAt time.Time `json:"joined_at"`
}

// Assignment kinds.
const (
	AssignModule   = "module"
	AssignPractice = "practice"
)

// Assignment is work an instructor gives a cohort: a module to read or a
// practice set to complete, by a due date.
type Assignment struct {
	ID       int64  `json:"id"`
	CohortID int64  `json:"cohort_id"`
	Kind     string `json:"kind"` // module or practice
	// ProgramID and ModuleID name the module of a module assignment.
	ProgramID string `json:"program,omitempty"`
	ModuleID  string `json:"module,omitempty"`
	// Domain (optional) and Count choose the practice set of a practice
	// assignment from the cohort exam's practice pool.
	Domain    string    `json:"domain,omitempty"`
	Count     int       `json:"count,omitempty"`
	Title     string    `json:"title"`
	DueAt     time.Time `json:"due_at"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// AssignmentWork is one member's work on an assignment: the practice
// attempt started from it, and when it was completed.
type AssignmentWork struct {
	AssignmentID int64      `json:"assignment_id"`
	UserID       int64      `json:"user_id"`
	AttemptID    *int64     `json:"attempt_id,omitempty"`
	StartedAt    time.Time  `json:"started_at"`
	CompletedAt  *time.Time `json:"completed_at,omitempty"`
}

// CohortStore keeps cohorts, their members, assignments and work.
type CohortStore interface {
	// CreateCohort stores c with a new id; ECONFLICT when its code is taken.
	CreateCohort(ctx context.Context, c *Cohort) error
	Cohort(ctx context.Context, id int64) (*Cohort, error)
	CohortByCode(ctx context.Context, code string) (*Cohort, error)
	// Cohorts lists cohorts newest first: an instructor's, or all when
	// instructorID is 0.
	Cohorts(ctx context.Context, instructorID int64) ([]*Cohort, error)
	// UserCohorts lists the cohorts a user is a member of.
	UserCohorts(ctx context.Context, userID int64) ([]*Cohort, error)
	// JoinCohort adds a member; ECONFLICT when already one.
	JoinCohort(ctx context.Context, m *CohortMember) error
	// LeaveCohort removes a member; ENOTFOUND when not one.
	LeaveCohort(ctx context.Context, cohortID, userID int64) error
	CohortMembers(ctx context.Context, cohortID int64) ([]*CohortMember, error)

	CreateAssignment(ctx context.Context, a *Assignment) error
	Assignment(ctx context.Context, id int64) (*Assignment, error)
	// Assignments lists a cohort's assignments by due date.
	Assignments(ctx context.Context, cohortID int64) ([]*Assignment, error)
	// StartWork records that a member started an assignment (with the
	// practice attempt, if any); starting again replaces the attempt of
	// work not completed yet, and ECONFLICT answers completed work.
	StartWork(ctx context.Context, w *AssignmentWork) error
	// CompleteWork marks a member's work on an assignment completed;
	// ECONFLICT when it already is.
	CompleteWork(ctx context.Context, assignmentID, userID int64, at time.Time) (*AssignmentWork, error)
	// CohortWork lists all work on a cohort's assignments.
	CohortWork(ctx context.Context, cohortID int64) ([]*AssignmentWork, error)
	// UserWork lists a user's work on all assignments.
	UserWork(ctx context.Context, userID int64) ([]*AssignmentWork, error)
}
