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

// The staff consoles' queries: list pages with keyset paging (every page
// is "WHERE … AND id > ? ORDER BY id LIMIT n", served by an index, so
// page 1,000 costs what page 1 does), account states, reset links,
// check-in attestations and attempt activity.

// prefixPattern is a LIKE pattern matching what starts with s,
// lower-cased, with LIKE's wildcards in s escaped (ESCAPE '\').
func prefixPattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(strings.ToLower(strings.TrimSpace(s))) + "%"
}

// broadSearch is how many accounts a search start must match to be read
// by walking the ids rather than through the prefix indexes.
const broadSearch = 2000

// searchClause is the condition of an account search: the e-mail address
// or the name starts with search. idCol, emailCol and nameCol name the
// account's columns in the query. A narrow start (fewer than broadSearch
// accounts) selects the ids through the prefix indexes; a broad one
// filters the rows the id order walks, which finds a page of matches
// after a few thousand rows at most. Either way a page costs about the
// same wherever it is.
func (s *Store) searchClause(ctx context.Context, search, idCol, emailCol, nameCol string) (string, []any, error) {
	sub, args := s.usersStartingWith(search)
	count := strings.Replace(sub, " UNION ", " UNION ALL ", 1) // streams: stops at the limit
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(fmt.Sprintf(`SELECT COUNT(*) FROM (%s LIMIT %d) m`, count, broadSearch)), args...).Scan(&n); err != nil {
		return "", nil, fmt.Errorf("search accounts: %w", err)
	}
	if n < broadSearch {
		return idCol + ` IN (` + sub + `)`, args, nil
	}
	if s.d.Name == "postgres" {
		nameCol = "LOWER(" + nameCol + ")"
	}
	p := prefixPattern(search)
	return `(` + emailCol + ` LIKE ? ESCAPE '\' OR ` + nameCol + ` LIKE ? ESCAPE '\')`, []any{p, p}, nil
}

// usersStartingWith is a subquery of the ids of the accounts whose e-mail
// address or name starts with search, and its arguments. Each half is
// served by an index of migration 060: on SQLite, where LIKE ignores
// ASCII case, LIKE 'abc%' uses the NOCASE indexes; on PostgreSQL the
// range of the prefix in byte order (COLLATE "C") uses the C-collated
// indexes of the e-mail (kept lower case) and the lower-cased name, in
// generic plans too, and LIKE rechecks it.
func (s *Store) usersStartingWith(search string) (string, []any) {
	p := prefixPattern(search)
	if s.d.Name != "postgres" {
		return `SELECT id FROM users WHERE email LIKE ? ESCAPE '\' UNION SELECT id FROM users WHERE name LIKE ? ESCAPE '\'`, []any{p, p}
	}
	lo := strings.ToLower(strings.TrimSpace(search))
	hi := lo + "\U0010FFFF"
	return `SELECT id FROM users WHERE email COLLATE "C" >= ? AND email COLLATE "C" < ? AND email LIKE ? ESCAPE '\'` +
			` UNION SELECT id FROM users WHERE LOWER(name) COLLATE "C" >= ? AND LOWER(name) COLLATE "C" < ? AND LOWER(name) LIKE ? ESCAPE '\'`,
		[]any{lo, hi, p, lo, hi, p}
}

// UsersPage lists accounts matching q by id.
func (s *Store) UsersPage(ctx context.Context, q certlab.UserQuery) ([]*certlab.User, error) {
	where, args := []string{"id > ?"}, []any{q.After}
	if q.Search != "" {
		clause, cargs, err := s.searchClause(ctx, q.Search, "id", "email", "name")
		if err != nil {
			return nil, err
		}
		where, args = append(where, clause), append(args, cargs...)
	}
	if q.Role != "" {
		where, args = append(where, "role = ?"), append(args, q.Role)
	}
	switch q.State {
	case certlab.UserActive:
		where = append(where, "disabled_at IS NULL")
	case certlab.UserDisabled:
		where = append(where, "disabled_at IS NOT NULL")
	}
	query := `SELECT ` + userCols + ` FROM users WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` ORDER BY id LIMIT %d`, certlab.PageSize(q.Limit, 50))
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []*certlab.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetUserDisabled disables (at set) or enables (nil) an account.
func (s *Store) SetUserDisabled(ctx context.Context, id int64, at *time.Time) error {
	n, err := s.exec(ctx, s.q(`UPDATE users SET disabled_at = ? WHERE id = ?`), msPtr(at), id)
	if err != nil {
		return fmt.Errorf("disable user %d: %w", id, err)
	}
	if n == 0 {
		return certlab.Errorf(certlab.ENOTFOUND, "user %d not found", id)
	}
	return nil
}

// RecordCheckIn stores a proctor's attestation and checks the
// appointment in.
func (s *Store) RecordCheckIn(ctx context.Context, c *certlab.CheckIn) (*certlab.Appointment, error) {
	var ap *certlab.Appointment
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		ap, err = scanAppointment(tx.QueryRowContext(ctx, s.q(`SELECT `+appointmentCols+` FROM appointments a WHERE a.id = ?`), c.AppointmentID))
		if err != nil {
			return notFound(err, "appointment %d not found", c.AppointmentID)
		}
		switch ap.Status {
		case certlab.AppointmentBooked:
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE appointments SET status = ?, checked_in_at = ?, updated_at = ? WHERE id = ? AND status = ?`),
				certlab.AppointmentCheckedIn, ms(c.At), ms(c.At), ap.ID, certlab.AppointmentBooked); err != nil {
				return fmt.Errorf("check in appointment %d: %w", ap.ID, err)
			}
			at := c.At
			ap.Status, ap.CheckedInAt, ap.UpdatedAt = certlab.AppointmentCheckedIn, &at, at
		case certlab.AppointmentCheckedIn:
		default:
			return certlab.Errorf(certlab.ECONFLICT, "appointment %d is %s: only a booked or checked-in appointment is checked in", ap.ID, ap.Status)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM checkins WHERE appointment_id = ?`), ap.ID); err != nil {
			return fmt.Errorf("replace check-in of appointment %d: %w", ap.ID, err)
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO checkins (appointment_id, checked_by, identity_seen, note, accommodations, at) VALUES (?, ?, ?, ?, ?, ?)`),
			ap.ID, c.CheckedBy, c.IdentitySeen, c.Note, c.Accommodations, ms(c.At))
		if err != nil {
			return fmt.Errorf("record check-in of appointment %d: %w", ap.ID, err)
		}
		return nil
	})
	return ap, err
}

// CheckIns returns the attestations of the appointments that have one.
func (s *Store) CheckIns(ctx context.Context, ids []int64) (map[int64]*certlab.CheckIn, error) {
	out := map[int64]*certlab.CheckIn{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT appointment_id, checked_by, identity_seen, note, accommodations, at FROM checkins WHERE appointment_id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("list check-ins: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c := &certlab.CheckIn{}
		var at int64
		if err := rows.Scan(&c.AppointmentID, &c.CheckedBy, &c.IdentitySeen, &c.Note, &c.Accommodations, &at); err != nil {
			return nil, fmt.Errorf("list check-ins: %w", err)
		}
		c.At = fromMS(at)
		out[c.AppointmentID] = c
	}
	return out, rows.Err()
}

// touchEvery is how often an attempt's last contact is written at most.
const touchEvery = 10 * time.Second

// TouchAttempt records the candidate's last contact with an attempt.
func (s *Store) TouchAttempt(ctx context.Context, id int64, at time.Time) error {
	_, err := s.exec(ctx, s.q(`UPDATE attempts SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)`),
		ms(at), id, ms(at.Add(-touchEvery)))
	if err != nil {
		return fmt.Errorf("touch attempt %d: %w", id, err)
	}
	return nil
}

// AttemptActivity returns an attempt's last save, last contact and
// number of saved answers.
func (s *Store) AttemptActivity(ctx context.Context, id int64) (*certlab.AttemptActivity, error) {
	var seen, saved sql.NullInt64
	out := &certlab.AttemptActivity{}
	err := s.db.QueryRowContext(ctx, s.q(`SELECT a.last_seen_at, (SELECT MAX(saved_at) FROM responses r WHERE r.attempt_id = a.id),
		(SELECT COUNT(*) FROM responses r WHERE r.attempt_id = a.id AND r.value <> 'null') FROM attempts a WHERE a.id = ?`), id).Scan(&seen, &saved, &out.Answered)
	if err != nil {
		return nil, notFound(err, "attempt %d not found", id)
	}
	out.LastSeenAt, out.LastSavedAt = fromNullMS(seen), fromNullMS(saved)
	return out, nil
}

// CredentialsPage lists credentials matching q by id, with their holders.
func (s *Store) CredentialsPage(ctx context.Context, q certlab.CredentialQuery) ([]*certlab.CredentialRow, error) {
	where, args := []string{"c.id > ?"}, []any{q.After}
	if q.Search != "" {
		clause, cargs, err := s.searchClause(ctx, q.Search, "c.user_id", "u.email", "u.name")
		if err != nil {
			return nil, err
		}
		where, args = append(where, `(`+clause+` OR c.public_id = ?)`), append(args, append(cargs, strings.TrimSpace(q.Search))...)
	}
	if q.Status != "" {
		where, args = append(where, "c.status = ?"), append(args, q.Status)
	}
	if q.ProgramID != "" {
		where, args = append(where, "c.program_id = ?"), append(args, q.ProgramID)
	}
	cols := "c." + strings.ReplaceAll(credentialCols, ", ", ", c.")
	query := `SELECT ` + cols + `, u.email, u.name FROM credentials c JOIN users u ON u.id = c.user_id WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` ORDER BY c.id LIMIT %d`, certlab.PageSize(q.Limit, 50))
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	defer rows.Close()
	out := []*certlab.CredentialRow{}
	for rows.Next() {
		row := &certlab.CredentialRow{}
		var email, name string
		c, err := scanCredential(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &email, &name)...) }))
		if err != nil {
			return nil, fmt.Errorf("list credentials: %w", err)
		}
		row.Credential, row.Email, row.Name = c, email, name
		out = append(out, row)
	}
	return out, rows.Err()
}

// scanFunc adapts a function to the Scan interface the scan helpers take.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// Overview gathers the program overview's counts and reports.
func (s *Store) Overview(ctx context.Context, from, to time.Time, maxReports int) (*certlab.OverviewData, error) {
	d := &certlab.OverviewData{Users: map[string]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT role, COUNT(*) FROM users GROUP BY role`)
	if err != nil {
		return nil, fmt.Errorf("overview: count users: %w", err)
	}
	for rows.Next() {
		var role string
		var n int
		if err := rows.Scan(&role, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("overview: count users: %w", err)
		}
		d.Users[role] = n
	}
	rows.Close()
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL`).Scan(&d.Disabled); err != nil {
		return nil, fmt.Errorf("overview: count disabled users: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT user_id) FROM attempts`).Scan(&d.Active); err != nil {
		return nil, fmt.Errorf("overview: count active users: %w", err)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT exam_id, mode, status, COUNT(*) FROM attempts GROUP BY exam_id, mode, status ORDER BY exam_id, mode, status`)
	if err != nil {
		return nil, fmt.Errorf("overview: count attempts: %w", err)
	}
	for rows.Next() {
		var c certlab.ExamCount
		if err := rows.Scan(&c.ExamID, &c.Mode, &c.Status, &c.Count); err != nil {
			rows.Close()
			return nil, fmt.Errorf("overview: count attempts: %w", err)
		}
		d.Attempts = append(d.Attempts, c)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, s.q(fmt.Sprintf(`SELECT report FROM attempts WHERE mode = ? AND status = ? AND report IS NOT NULL ORDER BY id DESC LIMIT %d`, maxReports+1)),
		certlab.ModeExam, certlab.StatusScored)
	if err != nil {
		return nil, fmt.Errorf("overview: read reports: %w", err)
	}
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return nil, fmt.Errorf("overview: read reports: %w", err)
		}
		if len(d.Reports) == maxReports {
			d.Truncated = true
			break
		}
		r := &certlab.Report{}
		if err := json.Unmarshal([]byte(b), r); err != nil {
			rows.Close()
			return nil, fmt.Errorf("overview: decode report: %w", err)
		}
		d.Reports = append(d.Reports, r)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, s.q(`SELECT st.starts_at FROM appointments a JOIN sittings st ON st.id = a.sitting_id
		WHERE a.status <> ? AND st.starts_at >= ? AND st.starts_at < ? ORDER BY st.starts_at`), certlab.AppointmentCancelled, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("overview: bookings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return nil, fmt.Errorf("overview: bookings: %w", err)
		}
		d.Bookings = append(d.Bookings, fromMS(at))
	}
	return d, rows.Err()
}
