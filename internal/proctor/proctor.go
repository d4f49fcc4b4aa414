// Package proctor is what proctors do to running attempts: list the live
// ones, pause and resume their clock, end them with a reason, and log
// incidents. The exam engine carries each action out; every one goes to
// the audit log with the proctor's reason.
package proctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/exam"
)

// Service is the proctoring service. It is safe for concurrent use.
type Service struct {
	engine *exam.Engine
	store  certlab.Store
	audit  *audit.Log
}

// New returns the proctoring service.
func New(engine *exam.Engine, store certlab.Store, log *audit.Log) *Service {
	return &Service{engine: engine, store: store, audit: log}
}

// LiveAttempts lists running and paused timed attempts (proctors, admins).
func (s *Service) LiveAttempts(ctx context.Context, u *certlab.User) ([]exam.LiveAttempt, error) {
	return s.engine.LiveAttempts(ctx, u)
}

// Pause stops an attempt's clock and records why.
func (s *Service) Pause(ctx context.Context, u *certlab.User, attemptID int64, reason string) (*certlab.Attempt, error) {
	a, err := s.engine.Pause(ctx, u, attemptID)
	if err != nil {
		return nil, err
	}
	return a, s.audit.Record(ctx, u, "attempt.pause", audit.Target("attempt", attemptID), "%s", reason)
}

// Resume restarts an attempt's clock; the deadline moves by the pause.
func (s *Service) Resume(ctx context.Context, u *certlab.User, attemptID int64, reason string) (*certlab.Attempt, error) {
	a, err := s.engine.Resume(ctx, u, attemptID)
	if err != nil {
		return nil, err
	}
	return a, s.audit.Record(ctx, u, "attempt.resume", audit.Target("attempt", attemptID), "deadline now %s; %s", a.Deadline, reason)
}

// End ends an attempt on the proctor's decision and scores it; the reason
// is required and recorded.
func (s *Service) End(ctx context.Context, u *certlab.User, attemptID int64, reason string) (*certlab.Attempt, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "reason: say why the attempt is ended")
	}
	a, err := s.engine.EndAttempt(ctx, u, attemptID)
	if err != nil {
		return nil, err
	}
	return a, s.audit.Record(ctx, u, "attempt.end", audit.Target("attempt", attemptID), "%s", reason)
}

// LogIncident records an incident about an attempt (proctors, admins).
func (s *Service) LogIncident(ctx context.Context, u *certlab.User, attemptID int64, note string) (*certlab.AuditEntry, error) {
	if err := certlab.RequireRole(u, certlab.RoleProctor, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	if strings.TrimSpace(note) == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "note: describe the incident")
	}
	if _, err := s.store.Attempt(ctx, attemptID); err != nil {
		return nil, err
	}
	target := audit.Target("attempt", attemptID)
	if err := s.audit.Record(ctx, u, "attempt.incident", target, "%s", note); err != nil {
		return nil, err
	}
	es, err := s.store.AuditEntries(ctx, certlab.AuditFilter{Target: target, Action: "attempt.incident", Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("incident on attempt %d: recorded but not found in the audit log", attemptID)
	}
	return es[0], nil
}

// Incidents lists the audit entries of an attempt: pauses, resumptions,
// incidents and its end (proctors, admins).
func (s *Service) Incidents(ctx context.Context, u *certlab.User, attemptID int64) ([]*certlab.AuditEntry, error) {
	if err := certlab.RequireRole(u, certlab.RoleProctor, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	out, err := s.store.AuditEntries(ctx, certlab.AuditFilter{Target: audit.Target("attempt", attemptID)})
	if out == nil && err == nil {
		out = []*certlab.AuditEntry{}
	}
	return out, err
}
