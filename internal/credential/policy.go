package credential

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// Eligibility says whether a user may start an attempt of an exam in a
// mode now, and if not, why and from when.
type Eligibility struct {
	Exam          string     `json:"exam"`
	Mode          string     `json:"mode"`
	Allowed       bool       `json:"allowed"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"` // when the policy allows the next attempt
	Reason        string     `json:"reason,omitempty"`
	// AttemptsIn12Months counts exam attempts in the last 12 months.
	AttemptsIn12Months int `json:"attempts_in_12_months,omitempty"`
	MaxIn12Months      int `json:"max_in_12_months,omitempty"`
}

// DefaultRetake is Microsoft's retake policy, used when an exam has none:
// 24 hours after a first failure, 14 days between later attempts, at most
// 5 attempts in 12 months.
var DefaultRetake = certlab.RetakePolicy{
	AfterFirstFailure: certlab.Duration{Duration: 24 * time.Hour},
	BetweenLater:      certlab.Duration{Duration: 14 * 24 * time.Hour},
	MaxIn12Months:     5,
}

func open(a *certlab.Attempt) bool {
	switch a.Status {
	case certlab.StatusCreated, certlab.StatusStarted, certlab.StatusPaused, certlab.StatusSubmitted:
		return true
	}
	return false
}

func later(a *time.Time, b time.Time) *time.Time {
	if a == nil || b.After(*a) {
		return &b
	}
	return a
}

// CheckAttempt is the exam engine's hook on new attempts: it enforces the
// retake policy for exams and the window and wait rules for renewals.
func (s *Service) CheckAttempt(ctx context.Context, u *certlab.User, ex *certlab.Exam, mode string) error {
	if mode != certlab.ModeExam && mode != certlab.ModeRenewal {
		return nil
	}
	el, err := s.Eligibility(ctx, u, ex, mode)
	if err != nil {
		return err
	}
	if el.Allowed {
		return nil
	}
	if el.NextAttemptAt != nil {
		return certlab.Errorf(certlab.ECONFLICT, "%s; the next attempt is allowed at %s", el.Reason, el.NextAttemptAt.UTC().Format(time.RFC3339))
	}
	return certlab.Errorf(certlab.ECONFLICT, "%s", el.Reason)
}

// Eligibility applies the retake policy (mode exam) or the renewal rules
// (mode renewal) to the user's attempts.
func (s *Service) Eligibility(ctx context.Context, u *certlab.User, ex *certlab.Exam, mode string) (*Eligibility, error) {
	switch mode {
	case certlab.ModeExam:
		return s.examEligibility(ctx, u, ex)
	case certlab.ModeRenewal:
		return s.renewalEligibility(ctx, u, ex)
	case certlab.ModePractice:
		return &Eligibility{Exam: ex.ID, Mode: mode, Allowed: true}, nil
	}
	return nil, certlab.Errorf(certlab.EINVALID, "mode %q must be exam, practice or renewal", mode)
}

func (s *Service) examEligibility(ctx context.Context, u *certlab.User, ex *certlab.Exam) (*Eligibility, error) {
	if !ex.Proctored() {
		// An unproctored practice exam earns nothing: no retake rules.
		return &Eligibility{Exam: ex.ID, Mode: certlab.ModeExam, Allowed: true}, nil
	}
	pol := ex.Policy.Retake
	if pol == (certlab.RetakePolicy{}) {
		pol = DefaultRetake
	}
	now := s.clock()
	el := &Eligibility{Exam: ex.ID, Mode: certlab.ModeExam, MaxIn12Months: pol.MaxIn12Months}
	as, err := s.store.Attempts(ctx, certlab.AttemptFilter{UserID: &u.ID, ExamID: ex.ID, Mode: certlab.ModeExam})
	if err != nil {
		return nil, fmt.Errorf("retake policy of %s: %w", ex.ID, err)
	}
	// as is newest first.
	for _, a := range as {
		if open(a) {
			el.Reason = fmt.Sprintf("attempt %d of %s is still open: finish it first", a.ID, ex.ID)
			return el, nil
		}
	}
	yearAgo := now.AddDate(-1, 0, 0)
	var oldest *certlab.Attempt
	for _, a := range as {
		if a.CreatedAt.After(yearAgo) {
			el.AttemptsIn12Months++
			oldest = a
		}
	}
	var next *time.Time
	if pol.MaxIn12Months > 0 && el.AttemptsIn12Months >= pol.MaxIn12Months {
		next = later(next, oldest.CreatedAt.AddDate(1, 0, 0))
		el.Reason = fmt.Sprintf("%s allows at most %d attempts in 12 months", ex.ID, pol.MaxIn12Months)
	}
	// Failures since the last pass decide the wait.
	failures := 0
	var lastFail *certlab.Attempt
	for _, a := range as {
		if a.Report == nil {
			continue
		}
		if a.Report.Passed {
			break
		}
		if lastFail == nil {
			lastFail = a
		}
		failures++
	}
	if lastFail != nil && lastFail.SubmittedAt != nil {
		wait, why := pol.AfterFirstFailure.Duration, "a first failed attempt"
		if failures >= 2 {
			wait, why = pol.BetweenLater.Duration, fmt.Sprintf("%d failed attempts", failures)
		}
		at := lastFail.SubmittedAt.Add(wait)
		if at.After(now) && (next == nil || at.After(*next)) {
			el.Reason = fmt.Sprintf("after %s of %s the retake policy asks for a wait of %s", why, ex.ID, formatWait(wait))
		}
		next = later(next, at)
	}
	if next == nil || !next.After(now) {
		el.Allowed, el.Reason = true, ""
	}
	el.NextAttemptAt = next
	return el, nil
}

func formatWait(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d >= 48*time.Hour {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return fmt.Sprintf("%.0f hours", d.Hours())
}

func (s *Service) renewalEligibility(ctx context.Context, u *certlab.User, ex *certlab.Exam) (*Eligibility, error) {
	el := &Eligibility{Exam: ex.ID, Mode: certlab.ModeRenewal}
	p, err := s.catalog.Program(ex.ProgramID)
	if err != nil {
		return nil, err
	}
	if p.Renewal == nil || p.Renewal.Items <= 0 {
		el.Reason = fmt.Sprintf("%s has no renewal assessment", p.ID)
		return el, nil
	}
	now := s.clock()
	c, err := s.current(ctx, u.ID, p.ID)
	if err != nil && certlab.ErrorCode(err) != certlab.ENOTFOUND {
		return nil, err
	}
	switch {
	case c == nil || c.Status == certlab.CredentialPending:
		el.Reason = fmt.Sprintf("you hold no %s credential to renew", p.ID)
		return el, nil
	case c.Status == certlab.CredentialRevoked:
		el.Reason = fmt.Sprintf("your %s credential was revoked", p.ID)
		return el, nil
	case c.Status == certlab.CredentialExpired || c.ValidUntil == nil || !c.ValidUntil.After(now):
		el.Reason = fmt.Sprintf("your %s credential has expired: pass the exam again to earn it", p.ID)
		return el, nil
	}
	opens := c.ValidUntil.Add(-p.Renewal.OpensBefore.Duration)
	if now.Before(opens) {
		el.Reason = fmt.Sprintf("the renewal assessment opens %s before your credential expires", formatWait(p.Renewal.OpensBefore.Duration))
		el.NextAttemptAt = &opens
		return el, nil
	}
	as, err := s.store.Attempts(ctx, certlab.AttemptFilter{UserID: &u.ID, ExamID: ex.ID, Mode: certlab.ModeRenewal})
	if err != nil {
		return nil, fmt.Errorf("renewal rules of %s: %w", ex.ID, err)
	}
	failures := 0
	var lastFail *certlab.Attempt
	for _, a := range as {
		if a.CreatedAt.Before(opens) {
			continue
		}
		if open(a) {
			el.Reason = fmt.Sprintf("renewal attempt %d is still open: finish it first", a.ID)
			return el, nil
		}
		if a.Report != nil && !a.Report.Passed {
			failures++
			if lastFail == nil {
				lastFail = a
			}
		}
	}
	if n := p.Renewal.RetakeWaitAfterFailures; n > 0 && failures >= n && lastFail != nil && lastFail.SubmittedAt != nil {
		at := lastFail.SubmittedAt.Add(p.Renewal.RetakeWait.Duration)
		if at.After(now) {
			el.Reason = fmt.Sprintf("after %d failed renewal attempts the next one waits %s", failures, formatWait(p.Renewal.RetakeWait.Duration))
			el.NextAttemptAt = &at
			return el, nil
		}
	}
	el.Allowed = true
	return el, nil
}

// Prerequisites says which credentials the program of an exam requires
// besides its exams (for the DevOps Engineer Expert: the Azure
// Administrator or the Azure Developer credential), and which of them the
// candidate holds.
type Prerequisites struct {
	Program     string               `json:"program"`
	Met         bool                 `json:"met"` // the credentials required are held (exams aside)
	Rule        string               `json:"rule,omitempty"`
	Credentials []PrerequisiteStatus `json:"credentials"`
}

// PrerequisiteStatus is one credential a program's requirements name.
type PrerequisiteStatus struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Held bool   `json:"held"`
}

// Prerequisites reports the credential prerequisites of the exam's program.
func (s *Service) Prerequisites(ctx context.Context, u *certlab.User, ex *certlab.Exam) (*Prerequisites, error) {
	p, err := s.catalog.Program(ex.ProgramID)
	if err != nil {
		return nil, err
	}
	st, err := s.standing(ctx, u.ID, s.clock())
	if err != nil {
		return nil, err
	}
	out := &Prerequisites{Program: p.ID, Credentials: []PrerequisiteStatus{}}
	allExams := map[string]bool{}
	for _, e := range requirementExams(p.Requirements) {
		allExams[e] = true
	}
	out.Met = p.Requirements.Satisfied(allExams, st.held)
	out.Rule = s.describeRequirement(p.Requirements, true)
	var walk func(r *certlab.Requirement)
	walk = func(r *certlab.Requirement) {
		if r == nil {
			return
		}
		if r.Credential != "" {
			name := r.Credential
			if cp, err := s.catalog.Program(r.Credential); err == nil {
				name = cp.Name
			}
			out.Credentials = append(out.Credentials, PrerequisiteStatus{ID: r.Credential, Name: name, Held: st.held[r.Credential]})
		}
		for _, c := range append(append([]*certlab.Requirement(nil), r.All...), r.Any...) {
			walk(c)
		}
	}
	walk(p.Requirements)
	return out, nil
}

// describeRequirement words the credential part of a requirement ("Azure
// Administrator Associate or Azure Developer Associate"); exams are left out.
func (s *Service) describeRequirement(r *certlab.Requirement, top bool) string {
	if r == nil {
		return ""
	}
	switch {
	case r.Credential != "":
		if cp, err := s.catalog.Program(r.Credential); err == nil {
			return cp.Name
		}
		return r.Credential
	case r.Exam != "":
		return ""
	}
	var parts []string
	for _, c := range append(append([]*certlab.Requirement(nil), r.All...), r.Any...) {
		if d := s.describeRequirement(c, false); d != "" {
			parts = append(parts, d)
		}
	}
	sep := " and "
	if len(r.Any) > 0 {
		sep = " or "
	}
	return strings.Join(parts, sep)
}
