package credential

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
)

// OnScored is the exam engine's hook: a passed exam triggers evaluation, a
// passed renewal assessment extends the credential. Failures are logged;
// the periodic Sweep evaluates pending credentials again.
func (s *Service) OnScored(ctx context.Context, a *certlab.Attempt) {
	if a.Report == nil || !a.Report.Passed {
		return
	}
	var err error
	switch a.Mode {
	case certlab.ModeExam:
		_, err = s.Evaluate(ctx, a.UserID)
	case certlab.ModeRenewal:
		_, err = s.renew(ctx, a)
	}
	if err != nil {
		s.logger.Error("credential update after scoring failed", "attempt", a.ID, "user", a.UserID, "err", err)
	}
}

// standing is what a user has achieved: exam passes (with their times)
// and credentials held.
type standing struct {
	passes map[string][]time.Time // exam -> times of passed exam attempts
	held   map[string]bool        // credential or program id -> held now
	creds  map[string]*certlab.Credential
}

func (s *Service) standing(ctx context.Context, userID int64, now time.Time) (*standing, error) {
	st := &standing{passes: map[string][]time.Time{}, held: map[string]bool{}, creds: map[string]*certlab.Credential{}}
	as, err := s.store.Attempts(ctx, certlab.AttemptFilter{UserID: &userID, Status: certlab.StatusScored, Mode: certlab.ModeExam})
	if err != nil {
		return nil, fmt.Errorf("evaluate user %d: %w", userID, err)
	}
	for _, a := range as {
		if a.Report != nil && a.Report.Passed && a.SubmittedAt != nil {
			st.passes[a.ExamID] = append(st.passes[a.ExamID], *a.SubmittedAt)
		}
	}
	ext, err := s.store.ExternalCredentials(ctx, certlab.ExternalFilter{UserID: &userID, Status: certlab.ExternalVerified})
	if err != nil {
		return nil, fmt.Errorf("evaluate user %d: %w", userID, err)
	}
	for _, e := range ext {
		if e.ExpiresAt == nil || e.ExpiresAt.After(now) {
			st.held[e.CredentialID] = true
		}
	}
	cs, err := s.store.Credentials(ctx, certlab.CredentialFilter{UserID: &userID})
	if err != nil {
		return nil, fmt.Errorf("evaluate user %d: %w", userID, err)
	}
	for _, c := range cs {
		st.creds[c.ProgramID] = c
		if c.Status == certlab.CredentialActive && (c.ValidUntil == nil || c.ValidUntil.After(now)) {
			st.held[c.ProgramID] = true
		}
	}
	return st, nil
}

// passedSince returns the exams passed after since.
func (st *standing) passedSince(since time.Time) map[string]bool {
	out := map[string]bool{}
	for ex, times := range st.passes {
		for _, t := range times {
			if t.After(since) {
				out[ex] = true
			}
		}
	}
	return out
}

// requirementExams lists the exams a requirement names.
func requirementExams(r *certlab.Requirement) []string {
	if r == nil {
		return nil
	}
	out := []string{}
	if r.Exam != "" {
		out = append(out, r.Exam)
	}
	for _, sub := range append(append([]*certlab.Requirement{}, r.All...), r.Any...) {
		out = append(out, requirementExams(sub)...)
	}
	return out
}

// Evaluate checks every program's requirements for the user and issues
// the credentials whose requirements now hold; a program where an exam is
// passed but other requirements are missing gets a pending credential. An
// expired credential counts only exams passed after it expired. It
// returns the credentials issued.
func (s *Service) Evaluate(ctx context.Context, userID int64) ([]*certlab.Credential, error) {
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	now := s.clock()
	st, err := s.standing(ctx, userID, now)
	if err != nil {
		return nil, err
	}
	var issued []*certlab.Credential
	// Issuing one credential can satisfy another program's requirement:
	// repeat until nothing changes.
	for changed := true; changed; {
		changed = false
		for _, p := range s.catalog.Programs {
			if p.Requirements == nil {
				continue
			}
			c := st.creds[p.ID]
			if c != nil && (c.Status == certlab.CredentialActive || c.Status == certlab.CredentialRevoked) {
				continue
			}
			var since time.Time
			if c != nil && c.Status == certlab.CredentialExpired && c.ValidUntil != nil {
				since = *c.ValidUntil
			}
			passed := st.passedSince(since)
			if p.Requirements.Satisfied(passed, st.held) {
				nc, err := s.issue(ctx, userID, p, c, now)
				if err != nil {
					return issued, err
				}
				st.creds[p.ID], st.held[p.ID] = nc, true
				issued = append(issued, nc)
				changed = true
				continue
			}
			if c != nil {
				continue
			}
			for _, ex := range requirementExams(p.Requirements) {
				if passed[ex] {
					nc, err := s.createPending(ctx, userID, p, now)
					if err != nil {
						return issued, err
					}
					st.creds[p.ID] = nc
					break
				}
			}
		}
	}
	return issued, nil
}

func (s *Service) createPending(ctx context.Context, userID int64, p *certlab.Program, now time.Time) (*certlab.Credential, error) {
	pid, err := randomID(16)
	if err != nil {
		return nil, err
	}
	c := &certlab.Credential{PublicID: pid, UserID: userID, ProgramID: p.ID, Status: certlab.CredentialPending, StatusIndex: -1, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateCredential(ctx, c); err != nil {
		return nil, fmt.Errorf("pending credential %s for user %d: %w", p.ID, userID, err)
	}
	s.logger.Info("credential pending", "user", userID, "program", p.ID)
	return c, nil
}

// randomIndex picks a status list index at random, so an index tells
// nothing about when a credential was issued.
func randomIndex() (int, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("status index: %w", err)
	}
	return int(binary.BigEndian.Uint64(b[:]) % uint64(badge.MinStatusListBits)), nil
}

// issue signs and stores the credential for p: a new row, or the pending
// or expired one c.
func (s *Service) issue(ctx context.Context, userID int64, p *certlab.Program, c *certlab.Credential, now time.Time) (*certlab.Credential, error) {
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("issue %s: %w", p.ID, err)
	}
	nc := &certlab.Credential{UserID: userID, ProgramID: p.ID, Status: certlab.CredentialActive, StatusIndex: -1, CreatedAt: now}
	from := ""
	if c != nil {
		cp := *c
		nc, from = &cp, c.Status
		nc.Status, nc.RevokedAt, nc.RevokedReason, nc.Renewals = certlab.CredentialActive, nil, "", 0
	} else if nc.PublicID, err = randomID(16); err != nil {
		return nil, err
	}
	validFrom := now
	nc.IssuedAt, nc.ValidFrom, nc.UpdatedAt = &now, &validFrom, now
	if p.Validity.Duration > 0 {
		until := now.Add(p.Validity.Duration)
		nc.ValidUntil = &until
	} else {
		nc.ValidUntil = nil
	}
	keepIndex := nc.StatusIndex >= 0
	for try := 0; ; try++ {
		if !keepIndex {
			if nc.StatusIndex, err = randomIndex(); err != nil {
				return nil, err
			}
		}
		if err := s.sign(ctx, nc, p, u, now); err != nil {
			return nil, err
		}
		if from == "" {
			err = s.store.CreateCredential(ctx, nc)
		} else {
			err = s.store.UpdateCredential(ctx, nc, from)
		}
		if certlab.ErrorCode(err) == certlab.ECONFLICT && try < 20 {
			// Another server process changed the row, or the index was taken.
			cur, cerr := s.current(ctx, userID, p.ID)
			switch {
			case cerr == nil && (cur.Status == certlab.CredentialActive || cur.Status == certlab.CredentialRevoked):
				return cur, nil // settled meanwhile
			case cerr == nil && cur.Status != from:
				// A pending or expired row appeared or changed: issue onto it.
				nc.ID, nc.PublicID, nc.CreatedAt, from = cur.ID, cur.PublicID, cur.CreatedAt, cur.Status
				if keepIndex = cur.StatusIndex >= 0; keepIndex {
					nc.StatusIndex = cur.StatusIndex
				}
				continue
			case !keepIndex:
				continue // the index was taken: draw another
			}
		}
		if err != nil {
			return nil, fmt.Errorf("issue %s to user %d: %w", p.ID, userID, err)
		}
		break
	}
	s.logger.Info("credential issued", "user", userID, "program", p.ID, "credential", nc.PublicID, "valid_until", nc.ValidUntil)
	return nc, nil
}

func (s *Service) current(ctx context.Context, userID int64, programID string) (*certlab.Credential, error) {
	cs, err := s.store.Credentials(ctx, certlab.CredentialFilter{UserID: &userID, ProgramID: programID})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "user %d has no credential for %s", userID, programID)
	}
	return cs[0], nil
}

// Achievement returns the Open Badges achievement of a program, with its
// badge image embedded as a data: URI.
func (s *Service) Achievement(p *certlab.Program) badge.Achievement {
	return badge.Achievement{ID: s.AchievementURL(p.ID), Name: p.Name, Description: strings.TrimSpace(p.Description),
		Criteria: Criteria(p.Requirements), Type: "Certification",
		Image: badge.DataURI("image/svg+xml", s.AchievementImage(p)), ImageCaption: p.Name + " badge"}
}

// AchievementImage is a program's badge image: the accessible SVG that its
// credentials embed and the portal shows: the pack's own artwork when it
// has one (checked when the pack loads), otherwise drawn from the
// program's name, level and description.
func (s *Service) AchievementImage(p *certlab.Program) []byte {
	if len(p.Badge) > 0 {
		return p.Badge
	}
	kind := "Certification"
	if lvl := strings.TrimSpace(p.Level); lvl != "" {
		kind = lvl + " certification"
	}
	return badge.BadgeSVG(badge.BadgeArt{Title: p.Name, Kind: kind, Issuer: s.cfg.IssuerName,
		Description: strings.TrimSpace(p.Description), Seed: s.AchievementURL(p.ID)})
}

// Criteria describes a requirement in words.
func Criteria(r *certlab.Requirement) string {
	var describe func(r *certlab.Requirement, top bool) string
	describe = func(r *certlab.Requirement, top bool) string {
		switch {
		case r.Exam != "":
			return "pass exam " + r.Exam
		case r.Credential != "":
			return "hold the " + r.Credential + " credential"
		}
		parts, sep := r.All, " and "
		if len(r.Any) > 0 {
			parts, sep = r.Any, " or "
		}
		var words []string
		for _, sub := range parts {
			words = append(words, describe(sub, false))
		}
		out := strings.Join(words, sep)
		if !top && len(words) > 1 {
			out = "(" + out + ")"
		}
		return out
	}
	if r == nil {
		return "No requirements."
	}
	d := describe(r, true)
	return strings.ToUpper(d[:1]) + d[1:] + "."
}

// sign builds the OpenBadgeCredential for c and signs it in both forms.
func (s *Service) sign(ctx context.Context, c *certlab.Credential, p *certlab.Program, u *certlab.User, now time.Time) error {
	name, err := s.displayName(ctx, u)
	if err != nil {
		return err
	}
	b := badge.OpenBadge{
		ID:          s.CredentialURL(c.PublicID),
		Issuer:      s.Profile(),
		Achievement: s.Achievement(p),
		Recipient:   badge.Recipient{Email: u.Email, Salt: c.PublicID, DisplayName: name},
		ValidFrom:   *c.ValidFrom,
		Status:      []badge.StatusRef{{ListURL: s.StatusListURL(), Index: c.StatusIndex, Purpose: badge.StatusPurposeRevocation}},
	}
	if c.ValidUntil != nil {
		b.ValidUntil = *c.ValidUntil
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return err
	}
	ic, err := s.contexts.Issue(b, key, now)
	if err != nil {
		return fmt.Errorf("sign credential %s: %w", c.PublicID, err)
	}
	c.Document, c.JWT = json.RawMessage(ic.DataIntegrity), ic.JWT
	return nil
}

// renew extends the credential of the renewal attempt's program by one
// validity period from its current expiry date, and re-signs it.
func (s *Service) renew(ctx context.Context, a *certlab.Attempt) (*certlab.Credential, error) {
	ex, err := s.catalog.Exam(a.ExamID)
	if err != nil {
		return nil, err
	}
	p, err := s.catalog.Program(ex.ProgramID)
	if err != nil {
		return nil, err
	}
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	c, err := s.current(ctx, a.UserID, p.ID)
	if err != nil {
		return nil, fmt.Errorf("renew after attempt %d: %w", a.ID, err)
	}
	if c.Status != certlab.CredentialActive || c.ValidUntil == nil {
		return nil, certlab.Errorf(certlab.ECONFLICT, "credential %s is %s: a renewal cannot extend it", c.PublicID, c.Status)
	}
	u, err := s.store.User(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	until := c.ValidUntil.Add(p.Validity.Duration)
	nc := *c
	nc.ValidFrom, nc.ValidUntil, nc.IssuedAt, nc.UpdatedAt = &now, &until, &now, now
	nc.Renewals++
	if err := s.sign(ctx, &nc, p, u, now); err != nil {
		return nil, err
	}
	if err := s.store.UpdateCredential(ctx, &nc, certlab.CredentialActive); err != nil {
		return nil, fmt.Errorf("renew credential %s: %w", c.PublicID, err)
	}
	s.logger.Info("credential renewed", "user", a.UserID, "program", p.ID, "valid_until", until)
	return &nc, nil
}
