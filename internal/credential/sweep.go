package credential

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/certlab/certlab"
)

// SweepResult counts what one Sweep did.
type SweepResult struct {
	Expired   int `json:"expired"`
	Reminders int `json:"reminders"`
	Issued    int `json:"issued"`
}

// Sweep does the time-driven work: it expires credentials past their
// validity (and re-evaluates their holders), sends due expiry reminders,
// and re-evaluates pending credentials. The server runs it periodically;
// tests call it after moving the clock.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	var errs []error
	now := s.clock()
	expiring, err := s.store.Credentials(ctx, certlab.CredentialFilter{Status: certlab.CredentialActive, ValidUntilBefore: &now})
	if err != nil {
		return res, err
	}
	users := map[int64]bool{}
	for _, c := range expiring {
		c.Status, c.UpdatedAt = certlab.CredentialExpired, now
		if err := s.store.UpdateCredential(ctx, c, certlab.CredentialActive); err != nil {
			if certlab.ErrorCode(err) != certlab.ECONFLICT {
				errs = append(errs, err)
			}
			continue
		}
		res.Expired++
		users[c.UserID] = true
		s.logger.Info("credential expired", "user", c.UserID, "program", c.ProgramID, "credential", c.PublicID)
	}
	pending, err := s.store.Credentials(ctx, certlab.CredentialFilter{Status: certlab.CredentialPending})
	if err != nil {
		return res, err
	}
	for _, c := range pending {
		users[c.UserID] = true
	}
	for uid := range users {
		issued, err := s.Evaluate(ctx, uid)
		res.Issued += len(issued)
		if err != nil {
			errs = append(errs, err)
		}
	}
	n, err := s.sendReminders(ctx, now)
	res.Reminders = n
	if err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// dueReminder returns the threshold (in days) whose reminder is due for a
// credential valid until until: the smallest threshold not smaller than
// the days left, or 0 when none is.
func dueReminder(days []int, now, until time.Time) int {
	left := until.Sub(now)
	if left <= 0 {
		return 0
	}
	ds := slices.Sorted(slices.Values(days))
	for _, d := range ds {
		if left <= time.Duration(d)*24*time.Hour {
			return d
		}
	}
	return 0
}

func (s *Service) sendReminders(ctx context.Context, now time.Time) (int, error) {
	horizon := now.Add(time.Duration(slices.Max(s.cfg.ReminderDays)) * 24 * time.Hour)
	cs, err := s.store.Credentials(ctx, certlab.CredentialFilter{Status: certlab.CredentialActive, ValidUntilBefore: &horizon})
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, c := range cs {
		d := dueReminder(s.cfg.ReminderDays, now, *c.ValidUntil)
		if d == 0 {
			continue
		}
		p, err := s.catalog.Program(c.ProgramID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		msg := fmt.Sprintf("Your %s credential expires on %s (in %d days or less).", p.Name, c.ValidUntil.Format("2 January 2006"), d)
		if p.Renewal != nil && p.Renewal.Items > 0 {
			opens := c.ValidUntil.Add(-p.Renewal.OpensBefore.Duration)
			if now.Before(opens) {
				msg += fmt.Sprintf(" The free renewal assessment opens on %s.", opens.Format("2 January 2006"))
			} else {
				msg += " The free renewal assessment is open: pass it to extend your credential by one year from its expiry date."
			}
		}
		r := &certlab.Reminder{CredentialID: c.ID, UserID: c.UserID, ValidUntil: *c.ValidUntil, Days: d, Message: msg, SentAt: now}
		if err := s.store.CreateReminder(ctx, r); err != nil {
			if certlab.ErrorCode(err) != certlab.ECONFLICT {
				errs = append(errs, err)
			}
			continue // already sent
		}
		sent++
		u, err := s.store.User(ctx, c.UserID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.mailer.Send(ctx, u.Email, fmt.Sprintf("%s: %d days left", p.Name, d), msg); err != nil {
			// The dashboard still shows it; a failed e-mail is logged, not retried.
			s.logger.Warn("reminder e-mail failed", "user", u.ID, "err", err)
		}
	}
	return sent, errors.Join(errs...)
}

// Reminders lists the user's expiry reminders for the dashboard, newest first.
func (s *Service) Reminders(ctx context.Context, u *certlab.User) ([]*certlab.Reminder, error) {
	rs, err := s.store.Reminders(ctx, u.ID)
	if rs == nil && err == nil {
		rs = []*certlab.Reminder{}
	}
	return rs, err
}
