package credential

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// Declaration is what a candidate says about a credential earned elsewhere.
type Declaration struct {
	Credential string     `json:"credential"` // the id requirements name, such as azure-administrator-associate
	Issuer     string     `json:"issuer"`
	Name       string     `json:"name"`
	ExternalID string     `json:"external_id"`
	URL        string     `json:"url"`
	EarnedAt   *time.Time `json:"earned_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
}

// knownCredential reports whether some program requires the credential id
// or issues it.
func (s *Service) knownCredential(id string) bool {
	var names func(r *certlab.Requirement) bool
	names = func(r *certlab.Requirement) bool {
		if r == nil {
			return false
		}
		if r.Credential == id {
			return true
		}
		for _, sub := range append(append([]*certlab.Requirement{}, r.All...), r.Any...) {
			if names(sub) {
				return true
			}
		}
		return false
	}
	for _, p := range s.catalog.Programs {
		if p.ID == id || names(p.Requirements) {
			return true
		}
	}
	return false
}

// Declare records a credential the user earned elsewhere; it counts once
// an admin verifies it.
func (s *Service) Declare(ctx context.Context, u *certlab.User, d Declaration) (*certlab.ExternalCredential, error) {
	d.Credential, d.Issuer = strings.TrimSpace(d.Credential), strings.TrimSpace(d.Issuer)
	switch {
	case d.Credential == "":
		return nil, certlab.Errorf(certlab.EINVALID, "credential: name the credential (for example azure-administrator-associate)")
	case !s.knownCredential(d.Credential):
		return nil, certlab.Errorf(certlab.EINVALID, "credential %q: no program requires or issues it", d.Credential)
	case d.Issuer == "":
		return nil, certlab.Errorf(certlab.EINVALID, "issuer: say who issued the credential")
	case d.ExternalID == "" && d.URL == "":
		return nil, certlab.Errorf(certlab.EINVALID, "give the credential ID or a transcript share link so an admin can check it")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"credential", d.Credential, 200}, {"issuer", d.Issuer, 200}, {"name", d.Name, 200}, {"external_id", d.ExternalID, 200}, {"url", d.URL, 2000}} {
		if err := certlab.CheckLine(f.name, f.v, f.max); err != nil {
			return nil, err
		}
	}
	if d.URL != "" {
		if pu, err := url.Parse(d.URL); err != nil || pu.Scheme != "https" || pu.Host == "" {
			return nil, certlab.Errorf(certlab.EINVALID, "url %q: must be an https:// link", d.URL)
		}
	}
	now := s.clock()
	if d.EarnedAt != nil && d.EarnedAt.After(now) {
		return nil, certlab.Errorf(certlab.EINVALID, "earned_at %s is in the future", d.EarnedAt.Format(time.RFC3339))
	}
	e := &certlab.ExternalCredential{UserID: u.ID, CredentialID: d.Credential, Issuer: d.Issuer, Name: d.Name, ExternalID: d.ExternalID, URL: d.URL,
		EarnedAt: d.EarnedAt, ExpiresAt: d.ExpiresAt, Status: certlab.ExternalDeclared, CreatedAt: now}
	if err := s.store.CreateExternalCredential(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// ExternalCredentials lists the user's declared credentials; admins list
// everyone's, optionally by status.
func (s *Service) ExternalCredentials(ctx context.Context, u *certlab.User, status string, all bool) ([]*certlab.ExternalCredential, error) {
	f := certlab.ExternalFilter{Status: status}
	if !all || u.Role != certlab.RoleAdmin {
		f.UserID = &u.ID
	}
	out, err := s.store.ExternalCredentials(ctx, f)
	if out == nil && err == nil {
		out = []*certlab.ExternalCredential{}
	}
	return out, err
}

// Review is an admin's decision on a declared credential: verified, then
// the holder's requirements are evaluated again, or rejected.
func (s *Service) Review(ctx context.Context, admin *certlab.User, id int64, verified bool, note string) (*certlab.ExternalCredential, []*certlab.Credential, error) {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, nil, err
	}
	note = strings.TrimSpace(note)
	switch {
	case note == "" && verified:
		return nil, nil, certlab.Errorf(certlab.EINVALID, "note: say what you checked before approving")
	case note == "":
		return nil, nil, certlab.Errorf(certlab.EINVALID, "note: say why the credential is rejected")
	}
	if err := certlab.CheckText("note", note, 1000); err != nil {
		return nil, nil, err
	}
	e, err := s.store.ExternalCredential(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	now := s.clock()
	e.Status, e.ReviewedBy, e.ReviewedAt, e.ReviewNote = certlab.ExternalRejected, &admin.ID, &now, note
	if verified {
		e.Status = certlab.ExternalVerified
	}
	if err := s.store.ReviewExternalCredential(ctx, e); err != nil {
		return nil, nil, err
	}
	if err := s.audit(ctx, admin, "external."+e.Status, targetf("external", e.ID), "%s for user %d: %s", e.CredentialID, e.UserID, note); err != nil {
		return nil, nil, err
	}
	if !verified {
		return e, nil, nil
	}
	issued, err := s.Evaluate(ctx, e.UserID)
	return e, issued, err
}

func targetf(kind string, id int64) string {
	return kind + ":" + strconv.FormatInt(id, 10)
}
