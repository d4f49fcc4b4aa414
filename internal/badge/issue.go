package badge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// IssuerProfile describes the organisation that issues credentials (an
// Open Badges Profile). ID is the URL (or DID) where the profile, with its
// public keys, is served.
type IssuerProfile struct {
	ID          string
	Name        string
	URL         string // the organisation's home page, optional
	Email       string // optional
	Description string // optional
}

// Achievement is what a credential recognises (an Open Badges
// Achievement); ID is the stable URL where its definition is served.
type Achievement struct {
	ID          string
	Name        string
	Description string
	Criteria    string // narrative: what one must do to earn it
	Type        string // achievementType, such as "Certificate"; optional
	Image       string // URL or data: URI of the badge image; optional
	// ImageCaption is the image's text alternative; empty means the name.
	ImageCaption string
}

// Recipient identifies whom a credential is about: by ID (a DID or URL),
// by e-mail address (published only as a salted SHA-256 hash), or both,
// and optionally by the display name the holder chose.
type Recipient struct {
	ID    string
	Email string
	Salt  string // salt for the e-mail hash; required with Email
	// DisplayName is the name the holder chose to show on the credential;
	// it is published as written (an IdentityObject of type "name"),
	// unless it is the e-mail address itself.
	DisplayName string
}

// StatusRef points a credential at its bit in a status list.
type StatusRef struct {
	ListURL string
	Index   int
	Purpose string // StatusPurposeRevocation or StatusPurposeSuspension
}

// OpenBadge describes one credential to issue.
type OpenBadge struct {
	ID          string // the credential's URL
	Issuer      IssuerProfile
	Achievement Achievement
	Recipient   Recipient
	ValidFrom   time.Time
	ValidUntil  time.Time // zero for no expiry
	Status      []StatusRef
}

// OpenBadgeDocument returns the unsecured OpenBadgeCredential (VC Data
// Model 2.0, Open Badges 3.0) for b. Secure it with SignDataIntegrity or
// SignJWT.
func OpenBadgeDocument(b OpenBadge) (map[string]any, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"id", b.ID}, {"issuer id", b.Issuer.ID}, {"issuer name", b.Issuer.Name},
		{"achievement id", b.Achievement.ID}, {"achievement name", b.Achievement.Name},
		{"achievement criteria", b.Achievement.Criteria},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if b.Recipient.ID == "" && b.Recipient.Email == "" {
		missing = append(missing, "recipient id or e-mail")
	}
	if b.ValidFrom.IsZero() {
		missing = append(missing, "validFrom")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("open badge %q: missing %s", b.ID, strings.Join(missing, ", "))
	}
	if !b.ValidUntil.IsZero() && !b.ValidUntil.After(b.ValidFrom) {
		return nil, fmt.Errorf("open badge %q: validUntil %s is not after validFrom %s", b.ID, formatDateTime(b.ValidUntil), formatDateTime(b.ValidFrom))
	}

	issuer := map[string]any{"id": b.Issuer.ID, "type": []any{"Profile"}, "name": b.Issuer.Name}
	setIf(issuer, "url", b.Issuer.URL)
	setIf(issuer, "email", b.Issuer.Email)
	setIf(issuer, "description", b.Issuer.Description)

	ach := achievementObject(b.Achievement)

	subj := map[string]any{"type": []any{"AchievementSubject"}, "achievement": ach}
	// OB 3.0 §8.2 puts credentialSubject.id in the VC-JWT's sub claim; a
	// recipient known only by e-mail gets an id of its own, derived from
	// the credential's id, that says nothing about the holder and links no
	// two credentials.
	subjectID := b.Recipient.ID
	if subjectID == "" {
		subjectID = SubjectURN(b.ID)
	}
	subj["id"] = subjectID
	var identifiers []any
	if b.Recipient.Email != "" {
		if b.Recipient.Salt == "" {
			return nil, fmt.Errorf("open badge %q: an e-mail recipient needs a salt so the address cannot be guessed from its hash", b.ID)
		}
		identifiers = append(identifiers, map[string]any{
			"type":         "IdentityObject",
			"identityHash": HashIdentity(b.Recipient.Email, b.Recipient.Salt),
			"identityType": "emailAddress",
			"hashed":       true,
			"salt":         b.Recipient.Salt,
		})
	}
	// A display name that is the e-mail address would undo its hashing.
	if name := strings.TrimSpace(b.Recipient.DisplayName); name != "" && !strings.EqualFold(name, strings.TrimSpace(b.Recipient.Email)) {
		identifiers = append(identifiers, map[string]any{
			"type":         "IdentityObject",
			"identityHash": name,
			"identityType": "name",
			"hashed":       false,
		})
	}
	if len(identifiers) > 0 {
		subj["identifier"] = identifiers
	}

	doc := map[string]any{
		"@context":          []any{ContextCredentialsV2, ContextOpenBadgesV3},
		"id":                b.ID,
		"type":              []any{TypeVerifiableCredential, TypeOpenBadgeCredential},
		"issuer":            issuer,
		"validFrom":         formatDateTime(b.ValidFrom),
		"name":              b.Achievement.Name,
		"credentialSubject": subj,
	}
	if !b.ValidUntil.IsZero() {
		doc["validUntil"] = formatDateTime(b.ValidUntil)
	}
	if len(b.Status) > 0 {
		var entries []any
		for _, s := range b.Status {
			if s.ListURL == "" || s.Index < 0 {
				return nil, fmt.Errorf("open badge %q: status entry needs a list URL and a non-negative index", b.ID)
			}
			if s.Purpose != StatusPurposeRevocation && s.Purpose != StatusPurposeSuspension {
				return nil, fmt.Errorf("open badge %q: status purpose %q is not %q or %q", b.ID, s.Purpose, StatusPurposeRevocation, StatusPurposeSuspension)
			}
			entries = append(entries, StatusEntryDocument(s.ListURL, s.Index, s.Purpose))
		}
		if len(entries) == 1 {
			doc["credentialStatus"] = entries[0]
		} else {
			doc["credentialStatus"] = entries
		}
	}
	return doc, nil
}

// SubjectURN returns the credentialSubject id certlab gives a recipient
// who has none: a urn:uuid (RFC 9562 version 8) made from the SHA-256 of
// the credential's id, so it is stable for the credential and unrelated to
// the holder.
func SubjectURN(credentialID string) string {
	sum := sha256.Sum256([]byte("certlab credential subject\x00" + credentialID))
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	h := hex.EncodeToString(u)
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// HashIdentity returns the Open Badges identityHash of an e-mail address:
// "sha256$" and the hex SHA-256 of the lower-cased address followed by salt.
func HashIdentity(email, salt string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email)) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// IssuedCredential is one credential in both secured forms.
type IssuedCredential struct {
	DataIntegrity []byte // JSON with an eddsa-rdfc-2022 proof
	JWT           string // compact VC-JWT
}

// Issue builds the OpenBadgeCredential b and secures it both ways with key,
// the Data Integrity proof dated created.
func (l *ContextLoader) Issue(b OpenBadge, key SigningKey, created time.Time) (*IssuedCredential, error) {
	doc, err := OpenBadgeDocument(b)
	if err != nil {
		return nil, err
	}
	if base, _, _ := strings.Cut(key.VerificationMethod, "#"); base != b.Issuer.ID {
		return nil, fmt.Errorf("issue %q: key %s does not belong to issuer %s", b.ID, key.VerificationMethod, b.Issuer.ID)
	}
	signed, err := l.SignDataIntegrity(doc, key, created)
	if err != nil {
		return nil, fmt.Errorf("issue %q: %w", b.ID, err)
	}
	di, err := MarshalDocument(signed)
	if err != nil {
		return nil, fmt.Errorf("issue %q: %w", b.ID, err)
	}
	jwt, err := SignJWT(doc, key)
	if err != nil {
		return nil, fmt.Errorf("issue %q: %w", b.ID, err)
	}
	return &IssuedCredential{DataIntegrity: di, JWT: jwt}, nil
}

func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}
