package credential

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
)

// statusListLifetime is how long a signed status list stays valid; the
// server re-signs it well before (statusListRefresh).
const (
	statusListLifetime = 24 * time.Hour
	statusListRefresh  = 5 * time.Minute
)

// Credentials lists the user's credentials.
func (s *Service) Credentials(ctx context.Context, u *certlab.User) ([]*certlab.Credential, error) {
	cs, err := s.store.Credentials(ctx, certlab.CredentialFilter{UserID: &u.ID})
	if cs == nil && err == nil {
		cs = []*certlab.Credential{}
	}
	return cs, err
}

// Credential returns one credential its holder or an admin may see.
func (s *Service) Credential(ctx context.Context, u *certlab.User, id int64) (*certlab.Credential, error) {
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.UserID != u.ID && u.Role != certlab.RoleAdmin {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "credential %d not found", id)
	}
	return c, nil
}

// PublicCredential returns an issued credential by its public ID (the
// credential's URL is public, like the document itself).
func (s *Service) PublicCredential(ctx context.Context, publicID string) (*certlab.Credential, error) {
	c, err := s.store.CredentialByPublicID(ctx, publicID)
	if err != nil {
		return nil, err
	}
	if len(c.Document) == 0 {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "credential %q not found", publicID)
	}
	return c, nil
}

// Revoke revokes a credential with a reason (admins only): its bit in the
// status list is set, so verification fails from now on.
func (s *Service) Revoke(ctx context.Context, admin *certlab.User, id int64, reason string) (*certlab.Credential, error) {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, certlab.Errorf(certlab.EINVALID, "reason: say why the credential is revoked")
	}
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Status != certlab.CredentialActive && c.Status != certlab.CredentialExpired {
		return nil, certlab.Errorf(certlab.ECONFLICT, "credential %d is %s: only issued credentials can be revoked", id, c.Status)
	}
	from := c.Status
	now := s.clock()
	c.Status, c.RevokedAt, c.RevokedReason, c.UpdatedAt = certlab.CredentialRevoked, &now, reason, now
	if err := s.store.UpdateCredential(ctx, c, from); err != nil {
		return nil, err
	}
	s.invalidateStatusList()
	if err := s.audit(ctx, admin, "credential.revoke", targetf("credential", c.ID), "%s of user %d (status index %d): %s", c.ProgramID, c.UserID, c.StatusIndex, reason); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Service) invalidateStatusList() {
	s.statusMu.Lock()
	s.statusDoc = nil
	s.statusMu.Unlock()
}

// StatusList returns the signed revocation status list credential
// (Bitstring Status List, Data Integrity proof), re-signed every few
// minutes and after every revocation.
func (s *Service) StatusList(ctx context.Context) ([]byte, error) {
	now := s.clock()
	s.statusMu.Lock()
	defer s.statusMu.Unlock()
	// The revocations are read on every request, so a revocation on
	// another server sharing the database shows at once; only the signing
	// (the costly part) is cached, for as long as the same credentials are
	// revoked under the same key.
	revoked, err := s.store.Credentials(ctx, certlab.CredentialFilter{Status: certlab.CredentialRevoked})
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	var of strings.Builder
	of.WriteString(key.VerificationMethod)
	for _, c := range revoked {
		fmt.Fprintf(&of, ",%d", c.StatusIndex)
	}
	if s.statusDoc != nil && s.statusOf == of.String() && !now.Before(s.statusBuilt) && now.Sub(s.statusBuilt) < statusListRefresh {
		return s.statusDoc, nil
	}
	list := badge.NewStatusList(badge.MinStatusListBits)
	for _, c := range revoked {
		if c.StatusIndex >= 0 {
			if err := list.Set(c.StatusIndex, true); err != nil {
				return nil, fmt.Errorf("status list: credential %d: %w", c.ID, err)
			}
		}
	}
	doc, err := badge.StatusListCredentialDocument(badge.StatusListCredentialParams{ID: s.StatusListURL(), IssuerID: s.IssuerID(),
		Purpose: badge.StatusPurposeRevocation, ValidFrom: now, ValidUntil: now.Add(statusListLifetime)}, list)
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	signed, err := s.contexts.SignDataIntegrity(doc, key, now)
	if err != nil {
		return nil, fmt.Errorf("sign status list: %w", err)
	}
	b, err := badge.MarshalDocument(signed)
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	s.statusDoc, s.statusBuilt, s.statusOf = b, now, of.String()
	return b, nil
}

// ProfileDocument is the issuer profile with every key, as served at IssuerID.
func (s *Service) ProfileDocument(ctx context.Context) (map[string]any, error) {
	vms, err := s.keys.VerificationMethods(ctx)
	if err != nil {
		return nil, err
	}
	return badge.ProfileDocument(s.Profile(), vms), nil
}

// KeyDocument is the Multikey document of one issuer key, by its Multikey.
func (s *Service) KeyDocument(ctx context.Context, multikey string) (map[string]any, error) {
	vms, err := s.keys.VerificationMethods(ctx)
	if err != nil {
		return nil, err
	}
	for _, vm := range vms {
		if vm.PublicKeyMultibase == multikey {
			return badge.MultikeyDocument(vm), nil
		}
	}
	return nil, certlab.Errorf(certlab.ENOTFOUND, "issuer key %q not found", multikey)
}

// DIDDocument is the did:web document of the issuer: the same keys, named
// under the DID of the server's host.
func (s *Service) DIDDocument(ctx context.Context) (map[string]any, error) {
	vms, err := s.keys.VerificationMethods(ctx)
	if err != nil {
		return nil, err
	}
	did := s.didWeb()
	out := make([]badge.VerificationMethod, len(vms))
	for i, vm := range vms {
		vm.ID, vm.Controller = did+"#"+vm.PublicKeyMultibase, did
		out[i] = vm
	}
	return badge.DIDDocument(did, out), nil
}

// didWeb is the did:web DID of the server's host.
func (s *Service) didWeb() string {
	host := strings.TrimPrefix(strings.TrimPrefix(s.cfg.BaseURL, "https://"), "http://")
	return "did:web:" + strings.ReplaceAll(strings.ReplaceAll(host, ":", "%3A"), "/", ":")
}

// AchievementImageSVG is the badge image of a program, by id.
func (s *Service) AchievementImageSVG(programID string) ([]byte, error) {
	p, err := s.catalog.Program(programID)
	if err != nil {
		return nil, err
	}
	return s.AchievementImage(p), nil
}

// BakedSVG is the badge image of an issued credential with the signed
// credential (JSON form) baked in, as Open Badges 3.0 defines baking.
func (s *Service) BakedSVG(c *certlab.Credential) ([]byte, error) {
	img, err := s.AchievementImageSVG(c.ProgramID)
	if err != nil {
		return nil, err
	}
	out, err := badge.BakeSVG(img, c.Document)
	if err != nil {
		return nil, fmt.Errorf("bake credential %s: %w", c.PublicID, err)
	}
	return out, nil
}

// AchievementDocument is the definition of a program's achievement.
func (s *Service) AchievementDocument(programID string) (map[string]any, error) {
	p, err := s.catalog.Program(programID)
	if err != nil {
		return nil, err
	}
	return badge.AchievementDocument(s.Achievement(p)), nil
}

// Achievements lists the achievement definitions of every program.
func (s *Service) Achievements() []map[string]any {
	out := []map[string]any{}
	for _, p := range s.catalog.Programs {
		out = append(out, badge.AchievementDocument(s.Achievement(p)))
	}
	return out
}

// RotateKey retires the active issuer key and makes a new one (admins
// only); credentials signed with the old key keep verifying. The reason
// is recorded ("routine rotation" when none is given).
func (s *Service) RotateKey(ctx context.Context, admin *certlab.User, reason string) (string, error) {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return "", err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		reason = "routine rotation"
	} else if err := certlab.CheckText("reason", reason, 1000); err != nil {
		return "", err
	}
	var old string
	var sk badge.StoredKey
	err := s.lock(ctx, issuerKeysLock, func(ctx context.Context) error {
		// Another server may have rotated meanwhile: start from the key
		// that is active now, so that one key stays active.
		if err := s.keys.Reload(ctx); err != nil {
			return err
		}
		old = s.keys.SigningKey().VerificationMethod
		var err error
		sk, err = s.keys.Rotate(ctx)
		return err
	})
	if err != nil {
		return "", err
	}
	s.invalidateStatusList()
	if err := s.audit(ctx, admin, "issuer-key.rotate", "issuer-key:"+sk.PublicKeyMultibase, "retired %s: %s", old, reason); err != nil {
		return "", err
	}
	return sk.ID, nil
}

// WithdrawKey withdraws an issuer key (compromised, for instance):
// credentials it signed no longer verify. Admins only.
func (s *Service) WithdrawKey(ctx context.Context, admin *certlab.User, keyID, reason string) error {
	if err := requireRole(admin, certlab.RoleAdmin); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return certlab.Errorf(certlab.EINVALID, "reason: say why the key is withdrawn")
	}
	err := s.lock(ctx, issuerKeysLock, func(ctx context.Context) error {
		if err := s.keys.Reload(ctx); err != nil {
			return err
		}
		return s.keys.Withdraw(ctx, keyID, reason)
	})
	if err != nil {
		return certlab.Errorf(certlab.ENOTFOUND, "%v", err)
	}
	s.invalidateStatusList()
	return s.audit(ctx, admin, "issuer-key.withdraw", "issuer-key:"+keyID, "%s", reason)
}

// SigningKeyID is the verification method of the active issuer key.
func (s *Service) SigningKeyID() string { return s.keys.SigningKey().VerificationMethod }

// Verification is a verifier report, with the reason an admin gave when
// the credential is one of certlab's own and revoked.
type Verification struct {
	*badge.Report
	RevocationReason string `json:"revocationReason,omitempty"`
}

// Verify checks a credential (JSON with a Data Integrity proof, or a
// VC-JWT) as anyone would: certlab's own keys and status list are read
// directly; other issuers' profiles, DID documents and status lists are
// fetched from public addresses only.
func (s *Service) Verify(ctx context.Context, data []byte) *Verification {
	client := badge.NewPublicHTTPClient(10 * time.Second)
	remote := &badge.HTTPStatusFetcher{Client: client, AllowHTTP: s.cfg.AllowHTTPFetch}
	v := &badge.Verifier{
		Contexts: s.contexts,
		Keys:     badge.ChainResolver{s.keys, &badge.WebResolver{Client: client, AllowHTTP: s.cfg.AllowHTTPFetch}},
		Status: badge.StatusFetcherFunc(func(ctx context.Context, u string) ([]byte, error) {
			if u == s.StatusListURL() {
				return s.StatusList(ctx)
			}
			return remote.FetchStatusList(ctx, u)
		}),
		Now:            s.now,
		OwnIssuers:     []string{s.IssuerID(), s.didWeb()},
		TrustedIssuers: s.cfg.TrustedIssuers,
	}
	out := &Verification{Report: v.Verify(ctx, data)}
	if out.Failed(badge.CheckStatus) != nil {
		if pid, ok := strings.CutPrefix(out.CredentialID, s.cfg.BaseURL+"/credentials/"); ok {
			if c, err := s.store.CredentialByPublicID(ctx, pid); err == nil && c.Status == certlab.CredentialRevoked {
				out.RevocationReason = c.RevokedReason
			}
		}
	}
	return out
}
