package credential

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

// What admins do with credentials beyond revocation and review: search,
// reissue, read the review queue with its evidence, and list the issuer
// keys with what each one does to existing credentials.

// AdminCredentials lists a page of every holder's credentials (admins).
func (s *Service) AdminCredentials(ctx context.Context, admin *certlab.User, q certlab.CredentialQuery) ([]*certlab.CredentialRow, error) {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	if q.Status != "" && q.Status != certlab.CredentialPending && q.Status != certlab.CredentialActive && q.Status != certlab.CredentialExpired && q.Status != certlab.CredentialRevoked {
		return nil, certlab.Errorf(certlab.EINVALID, "status %q: must be pending, active, expired or revoked", q.Status)
	}
	if q.ProgramID != "" {
		if _, err := s.catalog.Program(q.ProgramID); err != nil {
			return nil, certlab.Errorf(certlab.EINVALID, "program %q: no such program", q.ProgramID)
		}
	}
	return s.store.CredentialsPage(ctx, q)
}

// Reissue signs an active credential again with the active issuer key,
// with the same public id, validity and status list entry (admins; the
// reason is required). Use it after a key was withdrawn, so the
// credential verifies again, or when the holder's name changed.
func (s *Service) Reissue(ctx context.Context, admin *certlab.User, id int64, reason string) (*certlab.Credential, error) {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "reason: say why the credential is reissued")
	}
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Status != certlab.CredentialActive || c.ValidFrom == nil {
		return nil, certlab.Errorf(certlab.ECONFLICT, "credential %d is %s: only an active credential is reissued", id, c.Status)
	}
	p, err := s.catalog.Program(c.ProgramID)
	if err != nil {
		return nil, err
	}
	u, err := s.store.User(ctx, c.UserID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	nc := *c
	nc.IssuedAt, nc.UpdatedAt = &now, now
	if err := s.sign(ctx, &nc, p, u, now); err != nil {
		return nil, err
	}
	if err := s.store.UpdateCredential(ctx, &nc, certlab.CredentialActive); err != nil {
		return nil, fmt.Errorf("reissue credential %d: %w", id, err)
	}
	if err := s.audit(ctx, admin, "credential.reissue", targetf("credential", c.ID), "%s of user %d signed with %s: %s", c.ProgramID, c.UserID, s.SigningKeyID(), reason); err != nil {
		return nil, err
	}
	return &nc, nil
}

// ReviewItem is an external credential as an admin reviews it: the
// declaration, its holder, and the evidence, with the pushed Open Badges
// document and its verification when it came through the Open Badges API.
type ReviewItem struct {
	External *certlab.ExternalCredential `json:"external_credential"`
	Holder   struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"holder"`
	// Counts names the programs whose requirements the credential is part of.
	Counts []string `json:"counts_towards"`
	// Pushed is the document as pushed (JSON or a VC-JWT), and its format.
	Pushed       string          `json:"pushed,omitempty"`
	PushedFormat string          `json:"pushed_format,omitempty"`
	Verification json.RawMessage `json:"verification,omitempty"`
}

// ReviewItem returns one external credential with its evidence (admins).
func (s *Service) ReviewItem(ctx context.Context, admin *certlab.User, id int64) (*ReviewItem, error) {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	e, err := s.store.ExternalCredential(ctx, id)
	if err != nil {
		return nil, err
	}
	u, err := s.store.User(ctx, e.UserID)
	if err != nil {
		return nil, err
	}
	it := &ReviewItem{External: e, Counts: []string{}}
	it.Holder.ID, it.Holder.Email, it.Holder.Name = u.ID, u.Email, u.Name
	for _, p := range s.catalog.Programs {
		if requires(p.Requirements, e.CredentialID) {
			it.Counts = append(it.Counts, p.ID)
		}
	}
	p, err := s.store.PushedCredentialByExternal(ctx, e.ID)
	switch certlab.ErrorCode(err) {
	case "":
		it.Pushed, it.PushedFormat, it.Verification = string(p.Document), p.Format, p.Verification
	case certlab.ENOTFOUND:
	default:
		return nil, err
	}
	return it, nil
}

// requires reports whether the requirement names the credential.
func requires(r *certlab.Requirement, id string) bool {
	if r == nil || id == "" {
		return false
	}
	if r.Credential == id {
		return true
	}
	for _, sub := range append(append([]*certlab.Requirement{}, r.All...), r.Any...) {
		if requires(sub, id) {
			return true
		}
	}
	return false
}

// KeyInfo is an issuer key as the admin console lists it, with what it
// does to credentials.
type KeyInfo struct {
	ID                 string     `json:"id"`
	PublicKeyMultibase string     `json:"public_key_multibase"`
	Created            time.Time  `json:"created"`
	Retired            *time.Time `json:"retired,omitempty"`
	Withdrawn          *time.Time `json:"withdrawn,omitempty"`
	WithdrawnReason    string     `json:"withdrawn_reason,omitempty"`
	State              string     `json:"state"` // active, retired or withdrawn
	// Effect says in plain words what the key does to existing credentials.
	Effect string `json:"effect"`
}

// RotationEffect says what rotating the active key does.
const RotationEffect = "Rotating retires the active key and makes a new one. The retired key's private half is erased and its public half stays in the issuer profile, so every credential it signed keeps verifying; new credentials, reissued ones and the revocation status list are signed with the new key. Nothing is re-signed."

// WithdrawalEffect says what withdrawing a key does.
const WithdrawalEffect = "Withdrawing a key (when it may be compromised) marks it revoked in the issuer profile: every credential it signed stops verifying at once. Reissue those credentials to sign them with the active key."

// Keys lists the issuer keys, oldest first (admins).
func (s *Service) Keys(ctx context.Context, admin *certlab.User) ([]KeyInfo, error) {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	keys, err := s.store.IssuerKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]KeyInfo, 0, len(keys))
	for _, k := range keys {
		ki := KeyInfo{ID: k.ID, PublicKeyMultibase: k.PublicKeyMultibase, Created: k.Created, WithdrawnReason: k.WithdrawnReason, State: "active",
			Effect: "Active: signs every new credential and the revocation status list."}
		if !k.Retired.IsZero() {
			t := k.Retired
			ki.Retired, ki.State = &t, "retired"
			ki.Effect = "Retired on " + t.Format("2006-01-02") + ": it signs nothing new; the credentials it signed keep verifying, because its public key stays published."
		}
		if !k.Withdrawn.IsZero() {
			t := k.Withdrawn
			ki.Withdrawn, ki.State = &t, "withdrawn"
			ki.Effect = "Withdrawn on " + t.Format("2006-01-02") + " (" + k.WithdrawnReason + "): the credentials it signed no longer verify; reissue them to sign them with the active key."
		}
		out = append(out, ki)
	}
	slices.SortStableFunc(out, func(a, b KeyInfo) int { return a.Created.Compare(b.Created) })
	return out, nil
}
