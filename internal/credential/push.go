package credential

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
)

// PushOutcome says what pushing a credential did.
type PushOutcome int

// The outcomes of Push.
const (
	PushCreated   PushOutcome = iota // a new credential, queued for review
	PushReplaced                     // a newer version of one pushed before, queued for review again
	PushUnchanged                    // exactly the credential already held
)

// PushResult is what Push did, with the review queue entry and the
// verification the credential passed.
type PushResult struct {
	Outcome      PushOutcome
	External     *certlab.ExternalCredential
	Verification *Verification
}

// maxPushBytes bounds a pushed credential, as the public verifier does.
const maxPushBytes = 256 << 10

// Push receives an Open Badges credential that the user earned elsewhere
// (the Open Badges 3.0 API's upsertCredential): JSON with a Data Integrity
// proof, or a compact VC-JWT. It is verified first; only a credential
// whose every check holds, from an issuer other than this server, is
// accepted, and it goes into the external credential review queue, where
// an admin decides whether it counts. Credentials are the same when their
// issuer id and credential id are (Open Badges 3.0's equality rule): the
// same bytes again change nothing, a version with a later or equal
// validFrom replaces the one held (and is reviewed again), an older one
// is refused.
func (s *Service) Push(ctx context.Context, u *certlab.User, data []byte) (*PushResult, error) {
	data = bytes.TrimSpace(data)
	cred, format, err := ParsePushed(data)
	if err != nil {
		return nil, err
	}
	v := s.Verify(ctx, data)
	if !v.OK() {
		var why []string
		for _, c := range v.Checks {
			if !c.Passed {
				why = append(why, string(c.Name)+": "+c.Explanation)
			}
		}
		return nil, certlab.Errorf(certlab.EINVALID, "the credential does not verify, so it was not accepted: %s", strings.Join(why, " "))
	}
	if v.IssuerTrust == badge.TrustOwn {
		return nil, certlab.Errorf(certlab.EINVALID, "credential %s was issued by this server: it is already among your credentials", cred.ID)
	}
	report, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("push: encode the verification report: %w", err)
	}
	sum := sha256.Sum256(data)
	p := &certlab.PushedCredential{UserID: u.ID, Key: PushKey(cred.IssuerID, cred.ID), IssuerID: cred.IssuerID, CredentialURI: cred.ID,
		Format: format, Document: data, Digest: hex.EncodeToString(sum[:]), Verification: report}
	if !cred.ValidFrom.IsZero() {
		from := cred.ValidFrom.UTC()
		p.ValidFrom = &from
	}
	e := s.externalFor(u, cred)
	now := s.clock()
	held, err := s.store.PushedCredential(ctx, u.ID, p.Key)
	switch {
	case certlab.ErrorCode(err) == certlab.ENOTFOUND:
		p.CreatedAt, p.UpdatedAt, e.CreatedAt = now, now, now
		if err := s.store.CreatePushedCredential(ctx, p, e); err != nil {
			return nil, err
		}
		return &PushResult{Outcome: PushCreated, External: e, Verification: v}, nil
	case err != nil:
		return nil, err
	case held.Digest == p.Digest:
		ext, err := s.store.ExternalCredential(ctx, held.ExternalID)
		if err != nil {
			return nil, err
		}
		return &PushResult{Outcome: PushUnchanged, External: ext, Verification: v}, nil
	case held.ValidFrom != nil && (p.ValidFrom == nil || p.ValidFrom.Before(*held.ValidFrom)):
		return nil, certlab.Errorf(certlab.EINVALID, "credential %s: certlab holds a newer version of it (validFrom %s), which this one cannot replace",
			cred.ID, held.ValidFrom.Format(time.RFC3339))
	}
	p.ID, p.ExternalID, p.CreatedAt, p.UpdatedAt = held.ID, held.ExternalID, held.CreatedAt, now
	if err := s.store.ReplacePushedCredential(ctx, p, e, held.Digest); err != nil {
		return nil, err
	}
	e.CreatedAt = held.CreatedAt
	return &PushResult{Outcome: PushReplaced, External: e, Verification: v}, nil
}

// ParsePushed reads a pushed credential without verifying it: a compact
// VC-JWT ("jwt") or JSON ("json"). It must be an Open Badges credential
// (type OpenBadgeCredential or AchievementCredential) with an id, since
// credentials are told apart by issuer and id.
func ParsePushed(data []byte) (*badge.Credential, string, error) {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return nil, "", certlab.Errorf(certlab.EINVALID, "send the credential (JSON, or a VC-JWT as text/plain) as the request body")
	case len(data) > maxPushBytes:
		return nil, "", certlab.Errorf(certlab.EINVALID, "the credential is %d bytes, more than the %d certlab accepts", len(data), maxPushBytes)
	case badge.IsPNG(data) || badge.LooksLikeSVG(data):
		return nil, "", certlab.Errorf(certlab.EINVALID, "send the credential itself, not a badge image")
	}
	var cred *badge.Credential
	var err error
	format := "json"
	if badge.LooksLikeJWT(data) {
		format = "jwt"
		cred, _, err = badge.ParseJWT(string(data))
	} else {
		cred, err = badge.ParseCredential(data)
	}
	if err != nil {
		return nil, "", certlab.Errorf(certlab.EINVALID, "the credential cannot be read: %v", err)
	}
	if !cred.HasType("OpenBadgeCredential") && !cred.HasType("AchievementCredential") {
		return nil, "", certlab.Errorf(certlab.EINVALID, "type %v: an Open Badges credential is an OpenBadgeCredential or AchievementCredential", cred.Types)
	}
	if strings.TrimSpace(cred.ID) == "" || strings.TrimSpace(cred.IssuerID) == "" {
		return nil, "", certlab.Errorf(certlab.EINVALID, "the credential needs an id and an issuer id: Open Badges tells credentials apart by them")
	}
	return cred, format, nil
}

// PushKey is the identity of a credential under Open Badges 3.0's
// equality rule: its issuer id and credential id, each percent-decoded and
// trimmed.
func PushKey(issuerID, credentialID string) string {
	norm := func(s string) string {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		return strings.TrimSpace(s)
	}
	sum := sha256.Sum256([]byte(norm(issuerID) + "\n" + norm(credentialID)))
	return hex.EncodeToString(sum[:])
}

// externalFor is the review queue entry of a pushed credential. Its
// credential id is the requirement it would satisfy when the achievement
// names one (the last path segment of the achievement's id, or its
// humanCode, equal to a credential id some program requires or issues);
// otherwise it is empty and the credential counts towards nothing, even
// verified.
func (s *Service) externalFor(u *certlab.User, cred *badge.Credential) *certlab.ExternalCredential {
	e := &certlab.ExternalCredential{UserID: u.ID, Issuer: cred.IssuerID, Name: cred.Achievement, ExternalID: cred.ID, Status: certlab.ExternalDeclared}
	if cred.IssuerName != "" {
		e.Issuer = cred.IssuerName + " (" + cred.IssuerID + ")"
	}
	if e.Name == "" {
		e.Name = cred.Name
	}
	if pu, err := url.Parse(cred.ID); err == nil && pu.Scheme == "https" && pu.Host != "" {
		e.URL = cred.ID
	}
	if !cred.ValidFrom.IsZero() {
		from := cred.ValidFrom.UTC()
		e.EarnedAt = &from
	}
	if !cred.ValidUntil.IsZero() {
		until := cred.ValidUntil.UTC()
		e.ExpiresAt = &until
	}
	subject, _ := cred.Document["credentialSubject"].(map[string]any)
	achievement, _ := subject["achievement"].(map[string]any)
	var candidates []string
	if id, _ := achievement["id"].(string); id != "" {
		if pu, err := url.Parse(id); err == nil && pu.Path != "" {
			candidates = append(candidates, path.Base(pu.Path))
		}
	}
	if code, _ := achievement["humanCode"].(string); code != "" {
		candidates = append(candidates, code)
	}
	for _, c := range candidates {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "/" && c != "." && s.knownCredential(c) {
			e.CredentialID = c
			break
		}
	}
	return e
}

// PushedCredential returns the document behind an external credential
// that was pushed through the Open Badges API, with the verification it
// passed: to its holder and to admins; anyone else gets not-found.
func (s *Service) PushedCredential(ctx context.Context, u *certlab.User, externalID int64) (*certlab.PushedCredential, error) {
	p, err := s.store.PushedCredentialByExternal(ctx, externalID)
	if err != nil {
		return nil, err
	}
	if p.UserID != u.ID && u.Role != certlab.RoleAdmin {
		return nil, certlab.Errorf(certlab.ENOTFOUND, "external credential %d was not pushed through the Open Badges API", externalID)
	}
	return p, nil
}
