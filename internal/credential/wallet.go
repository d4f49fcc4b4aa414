package credential

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certlab/certlab"
)

// The states the wallet shows for a credential. They refine the stored
// status with the dates: an active credential whose renewal window is open
// (or, for a program without renewal, that ends within 30 days) is
// expiring.
const (
	StatePending  = "pending"
	StateActive   = "active"
	StateExpiring = "expiring"
	StateExpired  = "expired"
	StateRevoked  = "revoked"
)

// expiringWithout is how close to its end a credential of a program
// without a renewal assessment counts as expiring.
const expiringWithout = 30 * 24 * time.Hour

// WalletEntry is one of a holder's credentials as the wallet shows it.
type WalletEntry struct {
	Credential *certlab.Credential `json:"credential"`
	// Name is the program's name, the credential's title.
	Name  string `json:"name"`
	State string `json:"state"`
	// Missing lists, for a pending credential, what is still required,
	// in words.
	Missing []string `json:"missing,omitempty"`
	// Renewal is the renewal window of an active credential; nil for
	// other states and programs without a renewal assessment.
	Renewal *RenewalWindow `json:"renewal,omitempty"`
	// ImageURL is the badge image, the SVG the signed credential embeds.
	ImageURL string `json:"image_url"`
	// Links are the issued credential's public links; nil while pending.
	Links *CredentialLinks `json:"links,omitempty"`
}

// CredentialLinks are the public links of an issued credential.
type CredentialLinks struct {
	// Public is the credential's id: a page for a browser, the JSON-LD
	// document for everyone else; it is the link to share.
	Public string `json:"public"`
	// JWT is the same credential as a VC-JWT.
	JWT string `json:"jwt"`
	// Verify opens the verification page on this credential.
	Verify string `json:"verify"`
	// LinkedIn adds the credential to the holder's LinkedIn profile
	// (LinkedIn's "Add to profile" link for certifications).
	LinkedIn string `json:"linkedin"`
}

// RenewalWindow is when an active credential can be renewed and whether
// the renewal assessment can be started now.
type RenewalWindow struct {
	// Exam is the exam whose renewal assessment renews the credential.
	Exam      string     `json:"exam"`
	Opens     time.Time  `json:"opens"`
	Closes    time.Time  `json:"closes"` // the credential's valid_until
	Open      bool       `json:"open"`
	Upcoming  bool       `json:"upcoming"` // the window opens later
	Items     int        `json:"items"`
	Minutes   int        `json:"minutes"`
	Allowed   bool       `json:"allowed"` // the assessment can be started now
	Reason    string     `json:"reason,omitempty"`
	NextAt    *time.Time `json:"next_attempt_at,omitempty"`
	ExtendsTo time.Time  `json:"extends_to"` // valid_until after a passed renewal
}

// Wallet lists the user's credentials, oldest first, with their states,
// what pending ones miss, renewal windows and public links.
func (s *Service) Wallet(ctx context.Context, u *certlab.User) ([]WalletEntry, error) {
	cs, err := s.Credentials(ctx, u)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var st *standing
	out := []WalletEntry{}
	for _, c := range cs {
		e := WalletEntry{Credential: c, Name: c.ProgramID, State: c.Status, ImageURL: s.AchievementURL(c.ProgramID) + "/image"}
		p, perr := s.catalog.Program(c.ProgramID)
		if perr == nil {
			e.Name = p.Name
		}
		switch c.Status {
		case certlab.CredentialPending:
			if perr == nil {
				if st == nil {
					if st, err = s.standing(ctx, u.ID, now); err != nil {
						return nil, err
					}
				}
				if e.Missing, err = s.missing(ctx, u, p, st, time.Time{}); err != nil {
					return nil, err
				}
			}
		case certlab.CredentialActive:
			if perr == nil {
				if e.Renewal, err = s.renewalWindow(ctx, u, p, c, now); err != nil {
					return nil, err
				}
			}
			if c.ValidUntil != nil && !c.ValidUntil.After(now) {
				e.State = StateExpired // the sweep has not run yet
			} else if c.ValidUntil != nil && (e.Renewal != nil && e.Renewal.Open || e.Renewal == nil && c.ValidUntil.Sub(now) <= expiringWithout) {
				e.State = StateExpiring
			}
		}
		if len(c.Document) > 0 {
			e.Links = s.links(c, e.Name)
		}
		out = append(out, e)
	}
	return out, nil
}

// links are an issued credential's public links.
func (s *Service) links(c *certlab.Credential, name string) *CredentialLinks {
	pub := s.CredentialURL(c.PublicID)
	return &CredentialLinks{Public: pub, JWT: pub + "?format=jwt", Verify: s.cfg.BaseURL + "/verify?url=" + url.QueryEscape(pub),
		LinkedIn: s.LinkedInURL(c, name)}
}

// LinkedInURL is LinkedIn's "Add to profile" link for a certification
// (https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME, as
// addtoprofile.linkedin.com documents it): the credential's name, the
// issuer (by name, or by LinkedIn organisation id when configured), the
// month of issue and of expiry, the credential's public URL and its id.
// Nothing about the holder is in it.
func (s *Service) LinkedInURL(c *certlab.Credential, name string) string {
	q := url.Values{}
	q.Set("startTask", "CERTIFICATION_NAME")
	q.Set("name", name)
	if s.cfg.LinkedInOrganizationID != "" {
		q.Set("organizationId", s.cfg.LinkedInOrganizationID)
	} else {
		q.Set("organizationName", s.cfg.IssuerName)
	}
	if c.IssuedAt != nil {
		q.Set("issueYear", strconv.Itoa(c.IssuedAt.UTC().Year()))
		q.Set("issueMonth", strconv.Itoa(int(c.IssuedAt.UTC().Month())))
	}
	if c.ValidUntil != nil {
		q.Set("expirationYear", strconv.Itoa(c.ValidUntil.UTC().Year()))
		q.Set("expirationMonth", strconv.Itoa(int(c.ValidUntil.UTC().Month())))
	}
	q.Set("certUrl", s.CredentialURL(c.PublicID))
	q.Set("certId", c.PublicID)
	return "https://www.linkedin.com/profile/add?" + q.Encode()
}

// RenewalExam is the exam whose renewal assessment renews a program's
// credential: the first exam its requirements name that belongs to it.
func RenewalExam(p *certlab.Program) *certlab.Exam {
	named := map[string]bool{}
	for _, id := range requirementExams(p.Requirements) {
		named[id] = true
	}
	for _, ex := range p.Exams {
		if named[ex.ID] {
			return ex
		}
	}
	return nil
}

// renewalWindow describes the renewal window of an active credential.
func (s *Service) renewalWindow(ctx context.Context, u *certlab.User, p *certlab.Program, c *certlab.Credential, now time.Time) (*RenewalWindow, error) {
	ex := RenewalExam(p)
	if p.Renewal == nil || p.Renewal.Items <= 0 || c.ValidUntil == nil || ex == nil {
		return nil, nil
	}
	w := &RenewalWindow{Exam: ex.ID, Opens: c.ValidUntil.Add(-p.Renewal.OpensBefore.Duration), Closes: *c.ValidUntil,
		Items: p.Renewal.Items, Minutes: int(p.Renewal.TimeLimit.Duration / time.Minute), ExtendsTo: c.ValidUntil.Add(p.Validity.Duration)}
	w.Open = !now.Before(w.Opens) && now.Before(w.Closes)
	w.Upcoming = now.Before(w.Opens)
	el, err := s.renewalEligibility(ctx, u, ex)
	if err != nil {
		return nil, err
	}
	w.Allowed, w.Reason, w.NextAt = el.Allowed, el.Reason, el.NextAttemptAt
	return w, nil
}

// missing says, in words, which of a program's requirements the user does
// not meet yet: exams passed after since count, credentials held now.
func (s *Service) missing(ctx context.Context, u *certlab.User, p *certlab.Program, st *standing, since time.Time) ([]string, error) {
	declared, err := s.store.ExternalCredentials(ctx, certlab.ExternalFilter{UserID: &u.ID, Status: certlab.ExternalDeclared})
	if err != nil {
		return nil, fmt.Errorf("requirements of %s: %w", p.ID, err)
	}
	awaiting := map[string]bool{}
	for _, e := range declared {
		awaiting[e.CredentialID] = true
	}
	passed := st.passedSince(since)
	var out []string
	var walk func(r *certlab.Requirement)
	walk = func(r *certlab.Requirement) {
		if r == nil || r.Satisfied(passed, st.held) {
			return
		}
		if len(r.All) > 0 {
			for _, sub := range r.All {
				walk(sub)
			}
			return
		}
		out = append(out, s.describeMissing(r, awaiting))
	}
	walk(p.Requirements)
	return out, nil
}

// describeMissing words one unmet requirement: an exam to pass, a
// credential to hold (with how to earn it here, and whether one declared
// elsewhere awaits review), or alternatives joined by "or".
func (s *Service) describeMissing(r *certlab.Requirement, awaiting map[string]bool) string {
	switch {
	case r.Exam != "":
		if ex, err := s.catalog.Exam(r.Exam); err == nil {
			return "pass " + ex.Title
		}
		return "pass exam " + r.Exam
	case r.Credential != "":
		name, how := r.Credential, ""
		if cp, err := s.catalog.Program(r.Credential); err == nil {
			name = cp.Name
			if exID := singleExam(cp.Requirements); exID != "" {
				how = " (pass " + strings.ToUpper(exID) + ")"
			}
		}
		out := "hold the " + name + " credential" + how
		if awaiting[r.Credential] {
			out += "; the one you declared awaits an administrator's review"
		}
		return out
	}
	parts, sep := r.All, " and "
	if len(r.Any) > 0 {
		parts, sep = r.Any, " or "
	}
	var words []string
	for _, sub := range parts {
		words = append(words, s.describeMissing(sub, awaiting))
	}
	return strings.Join(words, sep)
}

// Outcome kinds: what an exam or renewal result means for a credential.
const (
	OutcomeEarned    = "earned"     // the credential is issued (with this pass or since)
	OutcomePending   = "pending"    // passed, but other requirements are missing
	OutcomeNotPassed = "not-passed" // the exam was failed: nothing changes
	OutcomeRenewed   = "renewed"    // a passed renewal extended the credential
	OutcomeNoCredit  = "no-credit"  // an unproctored practice exam earns nothing
)

// Outcome is what an attempt's result means for the credential of its
// program, for the score report ("pass screen").
type Outcome struct {
	Kind        string              `json:"kind"`
	Program     string              `json:"program"`
	Name        string              `json:"name"`
	Message     string              `json:"message"`
	Missing     []string            `json:"missing,omitempty"`
	Credential  *certlab.Credential `json:"credential,omitempty"`
	NextAttempt *time.Time          `json:"next_attempt_at,omitempty"`
	Links       *CredentialLinks    `json:"links,omitempty"`
}

// Outcome says what a scored exam or renewal attempt means for the
// credential of the program its exam counts towards; nil for practice
// and for exams no program requires.
func (s *Service) Outcome(ctx context.Context, u *certlab.User, a *certlab.Attempt) (*Outcome, error) {
	if a.Report == nil || a.UserID != u.ID || a.Mode == certlab.ModePractice {
		return nil, nil
	}
	ex, err := s.catalog.Exam(a.ExamID)
	if err != nil {
		return nil, nil
	}
	p, err := s.catalog.Program(ex.ProgramID)
	if err != nil {
		return nil, nil
	}
	o := &Outcome{Program: p.ID, Name: p.Name}
	if a.Mode == certlab.ModeExam && !ex.Proctored() {
		o.Kind, o.Message = OutcomeNoCredit, "This unproctored practice exam earns no credential: only the proctored exam counts."
		return o, nil
	}
	required := false
	for _, id := range requirementExams(p.Requirements) {
		required = required || id == ex.ID
	}
	if !required && a.Mode == certlab.ModeExam {
		return nil, nil
	}
	c, err := s.current(ctx, u.ID, p.ID)
	if err != nil && certlab.ErrorCode(err) != certlab.ENOTFOUND {
		return nil, err
	}
	o.Credential = c
	if c != nil && len(c.Document) > 0 {
		o.Links = s.links(c, p.Name)
	}
	if a.Mode == certlab.ModeRenewal {
		switch {
		case a.Report.Passed && c != nil && c.Status == certlab.CredentialActive && c.ValidUntil != nil:
			o.Kind, o.Message = OutcomeRenewed, fmt.Sprintf("Renewal passed: your %s credential is extended and now valid until %s. It was signed again with the new dates.", p.Name, day(*c.ValidUntil))
		default:
			o.Kind = OutcomeNotPassed
			o.Message = "Renewal not passed: the renewal assessment is free and can be taken again."
			if c != nil && c.ValidUntil != nil {
				o.Message += fmt.Sprintf(" Your credential stays valid until %s.", day(*c.ValidUntil))
			}
			if el, err := s.renewalEligibility(ctx, u, ex); err == nil && !el.Allowed {
				o.NextAttempt = el.NextAttemptAt
				o.Message += " " + sentence(el.Reason)
			}
		}
		return o, nil
	}
	if !a.Report.Passed {
		o.Kind = OutcomeNotPassed
		o.Message = fmt.Sprintf("This result does not change your %s credential.", p.Name)
		if el, err := s.examEligibility(ctx, u, ex); err == nil && el.NextAttemptAt != nil && !el.Allowed {
			o.NextAttempt = el.NextAttemptAt
			o.Message += fmt.Sprintf(" The retake policy allows your next attempt from %s.", el.NextAttemptAt.UTC().Format("2006-01-02 15:04 UTC"))
		}
		return o, nil
	}
	switch {
	case c != nil && c.Status == certlab.CredentialActive:
		o.Kind = OutcomeEarned
		o.Message = fmt.Sprintf("You hold the %s credential", p.Name)
		if c.IssuedAt != nil {
			o.Message += ", issued " + day(*c.IssuedAt)
		}
		if c.ValidUntil != nil {
			o.Message += " and valid until " + day(*c.ValidUntil)
		}
		o.Message += ". It is signed as an Open Badges 3.0 credential: download it, share it or add it to LinkedIn from your credentials."
	case c != nil && c.Status == certlab.CredentialRevoked:
		o.Kind, o.Message = OutcomeNotPassed, fmt.Sprintf("Your %s credential was revoked; passing again does not re-issue it. Contact the administrator.", p.Name)
	default:
		st, err := s.standing(ctx, u.ID, s.clock())
		if err != nil {
			return nil, err
		}
		var since time.Time
		if c != nil && c.Status == certlab.CredentialExpired && c.ValidUntil != nil {
			since = *c.ValidUntil
		}
		if o.Missing, err = s.missing(ctx, u, p, st, since); err != nil {
			return nil, err
		}
		o.Kind = OutcomePending
		o.Message = fmt.Sprintf("Your pass counts towards the %s credential, which is pending: it is issued as soon as every requirement holds.", p.Name)
	}
	return o, nil
}

// AttemptOutcome is Outcome for an attempt by id, which its owner (or an
// admin) may read.
func (s *Service) AttemptOutcome(ctx context.Context, u *certlab.User, id int64) (*Outcome, error) {
	a, err := s.store.Attempt(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.UserID != u.ID && u.Role != certlab.RoleAdmin {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "attempt %d not found", id)
	}
	if a.Status != certlab.StatusScored {
		return nil, certlab.Errorf(certlab.ECONFLICT, "attempt %d is %s: it has no result yet", id, a.Status)
	}
	owner := u
	if a.UserID != u.ID {
		if owner, err = s.store.User(ctx, a.UserID); err != nil {
			return nil, err
		}
	}
	return s.Outcome(ctx, owner, a)
}

// singleExam is the exam a requirement of exactly one exam names, or "".
func singleExam(r *certlab.Requirement) string {
	switch {
	case r == nil:
		return ""
	case r.Exam != "":
		return r.Exam
	case len(r.All) == 1:
		return singleExam(r.All[0])
	case len(r.Any) == 1:
		return singleExam(r.Any[0])
	}
	return ""
}

func day(t time.Time) string { return t.UTC().Format("2 January 2006") }

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
