package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

var _ certlab.AuthoringStore = (*Store)(nil)

const itemStatusCols = `exam_id, item_id, flagged, flag_note, flagged_by, flagged_at, retired, retire_reason, retired_by, retired_at, updated_at`

func scanItemStatus(row interface{ Scan(...any) error }) (*certlab.ItemStatus, error) {
	var st certlab.ItemStatus
	var flaggedBy, retiredBy, flaggedAt, retiredAt sql.NullInt64
	var updated int64
	if err := row.Scan(&st.ExamID, &st.ItemID, &st.Flagged, &st.FlagNote, &flaggedBy, &flaggedAt, &st.Retired, &st.RetireReason, &retiredBy, &retiredAt, &updated); err != nil {
		return nil, err
	}
	st.FlaggedBy, st.RetiredBy = flaggedBy.Int64, retiredBy.Int64
	st.FlaggedAt, st.RetiredAt = fromNullMS(flaggedAt), fromNullMS(retiredAt)
	st.UpdatedAt = fromMS(updated)
	return &st, nil
}

// ItemStatuses returns every item's flag and retirement.
func (s *Store) ItemStatuses(ctx context.Context) (map[certlab.ItemRef]*certlab.ItemStatus, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+itemStatusCols+` FROM item_status`)
	if err != nil {
		return nil, fmt.Errorf("item statuses: %w", err)
	}
	defer rows.Close()
	out := map[certlab.ItemRef]*certlab.ItemStatus{}
	for rows.Next() {
		st, err := scanItemStatus(rows)
		if err != nil {
			return nil, fmt.Errorf("item statuses: %w", err)
		}
		out[certlab.ItemRef{ExamID: st.ExamID, ItemID: st.ItemID}] = st
	}
	return out, rows.Err()
}

// RetiredItems returns the retired items.
func (s *Store) RetiredItems(ctx context.Context) (map[certlab.ItemRef]bool, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT exam_id, item_id FROM item_status WHERE retired = ?`), true)
	if err != nil {
		return nil, fmt.Errorf("retired items: %w", err)
	}
	defer rows.Close()
	out := map[certlab.ItemRef]bool{}
	for rows.Next() {
		var ref certlab.ItemRef
		if err := rows.Scan(&ref.ExamID, &ref.ItemID); err != nil {
			return nil, fmt.Errorf("retired items: %w", err)
		}
		out[ref] = true
	}
	return out, rows.Err()
}

// itemStatusTx reads an item's status in tx, inserting an empty one first
// so the update that follows always has a row.
func (s *Store) itemStatusTx(ctx context.Context, tx *sql.Tx, ref certlab.ItemRef, at time.Time) (*certlab.ItemStatus, error) {
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO item_status (exam_id, item_id, updated_at) VALUES (?, ?, ?) ON CONFLICT (exam_id, item_id) DO NOTHING`),
		ref.ExamID, ref.ItemID, ms(at)); err != nil {
		return nil, fmt.Errorf("item status of %s/%s: %w", ref.ExamID, ref.ItemID, err)
	}
	st, err := scanItemStatus(tx.QueryRowContext(ctx, s.q(`SELECT `+itemStatusCols+` FROM item_status WHERE exam_id = ? AND item_id = ?`), ref.ExamID, ref.ItemID))
	if err != nil {
		return nil, fmt.Errorf("item status of %s/%s: %w", ref.ExamID, ref.ItemID, err)
	}
	return st, nil
}

// FlagItem sets or clears an item's flag with its note.
func (s *Store) FlagItem(ctx context.Context, ref certlab.ItemRef, flagged bool, note string, by int64, at time.Time) (*certlab.ItemStatus, error) {
	var out *certlab.ItemStatus
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.itemStatusTx(ctx, tx, ref, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE item_status SET flagged = ?, flag_note = ?, flagged_by = ?, flagged_at = ?, updated_at = ? WHERE exam_id = ? AND item_id = ?`),
			flagged, note, by, ms(at), ms(at), ref.ExamID, ref.ItemID); err != nil {
			return fmt.Errorf("flag %s/%s: %w", ref.ExamID, ref.ItemID, err)
		}
		var err error
		out, err = s.itemStatusTx(ctx, tx, ref, at)
		return err
	})
	return out, err
}

// RetireItem retires or reinstates an item.
func (s *Store) RetireItem(ctx context.Context, ref certlab.ItemRef, retired bool, reason string, by int64, at time.Time) (*certlab.ItemStatus, error) {
	var out *certlab.ItemStatus
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st, err := s.itemStatusTx(ctx, tx, ref, at)
		if err != nil {
			return err
		}
		if st.Retired == retired {
			if retired {
				return certlab.Errorf(certlab.ECONFLICT, "item %s is already retired", ref.ItemID)
			}
			return certlab.Errorf(certlab.ECONFLICT, "item %s is not retired", ref.ItemID)
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE item_status SET retired = ?, retire_reason = ?, retired_by = ?, retired_at = ?, updated_at = ? WHERE exam_id = ? AND item_id = ? AND retired = ?`),
			retired, reason, by, ms(at), ms(at), ref.ExamID, ref.ItemID, !retired)
		if err != nil {
			return fmt.Errorf("retire %s/%s: %w", ref.ExamID, ref.ItemID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return certlab.Errorf(certlab.ECONFLICT, "item %s changed meanwhile: try again", ref.ItemID)
		}
		out, err = s.itemStatusTx(ctx, tx, ref, at)
		return err
	})
	return out, err
}

const runCols = `id, exam_id, model, status, phase, cycle, max_cycles, change, progress, message, items, examinees, started_by, started_at, updated_at, ended_at, applied_at`

func scanRun(row interface{ Scan(...any) error }, extra ...any) (*certlab.CalibrationRun, error) {
	var r certlab.CalibrationRun
	var started, updated int64
	var ended, applied sql.NullInt64
	dest := []any{&r.ID, &r.ExamID, &r.Model, &r.Status, &r.Phase, &r.Cycle, &r.MaxCycles, &r.Change, &r.Progress, &r.Message, &r.Items, &r.Examinees, &r.StartedBy, &started, &updated, &ended, &applied}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	r.StartedAt, r.UpdatedAt, r.EndedAt, r.AppliedAt = fromMS(started), fromMS(updated), fromNullMS(ended), fromNullMS(applied)
	return &r, nil
}

// CreateCalibrationRun stores a new run.
func (s *Store) CreateCalibrationRun(ctx context.Context, r *certlab.CalibrationRun) error {
	var err error
	r.ID, err = s.insertID(ctx, s.q(`INSERT INTO calibration_runs (exam_id, model, status, phase, max_cycles, started_by, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.ExamID, r.Model, r.Status, r.Phase, r.MaxCycles, r.StartedBy, ms(r.StartedAt), ms(r.StartedAt))
	if err != nil {
		return fmt.Errorf("insert calibration run: %w", err)
	}
	return nil
}

// UpdateCalibrationRun stores a run's progress, status and result.
func (s *Store) UpdateCalibrationRun(ctx context.Context, r *certlab.CalibrationRun) error {
	n, err := s.exec(ctx, s.q(`UPDATE calibration_runs SET status = ?, phase = ?, cycle = ?, max_cycles = ?, change = ?, progress = ?, message = ?, items = ?, examinees = ?, updated_at = ?, ended_at = ?, result = ? WHERE id = ?`),
		r.Status, r.Phase, r.Cycle, r.MaxCycles, finite(r.Change), finite(r.Progress), r.Message, r.Items, r.Examinees, ms(r.UpdatedAt), msPtr(r.EndedAt), r.Result, r.ID)
	if err != nil {
		return fmt.Errorf("update calibration run %d: %w", r.ID, err)
	}
	if n == 0 {
		return certlab.Errorf(certlab.ENOTFOUND, "calibration run %d not found", r.ID)
	}
	return nil
}

// finite stores NaN and infinities (which PostgreSQL's float columns
// take but SQLite's REAL turns into NULL) as 0.
func finite(v float64) float64 {
	if v != v || v > 1e300 || v < -1e300 {
		return 0
	}
	return v
}

// CalibrationRun returns one run with its result.
func (s *Store) CalibrationRun(ctx context.Context, id int64) (*certlab.CalibrationRun, error) {
	var result string
	r, err := scanRun(s.db.QueryRowContext(ctx, s.q(`SELECT `+runCols+`, result FROM calibration_runs WHERE id = ?`), id), &result)
	if err != nil {
		return nil, notFound(err, "calibration run %d not found", id)
	}
	r.Result = result
	return r, nil
}

// CalibrationRuns lists runs newest first, without results.
func (s *Store) CalibrationRuns(ctx context.Context, examID string, limit int) ([]*certlab.CalibrationRun, error) {
	var where []string
	var args []any
	if examID != "" {
		where, args = append(where, "exam_id = ?"), append(args, examID)
	}
	query := `SELECT ` + runCols + ` FROM calibration_runs`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	query += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("calibration runs: %w", err)
	}
	defer rows.Close()
	out := []*certlab.CalibrationRun{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("calibration runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkRunApplied records when a finished run's parameters were applied.
func (s *Store) MarkRunApplied(ctx context.Context, id int64, at time.Time) error {
	n, err := s.exec(ctx, s.q(`UPDATE calibration_runs SET applied_at = ? WHERE id = ? AND status = ? AND applied_at IS NULL`), ms(at), id, certlab.RunDone)
	if err != nil {
		return fmt.Errorf("mark run %d applied: %w", id, err)
	}
	if n == 0 {
		if _, err := s.CalibrationRun(ctx, id); err != nil {
			return err
		}
		return certlab.Errorf(certlab.ECONFLICT, "calibration run %d is not finished or its parameters were already applied", id)
	}
	return nil
}
