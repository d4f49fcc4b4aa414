package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

const sittingCols = `id, exam_id, starts_at, time_zone, capacity, booked, delivery, location, proctored, created_by, created_at`

func scanSitting(row interface{ Scan(...any) error }) (*certlab.Sitting, error) {
	st := &certlab.Sitting{}
	var starts, created int64
	if err := row.Scan(&st.ID, &st.ExamID, &starts, &st.TimeZone, &st.Capacity, &st.Booked, &st.Delivery, &st.Location,
		&st.Proctored, &st.CreatedBy, &created); err != nil {
		return nil, err
	}
	st.StartsAt, st.CreatedAt = fromMS(starts), fromMS(created)
	return st, nil
}

// CreateSitting stores a new sitting.
func (s *Store) CreateSitting(ctx context.Context, st *certlab.Sitting) error {
	var err error
	st.ID, err = s.insertID(ctx, s.q(`INSERT INTO sittings (exam_id, starts_at, time_zone, capacity, booked, delivery, location, proctored, created_by, created_at)
		VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?) RETURNING id`),
		st.ExamID, ms(st.StartsAt), st.TimeZone, st.Capacity, st.Delivery, st.Location, st.Proctored, st.CreatedBy, ms(st.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert sitting: %w", err)
	}
	st.Booked = 0
	return nil
}

// Sitting returns one sitting.
func (s *Store) Sitting(ctx context.Context, id int64) (*certlab.Sitting, error) {
	st, err := scanSitting(s.db.QueryRowContext(ctx, s.q(`SELECT `+sittingCols+` FROM sittings WHERE id = ?`), id))
	return st, notFound(err, "sitting %d not found", id)
}

// Sittings lists sittings matching f by start time.
func (s *Store) Sittings(ctx context.Context, f certlab.SittingFilter) ([]*certlab.Sitting, error) {
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
	query := `SELECT ` + sittingCols + ` FROM sittings`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY starts_at, id`), args...)
	if err != nil {
		return nil, fmt.Errorf("list sittings: %w", err)
	}
	defer rows.Close()
	var out []*certlab.Sitting
	for rows.Next() {
		st, err := scanSitting(rows)
		if err != nil {
			return nil, fmt.Errorf("list sittings: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// takeSeat books one seat of the sitting inside tx; a full sitting is an
// ECONFLICT error. The conditional UPDATE row-locks the sitting, so two
// bookings cannot both take the last seat.
func (s *Store) takeSeat(ctx context.Context, tx *sql.Tx, sittingID int64) error {
	res, err := tx.ExecContext(ctx, s.q(`UPDATE sittings SET booked = booked + 1 WHERE id = ? AND booked < capacity`), sittingID)
	if err != nil {
		return fmt.Errorf("take a seat of sitting %d: %w", sittingID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM sittings WHERE id = ?`), sittingID).Scan(&one); err != nil {
			return notFound(err, "sitting %d not found", sittingID)
		}
		return certlab.Errorf(certlab.ECONFLICT, "sitting %d is full", sittingID)
	}
	return nil
}

func (s *Store) releaseSeat(ctx context.Context, tx *sql.Tx, sittingID int64) error {
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE sittings SET booked = booked - 1 WHERE id = ? AND booked > 0`), sittingID); err != nil {
		return fmt.Errorf("release a seat of sitting %d: %w", sittingID, err)
	}
	return nil
}

const appointmentCols = `a.id, a.sitting_id, a.user_id, a.status, a.booked_at, a.updated_at, a.checked_in_at, a.attempt_id, a.admitted_by, a.admitted_at, a.admission_note`

func scanAppointment(row interface{ Scan(...any) error }) (*certlab.Appointment, error) {
	ap := &certlab.Appointment{}
	var booked, updated int64
	var checked, attempt, admittedBy, admittedAt sql.NullInt64
	if err := row.Scan(&ap.ID, &ap.SittingID, &ap.UserID, &ap.Status, &booked, &updated, &checked, &attempt, &admittedBy, &admittedAt, &ap.AdmissionNote); err != nil {
		return nil, err
	}
	ap.BookedAt, ap.UpdatedAt, ap.CheckedInAt, ap.AdmittedAt = fromMS(booked), fromMS(updated), fromNullMS(checked), fromNullMS(admittedAt)
	if attempt.Valid {
		ap.AttemptID = &attempt.Int64
	}
	if admittedBy.Valid {
		ap.AdmittedBy = &admittedBy.Int64
	}
	return ap, nil
}

// AdmitAppointment records a proctor's admission of a booked or checked-in
// appointment.
func (s *Store) AdmitAppointment(ctx context.Context, id, by int64, note string, at time.Time) (*certlab.Appointment, error) {
	n, err := s.exec(ctx, s.q(`UPDATE appointments SET status = ?, updated_at = ?, admitted_by = ?, admitted_at = ?, admission_note = ?,
		checked_in_at = COALESCE(checked_in_at, ?) WHERE id = ? AND status IN (?, ?)`),
		certlab.AppointmentAdmitted, ms(at), by, ms(at), note, ms(at), id, certlab.AppointmentBooked, certlab.AppointmentCheckedIn)
	if err != nil {
		return nil, fmt.Errorf("admit appointment %d: %w", id, err)
	}
	if n == 0 {
		ap, err := s.Appointment(ctx, id)
		if err != nil {
			return nil, err
		}
		return nil, certlab.Errorf(certlab.ECONFLICT, "appointment %d is %s: only booked or checked-in appointments are admitted", id, ap.Status)
	}
	return s.Appointment(ctx, id)
}

// BookAppointment takes a seat and stores the appointment.
func (s *Store) BookAppointment(ctx context.Context, ap *certlab.Appointment) error {
	if ap.UpdatedAt.IsZero() {
		ap.UpdatedAt = ap.BookedAt
	}
	ap.Status = certlab.AppointmentBooked
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.takeSeat(ctx, tx, ap.SittingID); err != nil {
			return err
		}
		// One live booking per exam: lock the candidate's row (PostgreSQL;
		// SQLite's write transactions are serial already) so that two
		// bookings of different sittings cannot both pass the check.
		if s.d.Name == "postgres" {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, ap.UserID); err != nil {
				return fmt.Errorf("lock user %d: %w", ap.UserID, err)
			}
		}
		var other int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT a.id FROM appointments a JOIN sittings st ON st.id = a.sitting_id
			WHERE a.user_id = ? AND a.status IN ('booked', 'checked-in', 'admitted') AND a.sitting_id <> ?
			AND st.exam_id = (SELECT exam_id FROM sittings WHERE id = ?) LIMIT 1`), ap.UserID, ap.SittingID, ap.SittingID).Scan(&other)
		switch {
		case err == nil:
			return certlab.Errorf(certlab.ECONFLICT, "you already have appointment %d for this exam: reschedule or cancel it instead of booking another", other)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("check other bookings: %w", err)
		}
		err = tx.QueryRowContext(ctx, s.q(`INSERT INTO appointments (sitting_id, user_id, status, booked_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			ap.SittingID, ap.UserID, ap.Status, ms(ap.BookedAt), ms(ap.UpdatedAt)).Scan(&ap.ID)
		if err != nil {
			if s.d.IsUnique(err) {
				return certlab.Errorf(certlab.ECONFLICT, "user %d already has a booking for sitting %d", ap.UserID, ap.SittingID)
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

// Appointments lists appointments matching f by sitting start.
func (s *Store) Appointments(ctx context.Context, f certlab.AppointmentFilter) ([]*certlab.Appointment, error) {
	var where []string
	var args []any
	if f.UserID != nil {
		where, args = append(where, "a.user_id = ?"), append(args, *f.UserID)
	}
	if f.SittingID != nil {
		where, args = append(where, "a.sitting_id = ?"), append(args, *f.SittingID)
	}
	if f.Status != "" {
		where, args = append(where, "a.status = ?"), append(args, f.Status)
	}
	if f.SittingStartsBefore != nil {
		where, args = append(where, "st.starts_at <= ?"), append(args, ms(*f.SittingStartsBefore))
	}
	if f.SittingStartsAfter != nil {
		where, args = append(where, "st.starts_at >= ?"), append(args, ms(*f.SittingStartsAfter))
	}
	query := `SELECT ` + appointmentCols + ` FROM appointments a JOIN sittings st ON st.id = a.sitting_id`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY st.starts_at, a.id`), args...)
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

// MoveAppointment moves a booked appointment to another sitting.
func (s *Store) MoveAppointment(ctx context.Context, id, toSitting int64, at time.Time) (*certlab.Appointment, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ap, err := scanAppointment(tx.QueryRowContext(ctx, s.q(`SELECT `+appointmentCols+` FROM appointments a WHERE a.id = ?`), id))
		if err != nil {
			return notFound(err, "appointment %d not found", id)
		}
		if ap.Status != certlab.AppointmentBooked {
			return certlab.Errorf(certlab.ECONFLICT, "appointment %d is %s, not booked", id, ap.Status)
		}
		if ap.SittingID == toSitting {
			return certlab.Errorf(certlab.EINVALID, "appointment %d is already in sitting %d", id, toSitting)
		}
		if err := s.takeSeat(ctx, tx, toSitting); err != nil {
			return err
		}
		if err := s.releaseSeat(ctx, tx, ap.SittingID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE appointments SET sitting_id = ?, updated_at = ? WHERE id = ? AND status = ?`), toSitting, ms(at), id, certlab.AppointmentBooked)
		if err != nil {
			if s.d.IsUnique(err) {
				return certlab.Errorf(certlab.ECONFLICT, "user %d already has a booking for sitting %d", ap.UserID, toSitting)
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
		var sittingID int64
		if err := tx.QueryRowContext(ctx, s.q(`SELECT sitting_id FROM appointments WHERE id = ?`), id).Scan(&sittingID); err != nil {
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
			return s.releaseSeat(ctx, tx, sittingID)
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
	var err error
	e.ID, err = s.insertID(ctx, s.q(`INSERT INTO audit_log (at, actor_id, role, action, target, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		ms(e.At), e.ActorID, e.Role, e.Action, e.Target, e.Detail)
	if err != nil {
		return fmt.Errorf("append audit entry %s: %w", e.Action, err)
	}
	return nil
}

// auditClockSkew is how far out of id order audit times may be (servers
// whose clocks differ): the period filter's id bounds leave this margin.
const auditClockSkew = time.Minute

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
	if f.Before > 0 {
		where, args = append(where, "id < ?"), append(args, f.Before)
	}
	// A period is filtered on the rows the id order walks (+at keeps the
	// planners from sorting the whole period by id instead), between
	// bounds read from the time index: entries are appended with the
	// server's clock, so ids follow times up to auditClockSkew.
	if f.To != nil {
		where, args = append(where, "+at < ?"), append(args, ms(*f.To))
		var hint sql.NullInt64
		err := s.db.QueryRowContext(ctx, s.q(`SELECT id FROM audit_log WHERE at >= ? ORDER BY at, id LIMIT 1`), ms(f.To.Add(auditClockSkew))).Scan(&hint)
		if err != nil && err != sql.ErrNoRows {
			return nil, fmt.Errorf("list audit entries: %w", err)
		}
		if hint.Valid {
			where, args = append(where, "id < ?"), append(args, hint.Int64)
		}
	}
	if f.From != nil {
		where, args = append(where, "+at >= ?"), append(args, ms(*f.From))
		var hint sql.NullInt64
		err := s.db.QueryRowContext(ctx, s.q(`SELECT id FROM audit_log WHERE at < ? ORDER BY at DESC, id DESC LIMIT 1`), ms(f.From.Add(-auditClockSkew))).Scan(&hint)
		if err != nil && err != sql.ErrNoRows {
			return nil, fmt.Errorf("list audit entries: %w", err)
		}
		if hint.Valid {
			where, args = append(where, "id > ?"), append(args, hint.Int64)
		}
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
