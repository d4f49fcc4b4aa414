package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/api"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/badge/badgetest"
)

type publicVerdict struct {
	Verified    bool          `json:"verified"`
	IssuerTrust string        `json:"issuerTrust"`
	SignedBy    string        `json:"signedBy"`
	Checks      []badge.Check `json:"checks"`
}

// TestPublicVerifyNamesTheIssuer checks that /verify and POST
// /api/v1/verify say who signed: the server's own credential (also
// downloaded as a baked SVG badge) as this server's, a stranger's did:key
// credential that calls itself by the server's issuer name as unknown.
func TestPublicVerifyNamesTheIssuer(t *testing.T) {
	ts := startCredentialServer(t)
	admin := newClient(t, ts.URL)
	admin.register("admin@example.org")
	withToken(admin, ts.Store)
	cand := newClient(t, ts.URL)
	cand.register("candidate@example.org")
	withToken(cand, ts.Store)
	anon := newClient(t, ts.URL)

	ts.sitOverHTTP(t, cand, certlab.ModeExam, true)
	var ext certlab.ExternalCredential
	cand.must("POST", "/api/v1/external-credentials", map[string]any{"credential": "azure-administrator-associate", "issuer": "Microsoft", "external_id": "X1"}, &ext)
	var review api.ReviewResult
	admin.must("POST", fmt.Sprintf("/api/v1/external-credentials/%d/review", ext.ID), map[string]any{"verified": true, "note": "issuer and credential ID checked"}, &review)
	if len(review.Issued) != 1 {
		t.Fatalf("no credential issued: %+v", review)
	}
	id := review.Issued[0].ID

	// The baked badge: the program's SVG with the credential inside.
	st, svg := raw(t, cand, "GET", fmt.Sprintf("/api/v1/credentials/%d/download?format=svg", id), nil, "")
	if st != 200 || !bytes.Contains(svg, []byte(`xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`)) || !bytes.Contains(svg, []byte(`role="img"`)) {
		t.Fatalf("baked SVG download: %d %.300s", st, svg)
	}
	_, doc := raw(t, cand, "GET", fmt.Sprintf("/api/v1/credentials/%d/download", id), nil, "")
	if got, err := badge.ExtractCredential(svg); err != nil || !bytes.Equal(got, bytes.TrimSpace(doc)) {
		t.Fatalf("the baked SVG does not carry the credential: %v", err)
	}
	// It is the program's image, as served to everyone, with the credential baked in.
	st, img := raw(t, anon, "GET", "/achievements/"+review.Issued[0].ProgramID+"/image", nil, "")
	if want, err := badge.BakeSVG(img, doc); st != 200 || err != nil || !bytes.Equal(svg, want) {
		t.Fatalf("achievement image: %d %v %.200s", st, err, img)
	}
	for name, form := range map[string][]byte{"json": doc, "baked svg": svg} {
		var v publicVerdict
		st, b := raw(t, anon, "POST", "/api/v1/verify", bytes.NewReader(form), "application/json")
		if st != 200 || json.Unmarshal(b, &v) != nil || !v.Verified || v.IssuerTrust != "own" || !strings.Contains(v.SignedBy, ts.URL+"/issuer") {
			t.Fatalf("POST /api/v1/verify (%s): %d %s", name, st, b)
		}
	}

	// A stranger's did:key, naming itself like this server's issuer.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	did := "did:key:" + badge.EncodeMultikey(pub)
	loader, err := badge.NewContextLoader()
	if err != nil {
		t.Fatal(err)
	}
	fake, err := loader.Issue(badge.OpenBadge{
		ID: "https://elsewhere.example/c/1", Issuer: badge.IssuerProfile{ID: did, Name: "certlab e2e"},
		Achievement: badge.Achievement{ID: "https://elsewhere.example/a/1", Name: "DevOps Engineer Expert", Criteria: "None."},
		Recipient:   badge.Recipient{ID: "did:example:x"}, ValidFrom: ts.Clock.Now().Add(-time.Hour),
	}, badge.SigningKey{VerificationMethod: did + "#" + badge.EncodeMultikey(pub), PrivateKey: priv}, ts.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var v publicVerdict
	_, b := raw(t, anon, "POST", "/api/v1/verify", bytes.NewReader(fake.DataIntegrity), "application/json")
	if json.Unmarshal(b, &v) != nil || v.IssuerTrust != "unknown" {
		t.Fatalf("stranger's credential: %s", b)
	}
	_, page := raw(t, anon, "GET", "/verify?credential="+url.QueryEscape(fake.JWT), nil, "")
	if !bytes.Contains(page, []byte(`id="unknown-issuer"`)) || !bytes.Contains(page, []byte("UNKNOWN")) || bytes.Contains(page, []byte("Verified: every check holds")) {
		t.Fatalf("the page does not show the stranger as unknown:\n%s", page)
	}
	if !bytes.Contains(page, []byte("“certlab e2e” (as the credential names itself)")) {
		t.Errorf("the page does not present the issuer's name as its own claim:\n%s", page)
	}
}

// TestPublicVerifyBoundsAndRateLimit checks that the public endpoint
// refuses the 228 KiB hostile document before JSON-LD processing and
// limits each client address.
func TestPublicVerifyBoundsAndRateLimit(t *testing.T) {
	ts := startCredentialServerLimited(t, api.VerifyRateLimit{Burst: 3, Every: time.Hour})
	anon := newClient(t, ts.URL)
	hostile := badgetest.HostileCredential(228 << 10)
	start := time.Now()
	st, b := raw(t, anon, "POST", "/api/v1/verify", bytes.NewReader(hostile), "application/json")
	var v publicVerdict
	if st != 200 || json.Unmarshal(b, &v) != nil || v.Verified || len(v.Checks) != 1 || !strings.Contains(v.Checks[0].Explanation, "refused before JSON-LD processing") {
		t.Fatalf("hostile document: %d %.400s", st, b)
	}
	t.Logf("hostile document answered in %v", time.Since(start))
	for i := 0; i < 2; i++ {
		if st, b := raw(t, anon, "POST", "/api/v1/verify", strings.NewReader("{}"), "application/json"); st != 200 {
			t.Fatalf("request %d within the burst: %d %s", i+2, st, b)
		}
	}
	st, b = raw(t, anon, "POST", "/api/v1/verify", strings.NewReader("{}"), "application/json")
	if st != 429 || !strings.Contains(string(b), "too many") {
		t.Fatalf("request past the burst: %d %s", st, b)
	}
	_, page := raw(t, anon, "GET", "/verify?credential=%7B%7D", nil, "")
	if !bytes.Contains(page, []byte("too many verifications")) {
		t.Fatalf("the page past the burst:\n%.500s", page)
	}
	// The empty page and other routes stay open.
	if st, _ := raw(t, anon, "GET", "/verify", nil, ""); st != 200 {
		t.Fatalf("GET /verify: %d", st)
	}
	_ = context.Background()
}
