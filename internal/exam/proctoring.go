package exam

import (
	"context"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// Proctoring and renewal: a proctor pauses and resumes an attempt's clock
// or ends it with a reason; the renewal assessment is a shorter, timed,
// unproctored form.

func errPaused(a *certlab.Attempt) error {
	return certlab.Errorf(certlab.ECONFLICT, "attempt %d is paused by a proctor: answers are not accepted until it resumes", a.ID)
}

func isProctor(u *certlab.User) bool {
	return u.Role == certlab.RoleProctor || u.Role == certlab.RoleAdmin
}

// RenewalForm assembles a renewal assessment: one general section of
// r.Items items drawn like a practice set (no pilot items, no labs), timed
// by r.TimeLimit.
func RenewalForm(ex *certlab.Exam, r *certlab.Renewal, seed int64) (*certlab.Form, error) {
	if r == nil || r.Items <= 0 {
		return nil, certlab.Errorf(certlab.EINVALID, "exam %s has no renewal assessment", ex.ID)
	}
	f, err := PracticeForm(ex, PracticeOptions{Count: r.Items}, nil, seed)
	if err != nil {
		return nil, err
	}
	f.TimeLimit = r.TimeLimit
	f.Sections[0].Title = "Renewal assessment"
	return f, nil
}

func (e *Engine) renewalForm(ex *certlab.Exam, seed int64) (*certlab.Form, error) {
	p, err := e.Catalog.Program(ex.ProgramID)
	if err != nil {
		return nil, err
	}
	return RenewalForm(ex, p.Renewal, seed)
}

// Pause stops the clock of a running attempt. Only proctors and admins
// pause; saves are refused until Resume.
func (e *Engine) Pause(ctx context.Context, u *certlab.User, id int64) (*certlab.Attempt, error) {
	if !isProctor(u) {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only proctors pause attempts")
	}
	a, _, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if a.Status != certlab.StatusStarted {
		return nil, certlab.Errorf(certlab.ECONFLICT, "attempt %d is %s, not running", id, a.Status)
	}
	if err := e.Store.PauseAttempt(ctx, id, e.now()); err != nil {
		return nil, err
	}
	e.Logger.Info("attempt paused", "attempt", id, "by", u.ID)
	return e.Store.Attempt(ctx, id)
}

// Resume restarts a paused attempt's clock; its deadline moves by the
// length of the pause, so the candidate loses no time.
func (e *Engine) Resume(ctx context.Context, u *certlab.User, id int64) (*certlab.Attempt, error) {
	if !isProctor(u) {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only proctors resume attempts")
	}
	a, err := e.Store.ResumeAttempt(ctx, id, e.now())
	if err != nil {
		return nil, err
	}
	e.Logger.Info("attempt resumed", "attempt", id, "by", u.ID, "deadline", a.Deadline)
	return a, nil
}

// MisconductPrefix starts the submit reason of an attempt a proctor
// voided; the proctor's reason follows.
const MisconductPrefix = "voided by the proctor for misconduct: "

// VoidAttempt ends a running or paused attempt for misconduct on a
// proctor's decision: it is voided, not scored, so it has no report, no
// results and leads to no credential. The reason is kept with the attempt
// and shown to the candidate.
func (e *Engine) VoidAttempt(ctx context.Context, u *certlab.User, id int64, reason string) (*certlab.Attempt, error) {
	if !isProctor(u) {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only proctors end attempts")
	}
	a, _, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if a.Status == certlab.StatusPaused {
		if a, err = e.Store.ResumeAttempt(ctx, id, e.now()); err != nil {
			return nil, err
		}
	}
	if a.Status != certlab.StatusStarted {
		return nil, certlab.Errorf(certlab.ECONFLICT, "attempt %d is %s: it is not running", id, a.Status)
	}
	if a.Mode == certlab.ModePractice {
		return nil, certlab.Errorf(certlab.EINVALID, "attempt %d is a practice set: there is nothing to proctor", id)
	}
	from, at := a.Section, e.now()
	a.Status, a.SubmittedAt, a.SubmitReason, a.Report = certlab.StatusVoided, &at, MisconductPrefix+reason, nil
	if err := e.Store.UpdateAttempt(ctx, a, certlab.StatusStarted, from); err != nil {
		return nil, err
	}
	e.Logger.Info("attempt voided", "attempt", a.ID, "by", u.ID)
	return a, nil
}

// VoidReason is the proctor's reason of an attempt voided for misconduct,
// and whether it was.
func VoidReason(a *certlab.Attempt) (string, bool) {
	if a.Status != certlab.StatusVoided {
		return "", false
	}
	r, ok := strings.CutPrefix(a.SubmitReason, MisconductPrefix)
	if !ok {
		return a.SubmitReason, true
	}
	return r, true
}

// LiveAttempt is a running or paused exam or renewal attempt as a proctor
// sees it.
type LiveAttempt struct {
	AttemptID   int64      `json:"attempt_id"`
	UserID      int64      `json:"user_id"`
	ExamID      string     `json:"exam"`
	Mode        string     `json:"mode"`
	Status      string     `json:"status"`
	StartedAt   *time.Time `json:"started_at,omitempty"`
	Deadline    *time.Time `json:"deadline,omitempty"`
	PausedAt    *time.Time `json:"paused_at,omitempty"`
	SecondsLeft int64      `json:"seconds_left"`
	// Section is the open section (from 0) of Sections; Questions the
	// form's questions.
	Section   int `json:"section"`
	Sections  int `json:"sections"`
	Questions int `json:"questions"`
	certlab.AttemptActivity
}

// LiveAttempts lists running and paused timed attempts with the time each
// has left (a paused clock does not run).
func (e *Engine) LiveAttempts(ctx context.Context, u *certlab.User) ([]LiveAttempt, error) {
	if !isProctor(u) {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "only proctors see live attempts")
	}
	now := e.now()
	out := []LiveAttempt{}
	for _, status := range []string{certlab.StatusStarted, certlab.StatusPaused} {
		as, err := e.Store.Attempts(ctx, certlab.AttemptFilter{Status: status, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if a.Mode == certlab.ModePractice || a.Deadline == nil {
				continue
			}
			ls := LiveAttempt{AttemptID: a.ID, UserID: a.UserID, ExamID: a.ExamID, Mode: a.Mode, Status: a.Status, StartedAt: a.StartedAt, Deadline: a.Deadline,
				Section: a.Section, Sections: len(a.Form.Sections), Questions: len(a.Form.Questions())}
			clock := now
			if a.Status == certlab.StatusPaused {
				ps, err := e.Store.AttemptPauses(ctx, a.ID)
				if err != nil {
					return nil, err
				}
				for _, p := range ps {
					if p.ResumedAt == nil {
						at := p.PausedAt
						ls.PausedAt, clock = &at, at
					}
				}
			}
			ls.SecondsLeft = max(int64(a.Deadline.Sub(clock)/time.Second), 0)
			if a.Status == certlab.StatusStarted && ls.SecondsLeft == 0 {
				continue // its deadline passed: the sweep submits it
			}
			act, err := e.Store.AttemptActivity(ctx, a.ID)
			if err != nil {
				return nil, err
			}
			ls.AttemptActivity = *act
			out = append(out, ls)
		}
	}
	return out, nil
}
