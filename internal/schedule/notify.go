package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// ReminderLead is how long before a sitting's start its booked candidates
// get the reminder e-mail.
const ReminderLead = 24 * time.Hour

// When says a sitting's start in its own time zone and in UTC:
// "Tuesday 1 December 2026, 09:00 CET (Europe/Paris; 08:00 UTC)".
func When(st *certlab.Sitting) string {
	local := st.StartsAt.In(mustZone(st.TimeZone))
	out := local.Format("Monday 2 January 2006, 15:04 MST")
	if st.TimeZone != "" && st.TimeZone != "UTC" {
		out += fmt.Sprintf(" (%s; %s UTC)", st.TimeZone, st.StartsAt.UTC().Format("15:04"))
	}
	return out
}

// Where says how a sitting is delivered.
func Where(st *certlab.Sitting) string {
	if st.Delivery == certlab.DeliveryTestCentre {
		return "at the test centre, " + st.Location
	}
	return "online"
}

func (s *Service) examTitle(id string) string {
	if ex, err := s.catalog.Exam(id); err == nil {
		return ex.Title
	}
	return id
}

// send e-mails a user; a failure is logged, never returned: the action it
// confirms has happened.
func (s *Service) send(ctx context.Context, to, subject, body string) {
	if s.mailer == nil {
		return
	}
	if err := s.mailer.Send(ctx, to, subject, body); err != nil {
		s.logger.Warn("scheduling e-mail failed", "to", to, "subject", subject, "err", err)
	}
}

// confirm e-mails the confirmation of a booking, a move (from is the
// sitting it left) or a cancellation.
func (s *Service) confirm(ctx context.Context, u *certlab.User, st, from *certlab.Sitting, ap *certlab.Appointment) {
	title := s.examTitle(st.ExamID)
	var subject string
	var b strings.Builder
	switch {
	case ap.Status == certlab.AppointmentCancelled:
		subject = "Cancelled: " + title
		fmt.Fprintf(&b, "Your appointment %d for %s on %s is cancelled and its seat released.\n", ap.ID, title, When(st))
		fmt.Fprintf(&b, "\nBook another sitting on certlab's Appointments page whenever you are ready.\n")
	case from != nil:
		subject = "Rescheduled: " + title
		fmt.Fprintf(&b, "Your appointment %d for %s moved from %s to %s, %s.\n", ap.ID, title, When(from), When(st), Where(st))
	default:
		subject = "Booked: " + title
		fmt.Fprintf(&b, "Your seat for %s is booked: %s, %s (appointment %d).\n", title, When(st), Where(st), ap.ID)
	}
	if ap.Status != certlab.AppointmentCancelled {
		opens, closes := st.StartsAt.Add(-CheckInOpens), st.StartsAt.Add(CheckInCloses)
		zone := mustZone(st.TimeZone)
		fmt.Fprintf(&b, "\nCheck in on certlab's Appointments page from %s to %s; a proctor then checks your identity and admits you, and you start the exam from the appointment.\n",
			opens.In(zone).Format("15:04"), closes.In(zone).Format("15:04 MST"))
		fmt.Fprintf(&b, "You can reschedule or cancel until %s (%s before the start).\n",
			st.StartsAt.Add(-s.cutoff).In(zone).Format("Monday 2 January 2006, 15:04 MST"), formatHours(s.cutoff))
		fmt.Fprintf(&b, "We will remind you %s before the start.\n", formatHours(ReminderLead))
	}
	s.send(ctx, u.Email, subject, b.String())
}

// SendReminders e-mails the reminder of every booked appointment whose
// sitting starts within ReminderLead, once per appointment and sitting,
// and returns how many it sent. Each reminder is recorded before it is
// sent and the record is unique, so several servers sweeping one
// database send it once; a failed e-mail is logged and not retried. The
// server's sweep runs it every minute.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.clock()
	horizon := now.Add(ReminderLead)
	aps, err := s.store.Appointments(ctx, certlab.AppointmentFilter{Status: certlab.AppointmentBooked, SittingStartsBefore: &horizon})
	if err != nil {
		return 0, fmt.Errorf("appointment reminders: %w", err)
	}
	sent := 0
	var errs []error
	sittings := map[int64]*certlab.Sitting{}
	for _, ap := range aps {
		st, ok := sittings[ap.SittingID]
		if !ok {
			if st, err = s.store.Sitting(ctx, ap.SittingID); err != nil {
				errs = append(errs, err)
				continue
			}
			sittings[ap.SittingID] = st
		}
		if !st.StartsAt.After(now) {
			continue // started: the no-show sweep's business
		}
		if err := s.store.CreateAppointmentReminder(ctx, &certlab.AppointmentReminder{AppointmentID: ap.ID, SittingID: st.ID, UserID: ap.UserID, SentAt: now}); err != nil {
			if certlab.ErrorCode(err) != certlab.ECONFLICT {
				errs = append(errs, err)
			}
			continue // another sweep sent it
		}
		sent++
		u, err := s.store.User(ctx, ap.UserID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		title := s.examTitle(st.ExamID)
		zone := mustZone(st.TimeZone)
		body := fmt.Sprintf("A reminder: %s starts %s, %s (appointment %d).\n\n"+
			"Check in on certlab's Appointments page from %s; check-in closes at %s, and a booking not checked in by then is recorded as a no-show.\n"+
			"Have your identity document ready: a proctor checks it and admits you, and you then start the exam from the appointment.\n",
			title, When(st), Where(st), ap.ID, st.StartsAt.Add(-CheckInOpens).In(zone).Format("15:04"), st.StartsAt.Add(CheckInCloses).In(zone).Format("15:04 MST"))
		s.send(ctx, u.Email, "Reminder: "+title+" on "+st.StartsAt.In(zone).Format("2 January 15:04 MST"), body)
	}
	return sent, errors.Join(errs...)
}
