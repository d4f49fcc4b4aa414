package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/certlab/certlab"
)

var _ certlab.CohortStore = (*Store)(nil)

const cohortCols = `id, name, exam_id, instructor_id, code, ends_at, created_at`

func scanCohort(row interface{ Scan(...any) error }) (*certlab.Cohort, error) {
	var c certlab.Cohort
	var ends, created int64
	if err := row.Scan(&c.ID, &c.Name, &c.ExamID, &c.InstructorID, &c.Code, &ends, &created); err != nil {
		return nil, err
	}
	c.EndsAt, c.CreatedAt = fromMS(ends), fromMS(created)
	return &c, nil
}

// CreateCohort stores a cohort; its code must be unused.
func (s *Store) CreateCohort(ctx context.Context, c *certlab.Cohort) error {
	var err error
	c.ID, err = s.insertID(ctx, s.q(`INSERT INTO cohorts (name, exam_id, instructor_id, code, ends_at, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		c.Name, c.ExamID, c.InstructorID, c.Code, ms(c.EndsAt), ms(c.CreatedAt))
	if err != nil {
		if s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "cohort code %s is taken", c.Code)
		}
		return fmt.Errorf("insert cohort: %w", err)
	}
	return nil
}

// Cohort returns one cohort.
func (s *Store) Cohort(ctx context.Context, id int64) (*certlab.Cohort, error) {
	c, err := scanCohort(s.db.QueryRowContext(ctx, s.q(`SELECT `+cohortCols+` FROM cohorts WHERE id = ?`), id))
	return c, notFound(err, "cohort %d not found", id)
}

// CohortByCode returns the cohort with the join code.
func (s *Store) CohortByCode(ctx context.Context, code string) (*certlab.Cohort, error) {
	c, err := scanCohort(s.db.QueryRowContext(ctx, s.q(`SELECT `+cohortCols+` FROM cohorts WHERE code = ?`), code))
	return c, notFound(err, "no cohort has the code %q", code)
}

func (s *Store) cohorts(ctx context.Context, query string, args ...any) ([]*certlab.Cohort, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("cohorts: %w", err)
	}
	defer rows.Close()
	out := []*certlab.Cohort{}
	for rows.Next() {
		c, err := scanCohort(rows)
		if err != nil {
			return nil, fmt.Errorf("cohorts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Cohorts lists an instructor's cohorts (all for 0), newest first.
func (s *Store) Cohorts(ctx context.Context, instructorID int64) ([]*certlab.Cohort, error) {
	if instructorID == 0 {
		return s.cohorts(ctx, `SELECT `+cohortCols+` FROM cohorts ORDER BY id DESC`)
	}
	return s.cohorts(ctx, `SELECT `+cohortCols+` FROM cohorts WHERE instructor_id = ? ORDER BY id DESC`, instructorID)
}

// UserCohorts lists the cohorts a user is in, newest first.
func (s *Store) UserCohorts(ctx context.Context, userID int64) ([]*certlab.Cohort, error) {
	return s.cohorts(ctx, `SELECT c.id, c.name, c.exam_id, c.instructor_id, c.code, c.ends_at, c.created_at FROM cohorts c
		JOIN cohort_members m ON m.cohort_id = c.id WHERE m.user_id = ? ORDER BY c.id DESC`, userID)
}

// JoinCohort adds a member.
func (s *Store) JoinCohort(ctx context.Context, m *certlab.CohortMember) error {
	_, err := s.exec(ctx, s.q(`INSERT INTO cohort_members (cohort_id, user_id, joined_at) VALUES (?, ?, ?)`), m.CohortID, m.UserID, ms(m.JoinedAt))
	if err != nil {
		if s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "already a member of cohort %d", m.CohortID)
		}
		return fmt.Errorf("join cohort %d: %w", m.CohortID, err)
	}
	return nil
}

// LeaveCohort removes a member.
func (s *Store) LeaveCohort(ctx context.Context, cohortID, userID int64) error {
	n, err := s.exec(ctx, s.q(`DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?`), cohortID, userID)
	if err != nil {
		return fmt.Errorf("leave cohort %d: %w", cohortID, err)
	}
	if n == 0 {
		return certlab.Errorf(certlab.ENOTFOUND, "user %d is not a member of cohort %d", userID, cohortID)
	}
	return nil
}

// CohortMembers lists a cohort's members in the order they joined.
func (s *Store) CohortMembers(ctx context.Context, cohortID int64) ([]*certlab.CohortMember, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT cohort_id, user_id, joined_at FROM cohort_members WHERE cohort_id = ? ORDER BY joined_at, user_id`), cohortID)
	if err != nil {
		return nil, fmt.Errorf("cohort members: %w", err)
	}
	defer rows.Close()
	out := []*certlab.CohortMember{}
	for rows.Next() {
		var m certlab.CohortMember
		var joined int64
		if err := rows.Scan(&m.CohortID, &m.UserID, &joined); err != nil {
			return nil, fmt.Errorf("cohort members: %w", err)
		}
		m.JoinedAt = fromMS(joined)
		out = append(out, &m)
	}
	return out, rows.Err()
}

const assignmentCols = `id, cohort_id, kind, program_id, module_id, domain, count, title, due_at, created_by, created_at`

func scanAssignment(row interface{ Scan(...any) error }) (*certlab.Assignment, error) {
	var a certlab.Assignment
	var due, created int64
	if err := row.Scan(&a.ID, &a.CohortID, &a.Kind, &a.ProgramID, &a.ModuleID, &a.Domain, &a.Count, &a.Title, &due, &a.CreatedBy, &created); err != nil {
		return nil, err
	}
	a.DueAt, a.CreatedAt = fromMS(due), fromMS(created)
	return &a, nil
}

// CreateAssignment stores an assignment of a cohort.
func (s *Store) CreateAssignment(ctx context.Context, a *certlab.Assignment) error {
	var err error
	a.ID, err = s.insertID(ctx, s.q(`INSERT INTO cohort_assignments (cohort_id, kind, program_id, module_id, domain, count, title, due_at, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		a.CohortID, a.Kind, a.ProgramID, a.ModuleID, a.Domain, a.Count, a.Title, ms(a.DueAt), a.CreatedBy, ms(a.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert assignment: %w", err)
	}
	return nil
}

// Assignment returns one assignment.
func (s *Store) Assignment(ctx context.Context, id int64) (*certlab.Assignment, error) {
	a, err := scanAssignment(s.db.QueryRowContext(ctx, s.q(`SELECT `+assignmentCols+` FROM cohort_assignments WHERE id = ?`), id))
	return a, notFound(err, "assignment %d not found", id)
}

// Assignments lists a cohort's assignments by due date.
func (s *Store) Assignments(ctx context.Context, cohortID int64) ([]*certlab.Assignment, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+assignmentCols+` FROM cohort_assignments WHERE cohort_id = ? ORDER BY due_at, id`), cohortID)
	if err != nil {
		return nil, fmt.Errorf("assignments: %w", err)
	}
	defer rows.Close()
	out := []*certlab.Assignment{}
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, fmt.Errorf("assignments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

const workCols = `assignment_id, user_id, attempt_id, started_at, completed_at`

func scanWork(row interface{ Scan(...any) error }) (*certlab.AssignmentWork, error) {
	var w certlab.AssignmentWork
	var attempt, completed sql.NullInt64
	var started int64
	if err := row.Scan(&w.AssignmentID, &w.UserID, &attempt, &started, &completed); err != nil {
		return nil, err
	}
	if attempt.Valid {
		w.AttemptID = &attempt.Int64
	}
	w.StartedAt, w.CompletedAt = fromMS(started), fromNullMS(completed)
	return &w, nil
}

// StartWork records that a member started an assignment.
func (s *Store) StartWork(ctx context.Context, w *certlab.AssignmentWork) error {
	var attempt any
	if w.AttemptID != nil {
		attempt = *w.AttemptID
	}
	n, err := s.exec(ctx, s.q(`INSERT INTO assignment_work (assignment_id, user_id, attempt_id, started_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (assignment_id, user_id) DO UPDATE SET attempt_id = excluded.attempt_id, started_at = excluded.started_at
		WHERE assignment_work.completed_at IS NULL`),
		w.AssignmentID, w.UserID, attempt, ms(w.StartedAt))
	if err != nil {
		return fmt.Errorf("start assignment %d: %w", w.AssignmentID, err)
	}
	if n == 0 {
		return certlab.Errorf(certlab.ECONFLICT, "assignment %d is already completed", w.AssignmentID)
	}
	return nil
}

// CompleteWork marks a member's work completed, starting it if needed.
func (s *Store) CompleteWork(ctx context.Context, assignmentID, userID int64, at time.Time) (*certlab.AssignmentWork, error) {
	var out *certlab.AssignmentWork
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO assignment_work (assignment_id, user_id, started_at) VALUES (?, ?, ?) ON CONFLICT (assignment_id, user_id) DO NOTHING`),
			assignmentID, userID, ms(at)); err != nil {
			return fmt.Errorf("complete assignment %d: %w", assignmentID, err)
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE assignment_work SET completed_at = ? WHERE assignment_id = ? AND user_id = ? AND completed_at IS NULL`), ms(at), assignmentID, userID)
		if err != nil {
			return fmt.Errorf("complete assignment %d: %w", assignmentID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return certlab.Errorf(certlab.ECONFLICT, "assignment %d is already completed", assignmentID)
		}
		out, err = scanWork(tx.QueryRowContext(ctx, s.q(`SELECT `+workCols+` FROM assignment_work WHERE assignment_id = ? AND user_id = ?`), assignmentID, userID))
		return err
	})
	return out, err
}

func (s *Store) work(ctx context.Context, query string, args ...any) ([]*certlab.AssignmentWork, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("assignment work: %w", err)
	}
	defer rows.Close()
	out := []*certlab.AssignmentWork{}
	for rows.Next() {
		w, err := scanWork(rows)
		if err != nil {
			return nil, fmt.Errorf("assignment work: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// CohortWork lists the work on a cohort's assignments.
func (s *Store) CohortWork(ctx context.Context, cohortID int64) ([]*certlab.AssignmentWork, error) {
	return s.work(ctx, `SELECT w.assignment_id, w.user_id, w.attempt_id, w.started_at, w.completed_at FROM assignment_work w
		JOIN cohort_assignments a ON a.id = w.assignment_id WHERE a.cohort_id = ? ORDER BY w.assignment_id, w.user_id`, cohortID)
}

// UserWork lists a user's work on all assignments.
func (s *Store) UserWork(ctx context.Context, userID int64) ([]*certlab.AssignmentWork, error) {
	return s.work(ctx, `SELECT `+workCols+` FROM assignment_work WHERE user_id = ? ORDER BY assignment_id`, userID)
}
