package credential

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/auth"
)

// Transcript is a candidate's credentials and exam history. Name is the
// name the holder chose to show on credentials ("" when none).
type Transcript struct {
	Name        string                        `json:"name"`
	GeneratedAt time.Time                     `json:"generated_at"`
	Credentials []TranscriptCredential        `json:"credentials"`
	External    []*certlab.ExternalCredential `json:"external_credentials"`
	Exams       []TranscriptExam              `json:"exams"`
}

// TranscriptCredential is one credential on a transcript.
type TranscriptCredential struct {
	Program    string     `json:"program"`
	Name       string     `json:"name"`
	Status     string     `json:"status"`
	IssuedAt   *time.Time `json:"issued_at,omitempty"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	Renewals   int        `json:"renewals"`
	URL        string     `json:"url,omitempty"` // the signed credential, to verify
}

// TranscriptExam is one scored exam or renewal attempt.
type TranscriptExam struct {
	Exam        string    `json:"exam"`
	Mode        string    `json:"mode"`
	SubmittedAt time.Time `json:"submitted_at"`
	ScaledScore int       `json:"scaled_score"`
	Passed      bool      `json:"passed"`
}

// Transcript builds the user's transcript.
func (s *Service) Transcript(ctx context.Context, u *certlab.User) (*Transcript, error) {
	name, err := s.displayName(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	if strings.EqualFold(strings.TrimSpace(name), strings.TrimSpace(u.Email)) {
		name = "" // the e-mail address is never shown
	}
	t := &Transcript{Name: name, GeneratedAt: s.clock(), Credentials: []TranscriptCredential{}, Exams: []TranscriptExam{}}
	cs, err := s.store.Credentials(ctx, certlab.CredentialFilter{UserID: &u.ID})
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	for _, c := range cs {
		tc := TranscriptCredential{Program: c.ProgramID, Name: c.ProgramID, Status: c.Status, IssuedAt: c.IssuedAt, ValidUntil: c.ValidUntil, Renewals: c.Renewals}
		if p, err := s.catalog.Program(c.ProgramID); err == nil {
			tc.Name = p.Name
		}
		if len(c.Document) > 0 {
			tc.URL = s.CredentialURL(c.PublicID)
		}
		t.Credentials = append(t.Credentials, tc)
	}
	if t.External, err = s.store.ExternalCredentials(ctx, certlab.ExternalFilter{UserID: &u.ID, Status: certlab.ExternalVerified}); err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	if t.External == nil {
		t.External = []*certlab.ExternalCredential{}
	}
	as, err := s.store.Attempts(ctx, certlab.AttemptFilter{UserID: &u.ID, Status: certlab.StatusScored})
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	for _, a := range as {
		if a.Mode == certlab.ModePractice || a.Report == nil || a.SubmittedAt == nil {
			continue
		}
		t.Exams = append(t.Exams, TranscriptExam{Exam: a.ExamID, Mode: a.Mode, SubmittedAt: *a.SubmittedAt, ScaledScore: a.Report.ScaledScore, Passed: a.Report.Passed})
	}
	return t, nil
}

// CreateShare makes a shareable link to the user's transcript and returns
// its token (shown once; only its hash is stored).
func (s *Service) CreateShare(ctx context.Context, u *certlab.User, label string) (string, *certlab.TranscriptShare, error) {
	if err := certlab.CheckLine("label", label, 100); err != nil {
		return "", nil, err
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("transcript link: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	sh := &certlab.TranscriptShare{UserID: u.ID, TokenHash: auth.HashSecret(token), Label: label, CreatedAt: s.clock()}
	if err := s.store.CreateTranscriptShare(ctx, sh); err != nil {
		return "", nil, err
	}
	return token, sh, nil
}

// Shares lists the user's transcript links.
func (s *Service) Shares(ctx context.Context, u *certlab.User) ([]*certlab.TranscriptShare, error) {
	out, err := s.store.TranscriptShares(ctx, u.ID)
	if out == nil && err == nil {
		out = []*certlab.TranscriptShare{}
	}
	return out, err
}

// RevokeShare revokes one of the user's transcript links.
func (s *Service) RevokeShare(ctx context.Context, u *certlab.User, id int64) error {
	return s.store.RevokeTranscriptShare(ctx, u.ID, id, s.clock())
}

// SharedTranscript returns the transcript a link points at, unless the
// link was revoked.
func (s *Service) SharedTranscript(ctx context.Context, token string) (*Transcript, error) {
	sh, err := s.store.TranscriptShareByHash(ctx, auth.HashSecret(token))
	if err != nil {
		return nil, err
	}
	if sh.RevokedAt != nil {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "this transcript link was revoked")
	}
	u, err := s.store.User(ctx, sh.UserID)
	if err != nil {
		return nil, err
	}
	return s.Transcript(ctx, u)
}
