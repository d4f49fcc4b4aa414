package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

const attemptCols = `id, user_id, exam_id, mode, status, seed, form, section, position, extra_time_pct, created_at, started_at, deadline, submitted_at, submit_reason, report`

func scanAttempt(row interface{ Scan(...any) error }) (*certlab.Attempt, error) {
	a := &certlab.Attempt{}
	var form string
	var report sql.NullString
	var created int64
	var started, deadline, submitted sql.NullInt64
	if err := row.Scan(&a.ID, &a.UserID, &a.ExamID, &a.Mode, &a.Status, &a.Seed, &form, &a.Section, &a.Position,
		&a.ExtraTimePct, &created, &started, &deadline, &submitted, &a.SubmitReason, &report); err != nil {
		return nil, err
	}
	a.CreatedAt = fromMS(created)
	a.StartedAt, a.Deadline, a.SubmittedAt = fromNullMS(started), fromNullMS(deadline), fromNullMS(submitted)
	a.Form = &certlab.Form{}
	if err := json.Unmarshal([]byte(form), a.Form); err != nil {
		return nil, fmt.Errorf("attempt %d: decode form: %w", a.ID, err)
	}
	if report.Valid {
		a.Report = &certlab.Report{}
		if err := json.Unmarshal([]byte(report.String), a.Report); err != nil {
			return nil, fmt.Errorf("attempt %d: decode report: %w", a.ID, err)
		}
	}
	return a, nil
}

func encodeReport(r *certlab.Report) (any, error) {
	if r == nil {
		return nil, nil
	}
	b, err := json.Marshal(r)
	return string(b), err
}

// CreateAttempt stores a new attempt and sets its id.
func (s *Store) CreateAttempt(ctx context.Context, a *certlab.Attempt) error {
	form, err := json.Marshal(a.Form)
	if err != nil {
		return fmt.Errorf("encode form: %w", err)
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now().UTC()
	}
	a.ID, err = s.insertID(ctx, s.q(`INSERT INTO attempts (user_id, exam_id, mode, status, seed, form, section, position, extra_time_pct, created_at, started_at, deadline)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		a.UserID, a.ExamID, a.Mode, a.Status, a.Seed, string(form), a.Section, a.Position, a.ExtraTimePct, ms(a.CreatedAt), msPtr(a.StartedAt), msPtr(a.Deadline))
	if err != nil && s.d.IsUnique(err) {
		// attempts_one_open_exam: one open exam attempt per candidate.
		return certlab.Errorf(certlab.EEXAMOPEN, "you are already taking an exam: submit it before starting another")
	}
	if err != nil {
		return fmt.Errorf("insert attempt: %w", err)
	}
	return nil
}

// Attempt returns one attempt.
func (s *Store) Attempt(ctx context.Context, id int64) (*certlab.Attempt, error) {
	a, err := scanAttempt(s.db.QueryRowContext(ctx, s.q(`SELECT `+attemptCols+` FROM attempts WHERE id = ?`), id))
	return a, notFound(err, "attempt %d not found", id)
}

// Attempts lists attempts matching f, newest first.
func (s *Store) Attempts(ctx context.Context, f certlab.AttemptFilter) ([]*certlab.Attempt, error) {
	var where []string
	var args []any
	if f.UserID != nil {
		where, args = append(where, "user_id = ?"), append(args, *f.UserID)
	}
	if f.ExamID != "" {
		where, args = append(where, "exam_id = ?"), append(args, f.ExamID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Mode != "" {
		where, args = append(where, "mode = ?"), append(args, f.Mode)
	}
	if f.Open {
		where = append(where, "status IN (?, ?, ?)")
		for _, st := range certlab.OpenStatuses {
			args = append(args, st)
		}
	}
	if f.DeadlineBefore != nil {
		where, args = append(where, "status = ? AND deadline IS NOT NULL AND deadline <= ?"), append(args, certlab.StatusStarted, ms(*f.DeadlineBefore))
	}
	query := `SELECT ` + attemptCols + ` FROM attempts`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY id DESC`
	if f.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	defer rows.Close()
	var out []*certlab.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateAttempt writes the attempt's state if it is still in fromStatus and
// fromSection (optimistic concurrency). With a report, the per-question
// results are written in the same transaction.
func (s *Store) UpdateAttempt(ctx context.Context, a *certlab.Attempt, fromStatus string, fromSection int) error {
	report, err := encodeReport(a.Report)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE attempts SET status = ?, section = ?, position = ?, started_at = ?, deadline = ?, submitted_at = ?, submit_reason = ?, report = ?, extra_time_pct = ?
			WHERE id = ? AND status = ? AND section = ?`),
			a.Status, a.Section, a.Position, msPtr(a.StartedAt), msPtr(a.Deadline), msPtr(a.SubmittedAt), a.SubmitReason, report, a.ExtraTimePct,
			a.ID, fromStatus, fromSection)
		if err != nil {
			return fmt.Errorf("update attempt: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return certlab.Errorf(certlab.ECONFLICT, "attempt %d changed meanwhile", a.ID)
		}
		if a.Report == nil || fromStatus == certlab.StatusScored {
			return nil
		}
		at := time.Now().UnixMilli()
		if a.SubmittedAt != nil {
			at = a.SubmittedAt.UnixMilli()
		}
		for _, q := range a.Report.Questions {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO results (attempt_id, user_id, exam_id, item_id, qkey, points, max_points, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
				a.ID, a.UserID, a.ExamID, q.ItemID, q.Key, q.Points, q.MaxPoints, at); err != nil {
				return fmt.Errorf("insert result: %w", err)
			}
		}
		return nil
	})
}

// SaveResponse applies a response save if it is newer than the stored one
// and the attempt accepts it; see certlab.AttemptStore.
func (s *Store) SaveResponse(ctx context.Context, r *certlab.Response, section, position int, now time.Time) (*certlab.Response, bool, error) {
	if r.SavedAt.IsZero() {
		r.SavedAt = now
	}
	var applied bool
	var stored *certlab.Response
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var ok int
		err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM attempts WHERE id = ? AND status = ? AND section = ? AND (? < 0 OR position = ?) AND (deadline IS NULL OR deadline > ?)`),
			r.AttemptID, certlab.StatusStarted, section, position, position, ms(now)).Scan(&ok)
		if err != nil {
			return fmt.Errorf("check attempt: %w", err)
		}
		if ok == 0 {
			return certlab.Errorf(certlab.ECONFLICT, "attempt %d does not accept this response now", r.AttemptID)
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO responses (attempt_id, qkey, seq, value, marked, saved_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (attempt_id, qkey) DO UPDATE SET seq = excluded.seq, value = excluded.value, marked = excluded.marked, saved_at = excluded.saved_at
			WHERE responses.seq < excluded.seq`),
			r.AttemptID, r.Key, r.Seq, string(r.Value), r.Marked, ms(r.SavedAt))
		if err != nil {
			return fmt.Errorf("save response: %w", err)
		}
		n, _ := res.RowsAffected()
		applied = n > 0
		stored, err = scanResponse(tx.QueryRowContext(ctx, s.q(`SELECT attempt_id, qkey, seq, value, marked, saved_at FROM responses WHERE attempt_id = ? AND qkey = ?`), r.AttemptID, r.Key))
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return stored, applied, nil
}

func scanResponse(row interface{ Scan(...any) error }) (*certlab.Response, error) {
	r := &certlab.Response{}
	var value string
	var saved int64
	if err := row.Scan(&r.AttemptID, &r.Key, &r.Seq, &value, &r.Marked, &saved); err != nil {
		return nil, err
	}
	r.Value = json.RawMessage(value)
	r.SavedAt = fromMS(saved)
	return r, nil
}

// Responses returns every stored response of an attempt.
func (s *Store) Responses(ctx context.Context, attemptID int64) ([]*certlab.Response, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT attempt_id, qkey, seq, value, marked, saved_at FROM responses WHERE attempt_id = ? ORDER BY qkey`), attemptID)
	if err != nil {
		return nil, fmt.Errorf("list responses: %w", err)
	}
	defer rows.Close()
	var out []*certlab.Response
	for rows.Next() {
		r, err := scanResponse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ItemHistory summarises a user's scored results per item of an exam.
func (s *Store) ItemHistory(ctx context.Context, userID int64, examID string) (map[string]*certlab.ItemHistory, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT item_id, points, max_points, at FROM results WHERE user_id = ? AND exam_id = ? ORDER BY at, attempt_id`), userID, examID)
	if err != nil {
		return nil, fmt.Errorf("item history: %w", err)
	}
	defer rows.Close()
	out := map[string]*certlab.ItemHistory{}
	for rows.Next() {
		var id string
		var pts, max float64
		var at int64
		if err := rows.Scan(&id, &pts, &max, &at); err != nil {
			return nil, err
		}
		h := out[id]
		if h == nil {
			h = &certlab.ItemHistory{ItemID: id}
			out[id] = h
		}
		h.Seen++
		h.LastCorrect = pts >= max
		h.LastAt = fromMS(at)
	}
	return out, rows.Err()
}
