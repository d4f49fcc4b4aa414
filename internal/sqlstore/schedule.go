package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

const examSessionCols = `id, exam_id, starts_at, time_zone, capacity, booked, delivery, location, proctored, created_by, created_at`

func scanExamSession(row interface{ Scan(...any) error }) (*certlab.ExamSession, error) {
	es := &certlab.ExamSession{}
	var starts, created int64
	if err := row.Scan(&es.ID, &es.ExamID, &starts, &es.TimeZone, &es.Capacity, &es.Booked, &es.Delivery, &es.Location,
		&es.Proctored, &es.CreatedBy, &created); err != nil {
		return nil, err
	}
	es.StartsAt, es.CreatedAt = fromMS(starts), fromMS(created)
	return es, nil
}

// CreateExamSession stores a new exam session.
func (s *Store) CreateExamSession(ctx context.Context, es *certlab.ExamSession) error {
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO exam_sessions (exam_id, starts_at, time_zone, capacity, booked, delivery, location, proctored, created_by, created_at)
		VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?) RETURNING id`),
		es.ExamID, ms(es.StartsAt), es.TimeZone, es.Capacity, es.Delivery, es.Location, es.Proctored, es.CreatedBy, ms(es.CreatedAt)).Scan(&es.ID)
	if err != nil {
		return fmt.Errorf("insert exam session: %w", err)
	}
	es.Booked = 0
	return nil
}

// ExamSession returns one exam session.
func (s *Store) ExamSession(ctx context.Context, id int64) (*certlab.ExamSession, error) {
	es, err := scanExamSession(s.db.QueryRowContext(ctx, s.q(`SELECT `+examSessionCols+` FROM exam_sessions WHERE id = ?`), id))
	return es, notFound(err, "exam session %d not found", id)
}

// ExamSessions lists sessions matching f by start time.
func (s *Store) ExamSessions(ctx context.Context, f certlab.ExamSessionFilter) ([]*certlab.ExamSession, error) {
	var where []string
	var args []any
	if f.ExamID != "" {
		where, args = append(where, "exam_id = ?"), append(args, f.ExamID)
	}
	if f.StartsAfter != nil {
		where, args = append(where, "starts_at >= ?"), append(args, ms(*f.StartsAfter))
	}
	if f.StartsBefore != nil {
		where, args = append(where, "starts_at <= ?"), append(args, ms(*f.StartsBefore))
	}
	query := `SELECT ` + examSessionCols + ` FROM exam_sessions`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY starts_at, id`), args...)
	if err != nil {
		return nil, fmt.Errorf("list exam sessions: %w", err)
	}
	defer rows.Close()
	var out []*certlab.ExamSession
	for rows.Next() {
		es, err := scanExamSession(rows)
		if err != nil {
			return nil, fmt.Errorf("list exam sessions: %w", err)
		}
		out = append(out, es)
	}
	return out, rows.Err()
}

// takeSeat books one seat of the session inside tx; a full session is an
// ECONFLICT error. The conditional UPDATE row-locks the session, so two
// bookings cannot both take the last seat.
func (s *Store) takeSeat(ctx context.Context, tx *sql.Tx, sessionID int64) error {
	res, err := tx.ExecContext(ctx, s.q(`UPDATE exam_sessions SET booked = booked + 1 WHERE id = ? AND booked < capacity`), sessionID)
	if err != nil {
		return fmt.Errorf("take a seat of session %d: %w", sessionID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM exam_sessions WHERE id = ?`), sessionID).Scan(&one); err != nil {
			return notFound(err, "exam session %d not found", sessionID)
		}
		return certlab.Errorf(certlab.ECONFLICT, "exam session %d is full", sessionID)
	}
	return nil
}

func (s *Store) releaseSeat(ctx context.Context, tx *sql.Tx, sessionID int64) error {
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE exam_sessions SET booked = booked - 1 WHERE id = ? AND booked > 0`), sessionID); err != nil {
		return fmt.Errorf("release a seat of session %d: %w", sessionID, err)
	}
	return nil
}

const appointmentCols = `a.id, a.session_id, a.user_id, a.status, a.booked_at, a.updated_at, a.checked_in_at, a.attempt_id`

func scanAppointment(row interface{ Scan(...any) error }) (*certlab.Appointment, error) {
	ap := &certlab.Appointment{}
	var booked, updated int64
	var checked, attempt sql.NullInt64
	if err := row.Scan(&ap.ID, &ap.SessionID, &ap.UserID, &ap.Status, &booked, &updated, &checked, &attempt); err != nil {
		return nil, err
	}
	ap.BookedAt, ap.UpdatedAt, ap.CheckedInAt = fromMS(booked), fromMS(updated), fromNullMS(checked)
	if attempt.Valid {
		ap.AttemptID = &attempt.Int64
	}
	return ap, nil
}

// BookAppointment takes a seat and stores the appointment.
func (s *Store) BookAppointment(ctx context.Context, ap *certlab.Appointment) error {
	if ap.UpdatedAt.IsZero() {
		ap.UpdatedAt = ap.BookedAt
	}
	ap.Status = certlab.AppointmentBooked
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.takeSeat(ctx, tx, ap.SessionID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO appointments (session_id, user_id, status, booked_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			ap.SessionID, ap.UserID, ap.Status, ms(ap.BookedAt), ms(ap.UpdatedAt)).Scan(&ap.ID)
		if err != nil {
			if s.d.IsUnique(err) {
				return certlab.Errorf(certlab.ECONFLICT, "user %d already has a booking for exam session %d", ap.UserID, ap.SessionID)
			}
			return fmt.Errorf("insert appointment: %w", err)
		}
		return nil
	})
}

// Appointment returns one appointment.
func (s *Store) Appointment(ctx context.Context, id int64) (*certlab.Appointment, error) {
	ap, err := scanAppointment(s.db.QueryRowContext(ctx, s.q(`SELECT `+appointmentCols+` FROM appointments a WHERE a.id = ?`), id))
	return ap, notFound(err, "appointment %d not found", id)
}

// Appointments lists appointments matching f by session start.
func (s *Store) Appointments(ctx context.Context, f certlab.AppointmentFilter) ([]*certlab.Appointment, error) {
	var where []string
	var args []any
	if f.UserID != nil {
		where, args = append(where, "a.user_id = ?"), append(args, *f.UserID)
	}
	if f.SessionID != nil {
		where, args = append(where, "a.session_id = ?"), append(args, *f.SessionID)
	}
	if f.Status != "" {
		where, args = append(where, "a.status = ?"), append(args, f.Status)
	}
	if f.SessionStartsBefore != nil {
		where, args = append(where, "es.starts_at <= ?"), append(args, ms(*f.SessionStartsBefore))
	}
	query := `SELECT ` + appointmentCols + ` FROM appointments a JOIN exam_sessions es ON es.id = a.session_id`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY es.starts_at, a.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("list appointments: %w", err)
	}
	defer rows.Close()
	var out []*certlab.Appointment
	for rows.Next() {
		ap, err := scanAppointment(rows)
		if err != nil {
			return nil, fmt.Errorf("list appointments: %w", err)
		}
		out = append(out, ap)
	}
	return out, rows.Err()
}

// MoveAppointment moves a booked appointment to another session.
func (s *Store) MoveAppointment(ctx context.Context, id, toSession int64, at time.Time) (*certlab.Appointment, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ap, err := scanAppointment(tx.QueryRowContext(ctx, s.q(`SELECT `+appointmentCols+` FROM appointments a WHERE a.id = ?`), id))
		if err != nil {
			return notFound(err, "appointment %d not found", id)
		}
		if ap.Status != certlab.AppointmentBooked {
			return certlab.Errorf(certlab.ECONFLICT, "appointment %d is %s, not booked", id, ap.Status)
		}
		if ap.SessionID == toSession {
			return certlab.Errorf(certlab.EINVALID, "appointment %d is already in session %d", id, toSession)
		}
		if err := s.takeSeat(ctx, tx, toSession); err != nil {
			return err
		}
		if err := s.releaseSeat(ctx, tx, ap.SessionID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE appointments SET session_id = ?, updated_at = ? WHERE id = ? AND status = ?`), toSession, ms(at), id, certlab.AppointmentBooked)
		if err != nil {
			if s.d.IsUnique(err) {
				return certlab.Errorf(certlab.ECONFLICT, "user %d already has a booking for exam session %d", ap.UserID, toSession)
			}
			return fmt.Errorf("move appointment %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return certlab.Errorf(certlab.ECONFLICT, "appointment %d changed meanwhile", id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Appointment(ctx, id)
}

// SetAppointmentStatus moves an appointment between states.
func (s *Store) SetAppointmentStatus(ctx context.Context, id int64, from, to string, at time.Time, attemptID *int64) (*certlab.Appointment, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var sessionID int64
		if err := tx.QueryRowContext(ctx, s.q(`SELECT session_id FROM appointments WHERE id = ?`), id).Scan(&sessionID); err != nil {
			return notFound(err, "appointment %d not found", id)
		}
		var checked any
		if to == certlab.AppointmentCheckedIn && from != to {
			checked = ms(at)
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE appointments SET status = ?, updated_at = ?, checked_in_at = COALESCE(?, checked_in_at), attempt_id = COALESCE(?, attempt_id)
			WHERE id = ? AND status = ?`), to, ms(at), checked, int64Ptr(attemptID), id, from)
		if err != nil {
			return fmt.Errorf("update appointment %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return certlab.Errorf(certlab.ECONFLICT, "appointment %d is no longer %s", id, from)
		}
		if to == certlab.AppointmentCancelled {
			return s.releaseSeat(ctx, tx, sessionID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Appointment(ctx, id)
}

// PauseAttempt stops a started attempt's clock.
func (s *Store) PauseAttempt(ctx context.Context, attemptID int64, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE attempts SET status = ? WHERE id = ? AND status = ? AND (deadline IS NULL OR deadline > ?)`),
			certlab.StatusPaused, attemptID, certlab.StatusStarted, ms(at))
		if err != nil {
			return fmt.Errorf("pause attempt %d: %w", attemptID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return certlab.Errorf(certlab.ECONFLICT, "attempt %d is not running, so it cannot be paused", attemptID)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO attempt_pauses (attempt_id, paused_at) VALUES (?, ?)`), attemptID, ms(at)); err != nil {
			return fmt.Errorf("record pause of attempt %d: %w", attemptID, err)
		}
		return nil
	})
}

// ResumeAttempt restarts a paused attempt, pushing its deadline by the
// length of the pause.
func (s *Store) ResumeAttempt(ctx context.Context, attemptID int64, at time.Time) (*certlab.Attempt, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var paused int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT paused_at FROM attempt_pauses WHERE attempt_id = ? AND resumed_at IS NULL`), attemptID).Scan(&paused)
		if err != nil {
			if err == sql.ErrNoRows {
				return certlab.Errorf(certlab.ECONFLICT, "attempt %d is not paused", attemptID)
			}
			return fmt.Errorf("resume attempt %d: %w", attemptID, err)
		}
		length := max(ms(at)-paused, 0)
		res, err := tx.ExecContext(ctx, s.q(`UPDATE attempts SET status = ?, deadline = deadline + ? WHERE id = ? AND status = ?`),
			certlab.StatusStarted, length, attemptID, certlab.StatusPaused)
		if err != nil {
			return fmt.Errorf("resume attempt %d: %w", attemptID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return certlab.Errorf(certlab.ECONFLICT, "attempt %d is not paused", attemptID)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE attempt_pauses SET resumed_at = ? WHERE attempt_id = ? AND paused_at = ?`), ms(at), attemptID, paused)
		if err != nil {
			return fmt.Errorf("resume attempt %d: %w", attemptID, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Attempt(ctx, attemptID)
}

// AttemptPauses lists an attempt's pauses, oldest first.
func (s *Store) AttemptPauses(ctx context.Context, attemptID int64) ([]*certlab.AttemptPause, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT attempt_id, paused_at, resumed_at FROM attempt_pauses WHERE attempt_id = ? ORDER BY paused_at`), attemptID)
	if err != nil {
		return nil, fmt.Errorf("list pauses of attempt %d: %w", attemptID, err)
	}
	defer rows.Close()
	var out []*certlab.AttemptPause
	for rows.Next() {
		p := &certlab.AttemptPause{}
		var paused int64
		var resumed sql.NullInt64
		if err := rows.Scan(&p.AttemptID, &paused, &resumed); err != nil {
			return nil, fmt.Errorf("list pauses of attempt %d: %w", attemptID, err)
		}
		p.PausedAt, p.ResumedAt = fromMS(paused), fromNullMS(resumed)
		out = append(out, p)
	}
	return out, rows.Err()
}

// AppendAudit appends one entry to the audit log.
func (s *Store) AppendAudit(ctx context.Context, e *certlab.AuditEntry) error {
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO audit_log (at, actor_id, role, action, target, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		ms(e.At), e.ActorID, e.Role, e.Action, e.Target, e.Detail).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("append audit entry %s: %w", e.Action, err)
	}
	return nil
}

// AuditEntries lists audit entries matching f, newest first.
func (s *Store) AuditEntries(ctx context.Context, f certlab.AuditFilter) ([]*certlab.AuditEntry, error) {
	var where []string
	var args []any
	if f.ActorID != nil {
		where, args = append(where, "actor_id = ?"), append(args, *f.ActorID)
	}
	if f.Target != "" {
		where, args = append(where, "target = ?"), append(args, f.Target)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	query := `SELECT id, at, actor_id, role, action, target, detail FROM audit_log`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY id DESC`
	if f.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list audit entries: %w", err)
	}
	defer rows.Close()
	var out []*certlab.AuditEntry
	for rows.Next() {
		e := &certlab.AuditEntry{}
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Role, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("list audit entries: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
