package credential

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
)

// PublicCredential is an issued credential as its public page shows it:
// what the signed document says (so the page and the JSON-LD agree), the
// links, and the result of verifying it now.
type PublicCredential struct {
	Credential *certlab.Credential
	// Name, Description and Criteria are the achievement's, as signed.
	Name        string
	Description string
	Criteria    string
	// Holder is the name signed into the credential; "" when it names the
	// holder only by the hashed e-mail address.
	Holder     string
	IssuerName string
	IssuerID   string
	ValidFrom  *time.Time
	ValidUntil *time.Time
	// URL is the credential's id; ImageURL its badge image (the same SVG
	// its achievement.image embeds); AchievementURL the achievement.
	URL            string
	ImageURL       string
	AchievementURL string
	Links          *CredentialLinks
	// Verification is the verifier's report, run when the page is asked for.
	Verification *Verification
}

// signedView is the part of a credential document the public page shows.
type signedView struct {
	Name   string `json:"name"`
	Issuer struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"issuer"`
	CredentialSubject struct {
		Identifier []struct {
			IdentityType string `json:"identityType"`
			Hashed       bool   `json:"hashed"`
			IdentityHash string `json:"identityHash"`
		} `json:"identifier"`
		Achievement struct {
			ID          string `json:"id"`
			Name        string `json:"name"`
			Description string `json:"description"`
			Criteria    struct {
				Narrative string `json:"narrative"`
			} `json:"criteria"`
		} `json:"achievement"`
	} `json:"credentialSubject"`
}

// PublicView returns an issued credential by its public id with what its
// public page shows, verified now with the server's own verifier.
func (s *Service) PublicView(ctx context.Context, publicID string) (*PublicCredential, error) {
	c, err := s.PublicCredential(ctx, publicID)
	if err != nil {
		return nil, err
	}
	var doc signedView
	if err := json.Unmarshal(c.Document, &doc); err != nil {
		return nil, fmt.Errorf("credential %s: read the signed document: %w", publicID, err)
	}
	v := &PublicCredential{Credential: c, Name: doc.CredentialSubject.Achievement.Name, Description: doc.CredentialSubject.Achievement.Description,
		Criteria: doc.CredentialSubject.Achievement.Criteria.Narrative, IssuerName: doc.Issuer.Name, IssuerID: doc.Issuer.ID,
		ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, URL: s.CredentialURL(c.PublicID),
		ImageURL: s.AchievementURL(c.ProgramID) + "/image", AchievementURL: doc.CredentialSubject.Achievement.ID}
	if v.Name == "" {
		v.Name = doc.Name
	}
	for _, id := range doc.CredentialSubject.Identifier {
		if id.IdentityType == "name" && !id.Hashed {
			v.Holder = id.IdentityHash
		}
	}
	v.Links = s.links(c, v.Name)
	v.Verification = s.pageVerification(ctx, c)
	return v, nil
}

// pageVerificationTTL is how long a public page reuses the verification
// of a credential: anyone may ask for the page, and each verification
// costs milliseconds of canonicalization. A revocation or a new signature
// changes the credential's status or UpdatedAt and so is shown at once; a
// key withdrawn shows within the TTL.
const pageVerificationTTL = time.Minute

// maxPageVerifications bounds the cache; when full it is emptied.
const maxPageVerifications = 4096

type pageVerification struct {
	updated time.Time
	status  string
	at      time.Time
	v       *Verification
}

// pageVerification verifies an issued credential for its public page,
// reusing a result of the last minute for the same signed document.
func (s *Service) pageVerification(ctx context.Context, c *certlab.Credential) *Verification {
	now := s.clock()
	s.pageMu.Lock()
	if e, ok := s.pageCache[c.PublicID]; ok && e.updated.Equal(c.UpdatedAt) && e.status == c.Status && !now.Before(e.at) && now.Sub(e.at) < pageVerificationTTL {
		s.pageMu.Unlock()
		return e.v
	}
	s.pageMu.Unlock()
	v := s.Verify(ctx, c.Document)
	s.pageMu.Lock()
	if s.pageCache == nil || len(s.pageCache) >= maxPageVerifications {
		s.pageCache = map[string]pageVerification{}
	}
	s.pageCache[c.PublicID] = pageVerification{updated: c.UpdatedAt, status: c.Status, at: now, v: v}
	s.pageMu.Unlock()
	return v
}

// IssuerView is the issuer as its public page shows it.
type IssuerView struct {
	Profile badge.IssuerProfile
	DID     string
	// Keys are every key the issuer ever signed with, oldest first.
	Keys         []IssuerKeyView
	Achievements []badge.Achievement
	StatusList   string
}

// IssuerKeyView is one issuer key and its state in words.
type IssuerKeyView struct {
	badge.VerificationMethod
	State string // "active", "retired" or "withdrawn"
}

// Issuer describes the issuer: its profile, keys and achievements.
func (s *Service) Issuer(ctx context.Context) (*IssuerView, error) {
	vms, err := s.keys.VerificationMethods(ctx)
	if err != nil {
		return nil, err
	}
	v := &IssuerView{Profile: s.Profile(), DID: s.didWeb(), StatusList: s.StatusListURL()}
	active := s.SigningKeyID()
	for _, vm := range vms {
		k := IssuerKeyView{VerificationMethod: vm, State: "retired"}
		switch {
		case vm.Revoked != "":
			k.State = "withdrawn"
		case vm.ID == active:
			k.State = "active"
		}
		v.Keys = append(v.Keys, k)
	}
	for _, p := range s.catalog.Programs {
		v.Achievements = append(v.Achievements, s.Achievement(p))
	}
	return v, nil
}

// maxVerifyURLBytes bounds what the verifier downloads from a URL: a
// credential, or a badge image with one baked in.
const maxVerifyURLBytes = 1 << 20

// VerifyInput is what someone gave the verification page: a URL to fetch
// the credential from, or the credential itself (JSON, a VC-JWT, or a
// baked PNG or SVG badge image).
type VerifyInput struct {
	URL        string
	Credential []byte
}

// ParseVerifyInput reads pasted text or an uploaded file for the
// verification page. A single http(s) URL is a link to the credential;
// JSON, a compact JWT or a PNG or SVG image is the credential itself (the
// verifier checks it); anything else is refused with what was expected.
func ParseVerifyInput(data []byte) (VerifyInput, error) {
	if badge.IsPNG(data) {
		return VerifyInput{Credential: data}, nil
	}
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	switch {
	case len(data) == 0:
		return VerifyInput{}, certlab.Errorf(certlab.EINVALID, "nothing to verify: paste a credential or its URL, or choose a file")
	case bytes.HasPrefix(data, []byte("https://")) || bytes.HasPrefix(data, []byte("http://")):
		u, err := checkCredentialURL(string(data))
		if err != nil {
			return VerifyInput{}, err
		}
		return VerifyInput{URL: u}, nil
	case data[0] == '{' || badge.LooksLikeJWT(data) || badge.LooksLikeSVG(data):
		return VerifyInput{Credential: data}, nil
	}
	start := data
	if len(start) > 24 {
		start = start[:24]
	}
	return VerifyInput{}, certlab.Errorf(certlab.EINVALID,
		"this is not a credential or a link to one (it starts with %q): give the credential's JSON (it starts with {), its VC-JWT (three parts separated by dots), a badge image with the credential baked in (PNG or SVG), or the credential's https:// URL",
		strings.ToValidUTF8(string(start), "?"))
}

// checkCredentialURL checks a URL given for verification: one absolute
// http(s) URL with a host and no user name or password.
func checkCredentialURL(raw string) (string, error) {
	if len(raw) > 2048 {
		return "", certlab.Errorf(certlab.EINVALID, "the URL is longer than 2048 characters")
	}
	if !utf8.ValidString(raw) || strings.ContainsAny(raw, " \t\r\n") {
		return "", certlab.Errorf(certlab.EINVALID, "give one URL, without spaces")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", certlab.Errorf(certlab.EINVALID, "the URL cannot be read: %v", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return "", certlab.Errorf(certlab.EINVALID, "the URL %q must be an absolute https:// URL", raw)
	}
	if u.User != nil {
		return "", certlab.Errorf(certlab.EINVALID, "the URL must not carry a user name or password")
	}
	return u.String(), nil
}

// VerifyURL verifies the credential at a URL. A credential of this server
// (BaseURL/credentials/{id}, with ?format=jwt for its VC-JWT) is read from
// the database; any other is fetched with the public client, which
// connects only to public Internet addresses, over https (http too when
// AllowHTTPFetch is set), at most 1 MiB. What was fetched goes to Verify
// like a pasted or uploaded credential.
func (s *Service) VerifyURL(ctx context.Context, raw string) (*Verification, error) {
	raw, err := checkCredentialURL(raw)
	if err != nil {
		return nil, err
	}
	if data, ok, err := s.ownCredential(ctx, raw); ok {
		if err != nil {
			return nil, err
		}
		return s.Verify(ctx, data), nil
	}
	if strings.HasPrefix(raw, "http://") && !s.cfg.AllowHTTPFetch {
		return nil, certlab.Errorf(certlab.EINVALID, "the URL must use https:// (a credential fetched over plain http could have been changed on the way, and its issuer's key too)")
	}
	data, err := fetchCredential(ctx, badge.NewPublicHTTPClient(10*time.Second), raw)
	if err != nil {
		return nil, err
	}
	return s.Verify(ctx, data), nil
}

// ownCredential reads a credential URL of this server from the store: ok
// is false for any other URL.
func (s *Service) ownCredential(ctx context.Context, raw string) ([]byte, bool, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, false, nil
	}
	base, err := url.Parse(s.cfg.BaseURL)
	if err != nil || !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
		return nil, false, nil
	}
	id, ok := strings.CutPrefix(u.Path, strings.TrimRight(base.Path, "/")+"/credentials/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return nil, false, nil
	}
	c, err := s.PublicCredential(ctx, id)
	if err != nil {
		return nil, true, certlab.Errorf(certlab.ENOTFOUND, "this server has no credential at %s", raw)
	}
	if u.Query().Get("format") == "jwt" {
		return []byte(c.JWT), true, nil
	}
	return c.Document, true, nil
}

// fetchCredential GETs a credential (or a baked badge image) from u.
func fetchCredential(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "the URL cannot be fetched: %v", err)
	}
	req.Header.Set("Accept", "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.9, application/vc+jwt;q=0.8, image/svg+xml;q=0.5, image/png;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "fetching %s failed: %v", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, certlab.Errorf(certlab.EINVALID, "fetching %s: the server answered %s", u, resp.Status)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/html" {
		return nil, certlab.Errorf(certlab.EINVALID, "%s answered with a web page, not a credential: give the link to the credential itself (its id), or download it and upload the file", u)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxVerifyURLBytes+1))
	if err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "fetching %s: %v", u, err)
	}
	if len(body) > maxVerifyURLBytes {
		return nil, certlab.Errorf(certlab.EINVALID, "%s is larger than 1 MiB; certlab does not verify documents that large", u)
	}
	if in, err := ParseVerifyInput(body); err != nil || in.URL != "" {
		return nil, certlab.Errorf(certlab.EINVALID, "%s did not answer with a credential (JSON, VC-JWT or a baked badge image)", u)
	}
	return body, nil
}
