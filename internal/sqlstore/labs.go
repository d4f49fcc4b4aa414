package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/certlab/certlab"
)

// Lab submissions and their verdicts per check (migration 045).

var _ certlab.LabStore = (*Store)(nil)

// CreateLabSubmission stores a graded submission and its check results in
// one transaction.
func (s *Store) CreateLabSubmission(ctx context.Context, sub *certlab.LabSubmission) error {
	if sub.UserID == 0 || sub.LabID == "" {
		return certlab.Errorf(certlab.EINVALID, "a lab submission needs a user and a lab")
	}
	var attempt any
	if sub.AttemptID != 0 {
		attempt = sub.AttemptID
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO lab_submissions (user_id, lab_id, attempt_id, qkey, format, size, sha256, points, max_points, passed, counted, submitted_at, duration)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			sub.UserID, sub.LabID, attempt, sub.QuestionKey, sub.Format, sub.Size, sub.SHA256, sub.Points, sub.MaxPoints, sub.Passed, sub.Counted,
			ms(sub.SubmittedAt), sub.Duration).Scan(&sub.ID)
		if err != nil {
			return fmt.Errorf("insert lab submission: %w", err)
		}
		for i, c := range sub.Checks {
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO lab_check_results (submission_id, position, task_id, check_id, type, passed, skipped, points, max_points, detail, feedback)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				sub.ID, i, c.TaskID, c.CheckID, c.Type, c.Passed, c.Skipped, c.Points, c.MaxPoints, c.Detail, c.Feedback)
			if err != nil {
				return fmt.Errorf("insert lab check result %s: %w", c.CheckID, err)
			}
		}
		return nil
	})
}

// SetLabSubmissionCounted marks a submission as recorded in its attempt.
func (s *Store) SetLabSubmissionCounted(ctx context.Context, id int64) error {
	n, err := s.exec(ctx, s.q(`UPDATE lab_submissions SET counted = ? WHERE id = ?`), true, id)
	if err != nil {
		return fmt.Errorf("mark lab submission %d counted: %w", id, err)
	}
	if n == 0 {
		return certlab.Errorf(certlab.ENOTFOUND, "lab submission %d not found", id)
	}
	return nil
}

// LabSubmission returns one submission with its check results.
func (s *Store) LabSubmission(ctx context.Context, id int64) (*certlab.LabSubmission, error) {
	subs, err := s.labSubmissions(ctx, "id = ?", []any{id}, 1)
	if err != nil {
		return nil, err
	}
	if len(subs) == 0 {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "lab submission %d not found", id)
	}
	return subs[0], nil
}

// LabSubmissions lists submissions, newest first.
func (s *Store) LabSubmissions(ctx context.Context, f certlab.LabSubmissionFilter) ([]*certlab.LabSubmission, error) {
	var where []string
	var args []any
	if f.UserID != nil {
		where, args = append(where, "user_id = ?"), append(args, *f.UserID)
	}
	if f.LabID != "" {
		where, args = append(where, "lab_id = ?"), append(args, f.LabID)
	}
	if f.AttemptID != nil {
		if *f.AttemptID == 0 {
			where = append(where, "attempt_id IS NULL")
		} else {
			where, args = append(where, "attempt_id = ?"), append(args, *f.AttemptID)
		}
	}
	if f.QuestionKey != "" {
		where, args = append(where, "qkey = ?"), append(args, f.QuestionKey)
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	return s.labSubmissions(ctx, cond, args, f.Limit)
}

func (s *Store) labSubmissions(ctx context.Context, cond string, args []any, limit int) ([]*certlab.LabSubmission, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, user_id, lab_id, attempt_id, qkey, format, size, sha256, points, max_points, passed, counted, submitted_at, duration
		FROM lab_submissions WHERE `+cond+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit)), args...)
	if err != nil {
		return nil, fmt.Errorf("lab submissions: %w", err)
	}
	defer rows.Close()
	var out []*certlab.LabSubmission
	byID := map[int64]*certlab.LabSubmission{}
	for rows.Next() {
		sub := &certlab.LabSubmission{Checks: []certlab.LabCheckResult{}}
		var attempt sql.NullInt64
		var at int64
		if err := rows.Scan(&sub.ID, &sub.UserID, &sub.LabID, &attempt, &sub.QuestionKey, &sub.Format, &sub.Size, &sub.SHA256,
			&sub.Points, &sub.MaxPoints, &sub.Passed, &sub.Counted, &at, &sub.Duration); err != nil {
			return nil, err
		}
		sub.AttemptID, sub.SubmittedAt = attempt.Int64, fromMS(at)
		out = append(out, sub)
		byID[sub.ID] = sub
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]string, len(out))
	for i, sub := range out {
		ids[i] = fmt.Sprint(sub.ID)
	}
	crows, err := s.db.QueryContext(ctx, `SELECT submission_id, task_id, check_id, type, passed, skipped, points, max_points, detail, feedback
		FROM lab_check_results WHERE submission_id IN (`+strings.Join(ids, ",")+`) ORDER BY submission_id, position`)
	if err != nil {
		return nil, fmt.Errorf("lab check results: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var id int64
		var c certlab.LabCheckResult
		if err := crows.Scan(&id, &c.TaskID, &c.CheckID, &c.Type, &c.Passed, &c.Skipped, &c.Points, &c.MaxPoints, &c.Detail, &c.Feedback); err != nil {
			return nil, err
		}
		if sub := byID[id]; sub != nil {
			sub.Checks = append(sub.Checks, c)
		}
	}
	return out, crows.Err()
}
