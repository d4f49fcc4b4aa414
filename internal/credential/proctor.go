package credential

import (
	"context"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
)

// Proctor actions go through the exam engine and are written to the
// audit log with the proctor's reason.

func (s *Service) needEngine() error {
	if s.engine == nil {
		return certlab.Errorf(certlab.EINTERNAL, "proctoring is not wired to the exam engine")
	}
	return nil
}

// LiveSessions lists running and paused timed attempts (proctors, admins).
func (s *Service) LiveSessions(ctx context.Context, u *certlab.User) ([]exam.LiveSession, error) {
	if err := s.needEngine(); err != nil {
		return nil, err
	}
	return s.engine.LiveSessions(ctx, u)
}

// Pause stops an attempt's clock and records why.
func (s *Service) Pause(ctx context.Context, u *certlab.User, attemptID int64, reason string) (*certlab.Attempt, error) {
	if err := s.needEngine(); err != nil {
		return nil, err
	}
	a, err := s.engine.Pause(ctx, u, attemptID)
	if err != nil {
		return nil, err
	}
	return a, s.audit(ctx, u, "attempt.pause", targetf("attempt", attemptID), "%s", reason)
}

// Resume restarts an attempt's clock; the deadline moves by the pause.
func (s *Service) Resume(ctx context.Context, u *certlab.User, attemptID int64, reason string) (*certlab.Attempt, error) {
	if err := s.needEngine(); err != nil {
		return nil, err
	}
	a, err := s.engine.Resume(ctx, u, attemptID)
	if err != nil {
		return nil, err
	}
	return a, s.audit(ctx, u, "attempt.resume", targetf("attempt", attemptID), "deadline now %s; %s", a.Deadline, reason)
}

// EndSession ends an attempt on the proctor's decision; the reason is
// required and recorded.
func (s *Service) EndSession(ctx context.Context, u *certlab.User, attemptID int64, reason string) (*certlab.Attempt, error) {
	if err := s.needEngine(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "reason: say why the session is ended")
	}
	a, err := s.engine.EndSession(ctx, u, attemptID)
	if err != nil {
		return nil, err
	}
	return a, s.audit(ctx, u, "attempt.end", targetf("attempt", attemptID), "%s", reason)
}

// LogIncident records an incident about an attempt (proctors, admins).
func (s *Service) LogIncident(ctx context.Context, u *certlab.User, attemptID int64, note string) (*certlab.AuditEntry, error) {
	if err := requireRole(u, certlab.RoleProctor, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	if strings.TrimSpace(note) == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "note: describe the incident")
	}
	if _, err := s.store.Attempt(ctx, attemptID); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, u, "attempt.incident", targetf("attempt", attemptID), "%s", note); err != nil {
		return nil, err
	}
	es, err := s.store.AuditEntries(ctx, certlab.AuditFilter{Target: targetf("attempt", attemptID), Action: "attempt.incident", Limit: 1})
	if err != nil || len(es) == 0 {
		return nil, err
	}
	return es[0], nil
}

// Incidents lists the audit entries of an attempt: pauses, resumptions,
// incidents and its end (proctors, admins).
func (s *Service) Incidents(ctx context.Context, u *certlab.User, attemptID int64) ([]*certlab.AuditEntry, error) {
	if err := requireRole(u, certlab.RoleProctor, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	out, err := s.store.AuditEntries(ctx, certlab.AuditFilter{Target: targetf("attempt", attemptID)})
	if out == nil && err == nil {
		out = []*certlab.AuditEntry{}
	}
	return out, err
}

// SetAccommodation grants extra time in percent (admins); the engine
// applies it to attempts created from now on.
func (s *Service) SetAccommodation(ctx context.Context, admin *certlab.User, userID int64, extraPct int, reason string) (*certlab.User, error) {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	if extraPct < 0 || extraPct > 300 {
		return nil, certlab.Errorf(certlab.EINVALID, "extra_time_pct %d: must be between 0 and 300", extraPct)
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
	return u, s.audit(ctx, admin, "user.accommodation", targetf("user", userID), "extra time %d%% -> %d%%: %s", old, extraPct, reason)
}
