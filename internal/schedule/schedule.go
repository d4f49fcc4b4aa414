// Package schedule books exams: admins define sittings (a start time in a
// time zone, a delivery mode, a number of seats), candidates book,
// reschedule, cancel and check in, the sweep records no-shows, and admins
// grant accommodations (extra time). Every admin action and no-show goes to
// the audit log.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // sitting time zones work on hosts without a zoneinfo database

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/mail"
)

// Check-in opens CheckInOpens before a sitting's start and closes
// CheckInCloses after it; a booked candidate who has not checked in by
// then is recorded as a no-show.
const (
	CheckInOpens  = 30 * time.Minute
	CheckInCloses = 15 * time.Minute
)

// DefaultBookingCutoff is how long before a sitting's start bookings can no
// longer be made, moved or cancelled, unless configured.
const DefaultBookingCutoff = 24 * time.Hour

// Service is the scheduling service. It is safe for concurrent use.
type Service struct {
	store   certlab.Store
	catalog *certlab.Catalog
	audit   *audit.Log
	now     func() time.Time
	cutoff  time.Duration
	mailer  mail.Mailer
	logger  *slog.Logger
}

// Option configures the scheduling service.
type Option func(*Service)

// WithMailer sends confirmations (booking, rescheduling, cancelling,
// accommodation requests and decisions) and appointment reminders through
// m; failures to send are logged on logger, never returned. Without it
// nothing is sent.
func WithMailer(m mail.Mailer, logger *slog.Logger) Option {
	return func(s *Service) { s.mailer, s.logger = m, logger }
}

// New returns the scheduling service; a zero cutoff means
// DefaultBookingCutoff.
func New(store certlab.Store, catalog *certlab.Catalog, log *audit.Log, now func() time.Time, cutoff time.Duration, opts ...Option) *Service {
	if cutoff == 0 {
		cutoff = DefaultBookingCutoff
	}
	s := &Service{store: store, catalog: catalog, audit: log, now: now, cutoff: cutoff}
	for _, o := range opts {
		o(s)
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s
}

// Cutoff is how long before a sitting's start bookings close.
func (s *Service) Cutoff() time.Duration { return s.cutoff }

func (s *Service) clock() time.Time { return s.now().UTC() }

// SittingRequest is what an admin gives to define a sitting. Start is a
// local wall-clock time ("2026-12-01T09:00") in TimeZone, or an RFC 3339
// time.
type SittingRequest struct {
	Exam      string `json:"exam"`
	Start     string `json:"start"`
	TimeZone  string `json:"time_zone"`
	Capacity  int    `json:"capacity"`
	Delivery  string `json:"delivery"`
	Location  string `json:"location"`
	Proctored bool   `json:"proctored"`
}

// ParseStart reads a sitting's start in a time zone.
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

// CreateSitting defines a sitting (admins only).
func (s *Service) CreateSitting(ctx context.Context, admin *certlab.User, req SittingRequest) (*certlab.Sitting, error) {
	if err := certlab.RequireRole(admin, certlab.RoleAdmin); err != nil {
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
		return nil, certlab.Errorf(certlab.EINVALID, "location: a test-centre sitting needs an address")
	}
	st := &certlab.Sitting{ExamID: req.Exam, StartsAt: start, TimeZone: req.TimeZone, Capacity: req.Capacity, Delivery: req.Delivery,
		Location: req.Location, Proctored: req.Proctored, CreatedBy: admin.ID, CreatedAt: now}
	if err := s.store.CreateSitting(ctx, st); err != nil {
		return nil, err
	}
	if err := s.audit.Record(ctx, admin, "sitting.create", audit.Target("sitting", st.ID), "%s at %s (%s), %d seats, %s, proctored %v", st.ExamID,
		start.In(mustZone(st.TimeZone)).Format("2006-01-02 15:04 MST"), st.TimeZone, st.Capacity, st.Delivery, st.Proctored); err != nil {
		return nil, err
	}
	return st, nil
}

func mustZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// Sittings lists upcoming sittings of an exam ("" for all exams).
func (s *Service) Sittings(ctx context.Context, examID string) ([]*certlab.Sitting, error) {
	now := s.clock()
	out, err := s.store.Sittings(ctx, certlab.SittingFilter{ExamID: examID, StartsAfter: &now})
	if out == nil && err == nil {
		out = []*certlab.Sitting{}
	}
	return out, err
}

func (s *Service) beforeCutoff(st *certlab.Sitting, what string) error {
	cutoff := st.StartsAt.Add(-s.cutoff)
	if !s.clock().Before(cutoff) {
		return certlab.Errorf(certlab.ECONFLICT, "%s closed at %s, %s before sitting %d starts", what, cutoff.Format(time.RFC3339), formatHours(s.cutoff), st.ID)
	}
	return nil
}

// formatHours says a cut-off in days when it is whole days of two or
// more, in hours otherwise.
func formatHours(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d >= 48*time.Hour {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return fmt.Sprintf("%.0f hours", d.Hours())
}

// Sitting returns one sitting.
func (s *Service) Sitting(ctx context.Context, id int64) (*certlab.Sitting, error) {
	return s.store.Sitting(ctx, id)
}

// Book books a seat of a sitting for the candidate, up to the cut-off.
func (s *Service) Book(ctx context.Context, u *certlab.User, sittingID int64) (*certlab.Appointment, error) {
	st, err := s.store.Sitting(ctx, sittingID)
	if err != nil {
		return nil, err
	}
	if err := s.beforeCutoff(st, "booking"); err != nil {
		return nil, err
	}
	ap := &certlab.Appointment{SittingID: st.ID, UserID: u.ID, BookedAt: s.clock()}
	if err := s.store.BookAppointment(ctx, ap); err != nil {
		return nil, err
	}
	s.confirm(ctx, u, st, nil, ap)
	return ap, nil
}

func (s *Service) ownAppointment(ctx context.Context, u *certlab.User, id int64) (*certlab.Appointment, *certlab.Sitting, error) {
	ap, err := s.store.Appointment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if ap.UserID != u.ID {
		return nil, nil, certlab.Errorf(certlab.ENOTFOUND, "appointment %d not found", id)
	}
	st, err := s.store.Sitting(ctx, ap.SittingID)
	if err != nil {
		return nil, nil, err
	}
	return ap, st, nil
}

// Reschedule moves the candidate's booking to another sitting of the same
// exam; both must be before their cut-off.
func (s *Service) Reschedule(ctx context.Context, u *certlab.User, id, toSitting int64) (*certlab.Appointment, error) {
	_, st, err := s.ownAppointment(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := s.beforeCutoff(st, "rescheduling"); err != nil {
		return nil, err
	}
	to, err := s.store.Sitting(ctx, toSitting)
	if err != nil {
		return nil, err
	}
	if to.ExamID != st.ExamID {
		return nil, certlab.Errorf(certlab.EINVALID, "sitting %d is for %s, not %s", to.ID, to.ExamID, st.ExamID)
	}
	if err := s.beforeCutoff(to, "booking"); err != nil {
		return nil, err
	}
	ap, err := s.store.MoveAppointment(ctx, id, toSitting, s.clock())
	if err != nil {
		return nil, err
	}
	s.confirm(ctx, u, to, st, ap)
	return ap, nil
}

// Cancel cancels the candidate's booking, up to the cut-off.
func (s *Service) Cancel(ctx context.Context, u *certlab.User, id int64) (*certlab.Appointment, error) {
	_, st, err := s.ownAppointment(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := s.beforeCutoff(st, "cancelling"); err != nil {
		return nil, err
	}
	ap, err := s.store.SetAppointmentStatus(ctx, id, certlab.AppointmentBooked, certlab.AppointmentCancelled, s.clock(), nil)
	if err != nil {
		return nil, err
	}
	s.confirm(ctx, u, st, nil, ap)
	return ap, nil
}

// CheckIn checks the candidate in, from 30 minutes before to 15 minutes
// after the sitting's start.
func (s *Service) CheckIn(ctx context.Context, u *certlab.User, id int64) (*certlab.Appointment, error) {
	ap, st, err := s.ownAppointment(ctx, u, id)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	opens, closes := st.StartsAt.Add(-CheckInOpens), st.StartsAt.Add(CheckInCloses)
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

// Admit records that a proctor (or an admin) checked the candidate of an
// appointment and confirmed their identity: note says what was seen (the
// ID document, the room). It works while check-in is open, on a booked or
// checked-in appointment, and is audited. Only an admitted appointment lets
// its candidate start a proctored exam.
func (s *Service) Admit(ctx context.Context, proctor *certlab.User, id int64, note string) (*certlab.Appointment, error) {
	if err := certlab.RequireRole(proctor, certlab.RoleAdmin, certlab.RoleProctor); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "say what you checked (the identity document, the room): the note is required")
	}
	if len(note) > 1000 {
		return nil, certlab.Errorf(certlab.EINVALID, "the note is longer than 1,000 characters")
	}
	ap, err := s.store.Appointment(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := s.store.Sitting(ctx, ap.SittingID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	if opens, closes := st.StartsAt.Add(-CheckInOpens), st.StartsAt.Add(CheckInCloses); now.Before(opens) || now.After(closes) {
		return nil, certlab.Errorf(certlab.ECONFLICT, "admission is open during check-in only, from %s to %s", opens.Format(time.RFC3339), closes.Format(time.RFC3339))
	}
	out, err := s.store.AdmitAppointment(ctx, id, proctor.ID, note, now)
	if err != nil {
		return nil, err
	}
	return out, s.audit.Record(ctx, proctor, "appointment.admit", audit.Target("appointment", id), "admitted user %d to sitting %d: %s", ap.UserID, ap.SittingID, note)
}

// Admission decides whether a candidate may start a proctored exam now
// from an appointment: theirs, for this exam, admitted by a proctor, not
// used yet, and check-in still open (a candidate admitted on time may start
// until check-in closes). It returns the function that binds the started
// attempt to the appointment, so one appointment starts one attempt.
func (s *Service) Admission(ctx context.Context, u *certlab.User, ex *certlab.Exam, appointmentID int64) (func(ctx context.Context, attemptID int64) error, error) {
	if appointmentID <= 0 {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "%s is a proctored exam: start it from your appointment once a proctor has admitted you", ex.ID)
	}
	ap, st, err := s.ownAppointment(ctx, u, appointmentID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	switch {
	case st.ExamID != ex.ID:
		return nil, certlab.Errorf(certlab.EINVALID, "appointment %d is for %s, not %s", ap.ID, st.ExamID, ex.ID)
	case ap.AttemptID != nil || ap.Status == certlab.AppointmentStarted:
		return nil, certlab.Errorf(certlab.ECONFLICT, "appointment %d has already started an attempt", ap.ID)
	case ap.Status == certlab.AppointmentBooked || ap.Status == certlab.AppointmentCheckedIn:
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "appointment %d is %s: a proctor must admit you before the exam starts", ap.ID, ap.Status)
	case ap.Status != certlab.AppointmentAdmitted:
		return nil, certlab.Errorf(certlab.ECONFLICT, "appointment %d is %s", ap.ID, ap.Status)
	case now.Before(st.StartsAt.Add(-CheckInOpens)):
		return nil, certlab.Errorf(certlab.ECONFLICT, "the sitting opens at %s", st.StartsAt.Add(-CheckInOpens).Format(time.RFC3339))
	case now.After(st.StartsAt.Add(CheckInCloses)):
		return nil, certlab.Errorf(certlab.ECONFLICT, "too late: the exam could start until %s, 15 minutes after the sitting's start", st.StartsAt.Add(CheckInCloses).Format(time.RFC3339))
	}
	return func(ctx context.Context, attemptID int64) error {
		_, err := s.store.SetAppointmentStatus(ctx, ap.ID, certlab.AppointmentAdmitted, certlab.AppointmentStarted, s.clock(), &attemptID)
		return err
	}, nil
}

// Appointments lists the candidate's appointments; admins and proctors
// may list a sitting's (sittingID > 0).
func (s *Service) Appointments(ctx context.Context, u *certlab.User, sittingID int64) ([]*certlab.Appointment, error) {
	f := certlab.AppointmentFilter{UserID: &u.ID}
	if sittingID > 0 {
		if err := certlab.RequireRole(u, certlab.RoleAdmin, certlab.RoleProctor); err != nil {
			return nil, err
		}
		f = certlab.AppointmentFilter{SittingID: &sittingID}
	}
	out, err := s.store.Appointments(ctx, f)
	if out == nil && err == nil {
		out = []*certlab.Appointment{}
	}
	return out, err
}

// RecordNoShows marks booked appointments whose check-in has closed as
// no-shows, audits each, and returns how many it marked. The server's
// sweep runs it every minute.
func (s *Service) RecordNoShows(ctx context.Context) (int, error) {
	now := s.clock()
	closed := now.Add(-CheckInCloses)
	aps, err := s.store.Appointments(ctx, certlab.AppointmentFilter{Status: certlab.AppointmentBooked, SittingStartsBefore: &closed})
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
		if err := s.audit.Record(ctx, nil, "appointment.no-show", audit.Target("appointment", ap.ID), "user %d did not check in to sitting %d", ap.UserID, ap.SittingID); err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

// SetAccommodation grants extra time in percent (admins); the engine
// applies it to attempts created from now on.
func (s *Service) SetAccommodation(ctx context.Context, admin *certlab.User, userID int64, extraPct int, reason string) (*certlab.User, error) {
	if err := certlab.RequireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	if extraPct < 0 || extraPct > 300 {
		return nil, certlab.Errorf(certlab.EINVALID, "extra_time_pct %d: must be between 0 and 300", extraPct)
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "reason: say why the accommodation is granted")
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	old := u.ExtraTimePct
	u.ExtraTimePct = extraPct
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, s.audit.Record(ctx, admin, "user.accommodation", audit.Target("user", userID), "extra time %d%% -> %d%%: %s", old, extraPct, reason)
}

// Attestation is what a proctor records when checking a candidate in:
// the identity document seen (required), a note, and the accommodations
// applied.
type Attestation struct {
	IdentitySeen   string `json:"identity_seen"`
	Note           string `json:"note"`
	Accommodations string `json:"accommodations"`
}

// Attest checks the candidate of a booked (or self-checked-in)
// appointment in on a proctor's attestation, during check-in, and audits
// it. Admission (Admit) follows.
func (s *Service) Attest(ctx context.Context, proctor *certlab.User, id int64, a Attestation) (*certlab.Appointment, *certlab.CheckIn, error) {
	if err := certlab.RequireRole(proctor, certlab.RoleAdmin, certlab.RoleProctor); err != nil {
		return nil, nil, err
	}
	a.IdentitySeen, a.Note, a.Accommodations = strings.TrimSpace(a.IdentitySeen), strings.TrimSpace(a.Note), strings.TrimSpace(a.Accommodations)
	switch {
	case a.IdentitySeen == "":
		return nil, nil, certlab.Errorf(certlab.EINVALID, "identity_seen: say which identity document you saw (kind and last digits)")
	case len(a.IdentitySeen) > 200:
		return nil, nil, certlab.Errorf(certlab.EINVALID, "identity_seen: at most 200 characters")
	case len(a.Note) > 1000 || len(a.Accommodations) > 1000:
		return nil, nil, certlab.Errorf(certlab.EINVALID, "note and accommodations: at most 1,000 characters each")
	}
	ap, err := s.store.Appointment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	st, err := s.store.Sitting(ctx, ap.SittingID)
	if err != nil {
		return nil, nil, err
	}
	now := s.clock()
	if opens, closes := st.StartsAt.Add(-CheckInOpens), st.StartsAt.Add(CheckInCloses); now.Before(opens) || now.After(closes) {
		return nil, nil, certlab.Errorf(certlab.ECONFLICT, "check-in is open from %s to %s", opens.Format(time.RFC3339), closes.Format(time.RFC3339))
	}
	c := &certlab.CheckIn{AppointmentID: id, CheckedBy: proctor.ID, IdentitySeen: a.IdentitySeen, Note: a.Note, Accommodations: a.Accommodations, At: now}
	out, err := s.store.RecordCheckIn(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	acc := a.Accommodations
	if acc == "" {
		acc = "none"
	}
	return out, c, s.audit.Record(ctx, proctor, "appointment.check-in", audit.Target("appointment", id), "user %d, sitting %d: identity seen: %s; accommodations applied: %s; note: %s",
		ap.UserID, ap.SittingID, a.IdentitySeen, acc, a.Note)
}

// RosterEntry is one appointment as a proctor's day lists it: its
// sitting, its candidate and the check-in attestation, if any.
type RosterEntry struct {
	Appointment *certlab.Appointment `json:"appointment"`
	Sitting     *certlab.Sitting     `json:"sitting"`
	Candidate   RosterCandidate      `json:"candidate"`
	CheckIn     *certlab.CheckIn     `json:"check_in,omitempty"`
}

// RosterCandidate is what a proctor sees of a candidate.
type RosterCandidate struct {
	ID           int64  `json:"id"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	ExtraTimePct int    `json:"extra_time_pct"`
}

// Roster lists the appointments (but cancelled ones) of the sittings that
// start in [from, to), by start (proctors, admins).
func (s *Service) Roster(ctx context.Context, u *certlab.User, from, to time.Time) ([]RosterEntry, error) {
	if err := certlab.RequireRole(u, certlab.RoleAdmin, certlab.RoleProctor); err != nil {
		return nil, err
	}
	if !to.After(from) || to.Sub(from) > 62*24*time.Hour {
		return nil, certlab.Errorf(certlab.EINVALID, "the period must end after it starts and last at most 62 days")
	}
	before := to.Add(-time.Millisecond)
	aps, err := s.store.Appointments(ctx, certlab.AppointmentFilter{SittingStartsAfter: &from, SittingStartsBefore: &before})
	if err != nil {
		return nil, err
	}
	out := []RosterEntry{}
	sittings, users := map[int64]*certlab.Sitting{}, map[int64]*certlab.User{}
	var ids []int64
	for _, ap := range aps {
		if ap.Status == certlab.AppointmentCancelled {
			continue
		}
		st, ok := sittings[ap.SittingID]
		if !ok {
			if st, err = s.store.Sitting(ctx, ap.SittingID); err != nil {
				return nil, err
			}
			sittings[ap.SittingID] = st
		}
		cu, ok := users[ap.UserID]
		if !ok {
			if cu, err = s.store.User(ctx, ap.UserID); err != nil {
				return nil, err
			}
			users[ap.UserID] = cu
		}
		out = append(out, RosterEntry{Appointment: ap, Sitting: st, Candidate: RosterCandidate{ID: cu.ID, Email: cu.Email, Name: cu.Name, ExtraTimePct: cu.ExtraTimePct}})
		ids = append(ids, ap.ID)
	}
	checks, err := s.store.CheckIns(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].CheckIn = checks[out[i].Appointment.ID]
	}
	return out, nil
}

// RosterEntry returns one appointment as the roster lists it (proctors,
// admins).
func (s *Service) RosterEntry(ctx context.Context, u *certlab.User, id int64) (*RosterEntry, error) {
	if err := certlab.RequireRole(u, certlab.RoleAdmin, certlab.RoleProctor); err != nil {
		return nil, err
	}
	ap, err := s.store.Appointment(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := s.store.Sitting(ctx, ap.SittingID)
	if err != nil {
		return nil, err
	}
	cu, err := s.store.User(ctx, ap.UserID)
	if err != nil {
		return nil, err
	}
	checks, err := s.store.CheckIns(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	return &RosterEntry{Appointment: ap, Sitting: st, CheckIn: checks[id],
		Candidate: RosterCandidate{ID: cu.ID, Email: cu.Email, Name: cu.Name, ExtraTimePct: cu.ExtraTimePct}}, nil
}

// RosterPeriod reads the period of a roster from query parameters: from
// (default: today, midnight UTC) and to (default: seven days after from).
func RosterPeriod(v url.Values, now time.Time) (time.Time, time.Time, error) {
	from, err := certlab.TimeParam(v, "from")
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if from == nil {
		day := now.UTC().Truncate(24 * time.Hour)
		from = &day
	}
	to, err := certlab.TimeParam(v, "to")
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if to == nil {
		t := from.AddDate(0, 0, 7)
		to = &t
	}
	return *from, *to, nil
}
