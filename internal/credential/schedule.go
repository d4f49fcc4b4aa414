package credential

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// Check-in opens CheckInOpens before a session's start and closes
// CheckInCloses after it; a booked candidate who has not checked in by
// then is recorded as a no-show.
const (
	CheckInOpens  = 30 * time.Minute
	CheckInCloses = 15 * time.Minute
)

// SessionRequest is what an admin gives to define an exam session. Start
// is a local wall-clock time ("2026-12-01T09:00") in TimeZone, or an
// RFC 3339 time.
type SessionRequest struct {
	Exam      string `json:"exam"`
	Start     string `json:"start"`
	TimeZone  string `json:"time_zone"`
	Capacity  int    `json:"capacity"`
	Delivery  string `json:"delivery"`
	Location  string `json:"location"`
	Proctored bool   `json:"proctored"`
}

// ParseStart reads a session start in a time zone.
func ParseStart(start, zone string) (time.Time, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		return time.Time{}, certlab.Errorf(certlab.EINVALID, "time_zone %q: not an IANA time zone such as Europe/Paris", zone)
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, start, loc); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.Parse(time.RFC3339, start); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, certlab.Errorf(certlab.EINVALID, "start %q: use a local time such as 2026-12-01T09:00, or RFC 3339", start)
}

// CreateSession defines an exam session (admins only).
func (s *Service) CreateSession(ctx context.Context, admin *certlab.User, req SessionRequest) (*certlab.ExamSession, error) {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	if _, err := s.catalog.Exam(req.Exam); err != nil {
		return nil, err
	}
	start, err := ParseStart(req.Start, req.TimeZone)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	switch {
	case !start.After(now):
		return nil, certlab.Errorf(certlab.EINVALID, "start %s is in the past", start.Format(time.RFC3339))
	case req.Capacity <= 0 || req.Capacity > 10000:
		return nil, certlab.Errorf(certlab.EINVALID, "capacity %d: must be between 1 and 10000", req.Capacity)
	case req.Delivery != certlab.DeliveryOnline && req.Delivery != certlab.DeliveryTestCentre:
		return nil, certlab.Errorf(certlab.EINVALID, "delivery %q: must be %s or %s", req.Delivery, certlab.DeliveryOnline, certlab.DeliveryTestCentre)
	case req.Delivery == certlab.DeliveryTestCentre && strings.TrimSpace(req.Location) == "":
		return nil, certlab.Errorf(certlab.EINVALID, "location: a test-centre session needs an address")
	}
	es := &certlab.ExamSession{ExamID: req.Exam, StartsAt: start, TimeZone: req.TimeZone, Capacity: req.Capacity, Delivery: req.Delivery,
		Location: req.Location, Proctored: req.Proctored, CreatedBy: admin.ID, CreatedAt: now}
	if err := s.store.CreateExamSession(ctx, es); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, admin, "session.create", targetf("session", es.ID), "%s at %s (%s), %d seats, %s, proctored %v", es.ExamID,
		start.In(mustZone(es.TimeZone)).Format("2006-01-02 15:04 MST"), es.TimeZone, es.Capacity, es.Delivery, es.Proctored); err != nil {
		return nil, err
	}
	return es, nil
}

func mustZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// Sessions lists upcoming sessions of an exam ("" for all exams).
func (s *Service) Sessions(ctx context.Context, examID string) ([]*certlab.ExamSession, error) {
	now := s.clock()
	out, err := s.store.ExamSessions(ctx, certlab.ExamSessionFilter{ExamID: examID, StartsAfter: &now})
	if out == nil && err == nil {
		out = []*certlab.ExamSession{}
	}
	return out, err
}

func (s *Service) beforeCutoff(es *certlab.ExamSession, what string) error {
	cutoff := es.StartsAt.Add(-s.cfg.BookingCutoff)
	if !s.clock().Before(cutoff) {
		return certlab.Errorf(certlab.ECONFLICT, "%s closed at %s, %s before session %d starts", what, cutoff.Format(time.RFC3339), formatWait(s.cfg.BookingCutoff), es.ID)
	}
	return nil
}

// Book books a seat of a session for the candidate, up to the cut-off.
func (s *Service) Book(ctx context.Context, u *certlab.User, sessionID int64) (*certlab.Appointment, error) {
	es, err := s.store.ExamSession(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if err := s.beforeCutoff(es, "booking"); err != nil {
		return nil, err
	}
	ap := &certlab.Appointment{SessionID: es.ID, UserID: u.ID, BookedAt: s.clock()}
	if err := s.store.BookAppointment(ctx, ap); err != nil {
		return nil, err
	}
	return ap, nil
}

func (s *Service) ownAppointment(ctx context.Context, u *certlab.User, id int64) (*certlab.Appointment, *certlab.ExamSession, error) {
	ap, err := s.store.Appointment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if ap.UserID != u.ID {
		return nil, nil, certlab.Errorf(certlab.ENOTFOUND, "appointment %d not found", id)
	}
	es, err := s.store.ExamSession(ctx, ap.SessionID)
	if err != nil {
		return nil, nil, err
	}
	return ap, es, nil
}

// Reschedule moves the candidate's booking to another session of the same
// exam; both must be before their cut-off.
func (s *Service) Reschedule(ctx context.Context, u *certlab.User, id, toSession int64) (*certlab.Appointment, error) {
	_, es, err := s.ownAppointment(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := s.beforeCutoff(es, "rescheduling"); err != nil {
		return nil, err
	}
	to, err := s.store.ExamSession(ctx, toSession)
	if err != nil {
		return nil, err
	}
	if to.ExamID != es.ExamID {
		return nil, certlab.Errorf(certlab.EINVALID, "session %d is for %s, not %s", to.ID, to.ExamID, es.ExamID)
	}
	if err := s.beforeCutoff(to, "booking"); err != nil {
		return nil, err
	}
	return s.store.MoveAppointment(ctx, id, toSession, s.clock())
}

// Cancel cancels the candidate's booking, up to the cut-off.
func (s *Service) Cancel(ctx context.Context, u *certlab.User, id int64) (*certlab.Appointment, error) {
	_, es, err := s.ownAppointment(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := s.beforeCutoff(es, "cancelling"); err != nil {
		return nil, err
	}
	return s.store.SetAppointmentStatus(ctx, id, certlab.AppointmentBooked, certlab.AppointmentCancelled, s.clock(), nil)
}

// CheckIn checks the candidate in, from 30 minutes before to 15 minutes
// after the session's start.
func (s *Service) CheckIn(ctx context.Context, u *certlab.User, id int64) (*certlab.Appointment, error) {
	ap, es, err := s.ownAppointment(ctx, u, id)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	opens, closes := es.StartsAt.Add(-CheckInOpens), es.StartsAt.Add(CheckInCloses)
	switch {
	case ap.Status != certlab.AppointmentBooked:
		return nil, certlab.Errorf(certlab.ECONFLICT, "appointment %d is %s", id, ap.Status)
	case now.Before(opens):
		return nil, certlab.Errorf(certlab.ECONFLICT, "check-in opens at %s, 30 minutes before the start", opens.Format(time.RFC3339))
	case now.After(closes):
		return nil, certlab.Errorf(certlab.ECONFLICT, "check-in closed at %s, 15 minutes after the start", closes.Format(time.RFC3339))
	}
	return s.store.SetAppointmentStatus(ctx, id, certlab.AppointmentBooked, certlab.AppointmentCheckedIn, now, nil)
}

// Appointments lists the candidate's appointments; admins and proctors
// may list a session's.
func (s *Service) Appointments(ctx context.Context, u *certlab.User, sessionID int64) ([]*certlab.Appointment, error) {
	f := certlab.AppointmentFilter{UserID: &u.ID}
	if sessionID > 0 {
		if err := requireRole(u, certlab.RoleAdmin, certlab.RoleProctor); err != nil {
			return nil, err
		}
		f = certlab.AppointmentFilter{SessionID: &sessionID}
	}
	out, err := s.store.Appointments(ctx, f)
	if out == nil && err == nil {
		out = []*certlab.Appointment{}
	}
	return out, err
}

// recordNoShows marks booked appointments whose check-in closed as no-shows.
func (s *Service) recordNoShows(ctx context.Context, now time.Time) (int, error) {
	closed := now.Add(-CheckInCloses)
	aps, err := s.store.Appointments(ctx, certlab.AppointmentFilter{Status: certlab.AppointmentBooked, SessionStartsBefore: &closed})
	if err != nil {
		return 0, fmt.Errorf("no-shows: %w", err)
	}
	n := 0
	var errs []error
	for _, ap := range aps {
		if _, err := s.store.SetAppointmentStatus(ctx, ap.ID, certlab.AppointmentBooked, certlab.AppointmentNoShow, now, nil); err != nil {
			if certlab.ErrorCode(err) != certlab.ECONFLICT {
				errs = append(errs, err)
			}
			continue
		}
		n++
		if err := s.audit(ctx, nil, "appointment.no-show", targetf("appointment", ap.ID), "user %d did not check in to session %d", ap.UserID, ap.SessionID); err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}
