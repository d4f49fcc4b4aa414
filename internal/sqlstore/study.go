package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/certlab/certlab"
)

var _ certlab.StudyStore = (*Store)(nil)

// Results returns a user's results on an exam, oldest first.
func (s *Store) Results(ctx context.Context, userID int64, examID string) ([]certlab.Result, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT attempt_id, item_id, qkey, points, max_points, at FROM results WHERE user_id = ? AND exam_id = ? ORDER BY at, attempt_id, qkey`), userID, examID)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	defer rows.Close()
	var out []certlab.Result
	for rows.Next() {
		var r certlab.Result
		var at int64
		if err := rows.Scan(&r.AttemptID, &r.ItemID, &r.Key, &r.Points, &r.MaxPoints, &at); err != nil {
			return nil, err
		}
		r.At = fromMS(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ExamResults returns every user's results on an exam, oldest first.
func (s *Store) ExamResults(ctx context.Context, examID string) (map[int64][]certlab.Result, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT user_id, attempt_id, item_id, qkey, points, max_points, at FROM results WHERE exam_id = ? ORDER BY user_id, at, attempt_id, qkey`), examID)
	if err != nil {
		return nil, fmt.Errorf("exam results: %w", err)
	}
	defer rows.Close()
	out := map[int64][]certlab.Result{}
	for rows.Next() {
		var uid, at int64
		var r certlab.Result
		if err := rows.Scan(&uid, &r.AttemptID, &r.ItemID, &r.Key, &r.Points, &r.MaxPoints, &at); err != nil {
			return nil, err
		}
		r.At = fromMS(at)
		out[uid] = append(out[uid], r)
	}
	return out, rows.Err()
}

// ItemParams returns the calibrated parameters of an exam's items.
func (s *Store) ItemParams(ctx context.Context, examID string) (map[string]certlab.ItemParams, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT item_id, a, b, c, model, calibrated_at FROM item_params WHERE exam_id = ?`), examID)
	if err != nil {
		return nil, fmt.Errorf("item params: %w", err)
	}
	defer rows.Close()
	out := map[string]certlab.ItemParams{}
	for rows.Next() {
		var p certlab.ItemParams
		var at int64
		if err := rows.Scan(&p.ItemID, &p.A, &p.B, &p.C, &p.Model, &at); err != nil {
			return nil, err
		}
		p.CalibratedAt = fromMS(at)
		out[p.ItemID] = p
	}
	return out, rows.Err()
}

// SaveItemParams upserts item parameters in one transaction.
func (s *Store) SaveItemParams(ctx context.Context, examID string, params []certlab.ItemParams) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range params {
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO item_params (exam_id, item_id, a, b, c, model, calibrated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (exam_id, item_id) DO UPDATE SET a = excluded.a, b = excluded.b, c = excluded.c, model = excluded.model, calibrated_at = excluded.calibrated_at`),
				examID, p.ItemID, p.A, p.B, p.C, p.Model, ms(p.CalibratedAt))
			if err != nil {
				return fmt.Errorf("save params of %s: %w", p.ItemID, err)
			}
		}
		return nil
	})
}

// AppendQuestion adds a question to the open section of a started attempt.
func (s *Store) AppendQuestion(ctx context.Context, attemptID int64, q *certlab.Question) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var form string
		var section int
		err := tx.QueryRowContext(ctx, s.q(`SELECT form, section FROM attempts WHERE id = ? AND status = ?`), attemptID, certlab.StatusStarted).Scan(&form, &section)
		if err == sql.ErrNoRows {
			return certlab.Errorf(certlab.ECONFLICT, "attempt %d is not open", attemptID)
		}
		if err != nil {
			return fmt.Errorf("read form: %w", err)
		}
		var f certlab.Form
		if err := json.Unmarshal([]byte(form), &f); err != nil {
			return fmt.Errorf("decode form: %w", err)
		}
		if _, _, dup := f.Question(q.Key); dup {
			return certlab.Errorf(certlab.ECONFLICT, "attempt %d already has question %s", attemptID, q.Key)
		}
		f.Sections[section].Questions = append(f.Sections[section].Questions, q)
		b, err := json.Marshal(&f)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE attempts SET form = ? WHERE id = ?`), string(b), attemptID)
		return err
	})
}
