// Package proctor is what proctors do to running attempts: list the live
// ones, pause and resume their clock, end them with a reason, and log
// incidents. The exam engine carries each action out; every one goes to
// the audit log with the proctor's reason.
package proctor

import (
	"context"
	"fmt"
	"strings"
	"time"

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

// Pause stops an attempt's clock and records why; the reason is required.
func (s *Service) Pause(ctx context.Context, u *certlab.User, attemptID int64, reason string) (*certlab.Attempt, error) {
	reason, err := requireReason(u, reason, "the attempt is paused")
	if err != nil {
		return nil, err
	}
	a, err := s.engine.Pause(ctx, u, attemptID)
	if err != nil {
		return nil, err
	}
	return a, s.audit.Record(ctx, u, "attempt.pause", audit.Target("attempt", attemptID), "%s", reason)
}

// Resume restarts an attempt's clock; the deadline moves by the pause. The
// reason is required.
func (s *Service) Resume(ctx context.Context, u *certlab.User, attemptID int64, reason string) (*certlab.Attempt, error) {
	reason, err := requireReason(u, reason, "the attempt resumes")
	if err != nil {
		return nil, err
	}
	a, err := s.engine.Resume(ctx, u, attemptID)
	if err != nil {
		return nil, err
	}
	return a, s.audit.Record(ctx, u, "attempt.resume", audit.Target("attempt", attemptID), "deadline now %s; %s", a.Deadline.Format(time.RFC3339), reason)
}

// End ends a sitting for misconduct: the attempt is voided, not scored, so
// no credential can follow from it, and the candidate's pages say so with
// the reason, which is required and recorded.
func (s *Service) End(ctx context.Context, u *certlab.User, attemptID int64, reason string) (*certlab.Attempt, error) {
	reason, err := requireReason(u, reason, "the attempt is ended")
	if err != nil {
		return nil, err
	}
	a, err := s.engine.VoidAttempt(ctx, u, attemptID, reason)
	if err != nil {
		return nil, err
	}
	return a, s.audit.Record(ctx, u, "attempt.void", audit.Target("attempt", attemptID), "ended for misconduct, voided: %s", reason)
}

// requireReason checks that u is a proctor or an admin, then the reason.
func requireReason(u *certlab.User, reason, what string) (string, error) {
	if err := certlab.RequireRole(u, certlab.RoleProctor, certlab.RoleAdmin); err != nil {
		return "", err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", certlab.Errorf(certlab.EINVALID, "reason: say why %s", what)
	case len(reason) > 1000:
		return "", certlab.Errorf(certlab.EINVALID, "reason: at most 1,000 characters")
	}
	return reason, nil
}

// LogIncident records an incident about an attempt (proctors, admins).
func (s *Service) LogIncident(ctx context.Context, u *certlab.User, attemptID int64, note string) (*certlab.AuditEntry, error) {
	if err := certlab.RequireRole(u, certlab.RoleProctor, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	if strings.TrimSpace(note) == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "note: describe the incident")
	}
	if len(note) > 4000 {
		return nil, certlab.Errorf(certlab.EINVALID, "note: at most 4,000 characters")
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

// Connection states of a live attempt, from the candidate's last contact
// with the server (a page, the exam script's time check every 30 s, or a
// save).
const (
	Connected = "connected"  // contact within ConnectedWithin
	Quiet     = "quiet"      // contact within QuietWithin
	NoContact = "no contact" // none for longer, or never
)

// Thresholds of the connection states.
const (
	ConnectedWithin = 75 * time.Second
	QuietWithin     = 5 * time.Minute
)

// Connection is the connection state of an attempt whose candidate last
// reached the server at last (nil: never), at now.
func Connection(last *time.Time, now time.Time) string {
	switch {
	case last == nil:
		return NoContact
	case now.Sub(*last) <= ConnectedWithin:
		return Connected
	case now.Sub(*last) <= QuietWithin:
		return Quiet
	}
	return NoContact
}

// Sitting is a timed attempt as a proctor follows it: the engine's live
// view, its candidate and the connection state.
type Sitting struct {
	exam.LiveAttempt
	Email      string `json:"email"`
	Name       string `json:"name"`
	Connection string `json:"connection"`
	// LastContactAt is the later of the last save and the last contact.
	LastContactAt *time.Time `json:"last_contact_at,omitempty"`
	// VoidReason is the proctor's reason when the attempt was voided.
	VoidReason string `json:"void_reason,omitempty"`
}

// Sittings lists the running and paused timed attempts with their
// candidates and connection states (proctors, admins).
func (s *Service) Sittings(ctx context.Context, u *certlab.User) ([]Sitting, error) {
	live, err := s.engine.LiveAttempts(ctx, u)
	if err != nil {
		return nil, err
	}
	now := s.engine.Now().UTC()
	out := make([]Sitting, 0, len(live))
	users := map[int64]*certlab.User{}
	for _, l := range live {
		cu, ok := users[l.UserID]
		if !ok {
			if cu, err = s.store.User(ctx, l.UserID); err != nil {
				return nil, err
			}
			users[l.UserID] = cu
		}
		out = append(out, sitting(l, cu, now))
	}
	return out, nil
}

func sitting(l exam.LiveAttempt, cu *certlab.User, now time.Time) Sitting {
	last := l.LastSeenAt
	if l.LastSavedAt != nil && (last == nil || l.LastSavedAt.After(*last)) {
		last = l.LastSavedAt
	}
	return Sitting{LiveAttempt: l, Email: cu.Email, Name: cu.Name, LastContactAt: last, Connection: Connection(last, now)}
}

// SittingOf returns one timed attempt as Sittings shows it, live or not
// (a voided one with the reason); practice sets are not found (proctors,
// admins).
func (s *Service) SittingOf(ctx context.Context, u *certlab.User, attemptID int64) (*Sitting, error) {
	live, err := s.Sittings(ctx, u)
	if err != nil {
		return nil, err
	}
	for _, l := range live {
		if l.AttemptID == attemptID {
			return &l, nil
		}
	}
	a, err := s.store.Attempt(ctx, attemptID)
	if err != nil {
		return nil, err
	}
	if a.Mode == certlab.ModePractice {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "attempt %d is a practice set, not a sitting", attemptID)
	}
	cu, err := s.store.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	act, err := s.store.AttemptActivity(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	l := exam.LiveAttempt{AttemptID: a.ID, UserID: a.UserID, ExamID: a.ExamID, Mode: a.Mode, Status: a.Status, StartedAt: a.StartedAt, Deadline: a.Deadline,
		Section: a.Section, Sections: len(a.Form.Sections), Questions: len(a.Form.Questions()), AttemptActivity: *act}
	out := sitting(l, cu, s.engine.Now().UTC())
	out.VoidReason, _ = exam.VoidReason(a)
	return &out, nil
}
