package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

const accommodationCols = `id, user_id, kind, extra_time_pct, details, status, created_at, decided_by, decided_at, decision_note`

func scanAccommodation(row interface{ Scan(...any) error }) (*certlab.AccommodationRequest, error) {
	r := &certlab.AccommodationRequest{}
	var created int64
	var by, at sql.NullInt64
	if err := row.Scan(&r.ID, &r.UserID, &r.Kind, &r.ExtraTimePct, &r.Details, &r.Status, &created, &by, &at, &r.DecisionNote); err != nil {
		return nil, err
	}
	r.CreatedAt, r.DecidedAt = fromMS(created), fromNullMS(at)
	if by.Valid {
		r.DecidedBy = &by.Int64
	}
	return r, nil
}

// CreateAccommodationRequest stores a new, open request.
func (s *Store) CreateAccommodationRequest(ctx context.Context, r *certlab.AccommodationRequest) error {
	r.Status = certlab.AccommodationRequested
	var err error
	r.ID, err = s.insertID(ctx, s.q(`INSERT INTO accommodation_requests (user_id, kind, extra_time_pct, details, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), r.UserID, r.Kind, r.ExtraTimePct, r.Details, r.Status, ms(r.CreatedAt))
	if err != nil {
		if s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "you already have an open %s request: withdraw it or wait for the decision", r.Kind)
		}
		return fmt.Errorf("insert accommodation request: %w", err)
	}
	return nil
}

// AccommodationRequest returns one request.
func (s *Store) AccommodationRequest(ctx context.Context, id int64) (*certlab.AccommodationRequest, error) {
	r, err := scanAccommodation(s.db.QueryRowContext(ctx, s.q(`SELECT `+accommodationCols+` FROM accommodation_requests WHERE id = ?`), id))
	return r, notFound(err, "accommodation request %d not found", id)
}

// AccommodationRequests lists requests matching f, oldest first.
func (s *Store) AccommodationRequests(ctx context.Context, f certlab.AccommodationFilter) ([]*certlab.AccommodationRequest, error) {
	var where []string
	var args []any
	if f.UserID != nil {
		where, args = append(where, "user_id = ?"), append(args, *f.UserID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	query := `SELECT ` + accommodationCols + ` FROM accommodation_requests`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY created_at, id`), args...)
	if err != nil {
		return nil, fmt.Errorf("list accommodation requests: %w", err)
	}
	defer rows.Close()
	var out []*certlab.AccommodationRequest
	for rows.Next() {
		r, err := scanAccommodation(rows)
		if err != nil {
			return nil, fmt.Errorf("list accommodation requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DecideAccommodationRequest moves a request between states with a
// conditional update, so two decisions cannot both apply.
func (s *Store) DecideAccommodationRequest(ctx context.Context, id int64, from, to string, by *int64, note string, at time.Time) (*certlab.AccommodationRequest, error) {
	n, err := s.exec(ctx, s.q(`UPDATE accommodation_requests SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?
		WHERE id = ? AND status = ?`), to, int64Ptr(by), ms(at), note, id, from)
	if err != nil {
		return nil, fmt.Errorf("update accommodation request %d: %w", id, err)
	}
	if n == 0 {
		r, err := s.AccommodationRequest(ctx, id)
		if err != nil {
			return nil, err
		}
		return nil, certlab.Errorf(certlab.ECONFLICT, "accommodation request %d is %s, not %s", id, r.Status, from)
	}
	return s.AccommodationRequest(ctx, id)
}

// CreateAppointmentReminder records a reminder; the primary key refuses a
// second one for the same appointment and sitting.
func (s *Store) CreateAppointmentReminder(ctx context.Context, r *certlab.AppointmentReminder) error {
	_, err := s.exec(ctx, s.q(`INSERT INTO appointment_reminders (appointment_id, sitting_id, user_id, sent_at) VALUES (?, ?, ?, ?)`),
		r.AppointmentID, r.SittingID, r.UserID, ms(r.SentAt))
	if err != nil {
		if s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "the reminder of appointment %d for sitting %d was already sent", r.AppointmentID, r.SittingID)
		}
		return fmt.Errorf("insert appointment reminder: %w", err)
	}
	return nil
}

// AppointmentReminders lists the reminders sent to a user, oldest first.
func (s *Store) AppointmentReminders(ctx context.Context, userID int64) ([]*certlab.AppointmentReminder, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT appointment_id, sitting_id, user_id, sent_at FROM appointment_reminders WHERE user_id = ? ORDER BY sent_at, appointment_id`), userID)
	if err != nil {
		return nil, fmt.Errorf("list appointment reminders: %w", err)
	}
	defer rows.Close()
	var out []*certlab.AppointmentReminder
	for rows.Next() {
		r := &certlab.AppointmentReminder{}
		var sent int64
		if err := rows.Scan(&r.AppointmentID, &r.SittingID, &r.UserID, &sent); err != nil {
			return nil, fmt.Errorf("list appointment reminders: %w", err)
		}
		r.SentAt = fromMS(sent)
		out = append(out, r)
	}
	return out, rows.Err()
}
