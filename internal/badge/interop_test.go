package badge

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// interopDir is the npm project with Digital Bazaar's libraries, jose and
// ajv; `npm ci --prefix internal/badge/testdata/interop` installs it.
const interopDir = "testdata/interop"

// runInterop runs testdata/interop/interop.mjs with req and decodes its
// answer into out; it returns the script's error (with its stderr) when the
// script fails.
func runInterop(t *testing.T, req map[string]any, out any) error {
	t.Helper()
	b, err := runNode(t, interopDir, "interop.mjs", "@digitalbazaar/vc", req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("interop answer %q: %v", b, err)
	}
	return nil
}

// dbVerdict is the answer of Digital Bazaar's verifyCredential.
type dbVerdict struct {
	Verified bool   `json:"verified"`
	Error    string `json:"error"`
	Status   []struct {
		Index  int  `json:"index"`
		Set    bool `json:"set"`
		Length int  `json:"length"`
	} `json:"status"`
}

// publishedDocuments returns what the test issuer serves, by URL, for the
// Node document loader: its profile and its signed status list.
func (ti *testIssuer) publishedDocuments() map[string]any {
	ti.t.Helper()
	vms, err := ti.keyring.VerificationMethods(context.Background())
	if err != nil {
		ti.t.Fatal(err)
	}
	ti.mu.Lock()
	defer ti.mu.Unlock()
	return map[string]any{
		ti.issuerID: ProfileDocument(IssuerProfile{ID: ti.issuerID, Name: "certlab test"}, vms),
		ti.listURL:  mustDecode(ti.t, ti.listSigned),
	}
}

func TestDigitalBazaarVerifiesCertlabCredential(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("db-1", 7)
	var got dbVerdict
	if err := runInterop(t, map[string]any{
		"mode": "verify", "credential": mustDecode(t, ic.DataIntegrity),
		"documents": ti.publishedDocuments(), "now": formatDateTime(now),
	}, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Verified {
		t.Fatalf("Digital Bazaar's verifyCredential rejects certlab's credential: %s", got.Error)
	}
}

// schemaVerdict is ajv's answer.
type schemaVerdict struct {
	Valid  bool     `json:"valid"`
	Errors []string `json:"errors"`
}

func TestOneEdTechSchemasAcceptCertlabDocuments(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("schema-1", 8)
	docs := ti.publishedDocuments()
	cases := []struct {
		name, schema string
		doc          any
	}{
		{"data integrity credential", "achievementcredential", mustDecode(t, ic.DataIntegrity)},
		{"issuer profile", "profile", docs[ti.issuerID]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got schemaVerdict
			if err := runInterop(t, map[string]any{"mode": "schema", "schema": tc.schema, "document": tc.doc}, &got); err != nil {
				t.Fatal(err)
			}
			if !got.Valid {
				t.Errorf("1EdTech's %s schema rejects it: %v", tc.schema, got.Errors)
			}
		})
	}
}

// TestDigitalBazaarChecksStatusAndProofShapes has Digital Bazaar's
// verifier check a revoked certlab credential (its checkStatus decodes the
// signed status list with node:zlib, not with certlab's code) and both
// proof shapes: the list certlab writes and a single proof object.
func TestDigitalBazaarChecksStatusAndProofShapes(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("db-2", 4242)
	asObject := mustDecode(t, ic.DataIntegrity)
	asObject["proof"] = asObject["proof"].([]any)[0]

	for name, doc := range map[string]map[string]any{"proof list": mustDecode(t, ic.DataIntegrity), "proof object": asObject} {
		var got dbVerdict
		if err := runInterop(t, map[string]any{"mode": "verify", "credential": doc, "documents": ti.publishedDocuments(), "now": formatDateTime(now)}, &got); err != nil {
			t.Fatal(err)
		}
		if !got.Verified || len(got.Status) != 1 || got.Status[0].Index != 4242 || got.Status[0].Set || got.Status[0].Length != MinStatusListBits {
			t.Errorf("%s: Digital Bazaar: %+v", name, got)
		}
		if rep := ti.verifier(now).Verify(context.Background(), mustJSON(t, doc)); !rep.OK() {
			t.Errorf("%s: certlab:\n%s", name, reportText(t, rep))
		}
	}

	ti.revoke(4242)
	var got dbVerdict
	if err := runInterop(t, map[string]any{"mode": "verify", "credential": mustDecode(t, ic.DataIntegrity), "documents": ti.publishedDocuments(), "now": formatDateTime(now)}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Verified || len(got.Status) != 1 || !got.Status[0].Set || !strings.Contains(got.Error, "status bit 4242 is set") {
		t.Errorf("revoked credential: Digital Bazaar: %+v", got)
	}

	// A tampered copy fails in Digital Bazaar's verifier too.
	tampered := mustDecode(t, ic.DataIntegrity)
	tampered["name"] = "DevOps Engineer Expert (forged)"
	if err := runInterop(t, map[string]any{"mode": "verify", "credential": tampered, "documents": ti.publishedDocuments(), "now": formatDateTime(now)}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Verified {
		t.Error("Digital Bazaar verified a tampered certlab credential")
	}
}

// TestJoseVerifiesCertlabJWTWithProfileKey has jose verify certlab's
// VC-JWT with the key dereferenced from its kid through the issuer profile
// (converted to a JWK by Digital Bazaar's ed25519-multikey).
func TestJoseVerifiesCertlabJWTWithProfileKey(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("jwt-1", 9)
	var got struct {
		Header  JWTHeader      `json:"header"`
		Payload map[string]any `json:"payload"`
	}
	if err := runInterop(t, map[string]any{"mode": "verify-jwt", "jwt": ic.JWT, "typ": "JWT", "documents": ti.publishedDocuments(), "now": formatDateTime(now)}, &got); err != nil {
		t.Fatal(err)
	}
	b := ti.badge("jwt-1", 9)
	if got.Header.Typ != "JWT" || got.Payload["iss"] != ti.issuerID || got.Payload["jti"] != b.ID || got.Payload["sub"] != SubjectURN(b.ID) {
		t.Errorf("jose read header %+v and claims iss=%v jti=%v sub=%v", got.Header, got.Payload["iss"], got.Payload["jti"], got.Payload["sub"])
	}
	// The JSON Schema accepts the token's credential too.
	var sv schemaVerdict
	if err := runInterop(t, map[string]any{"mode": "schema", "schema": "achievementcredential", "document": got.Payload}, &sv); err != nil {
		t.Fatal(err)
	}
	if !sv.Valid {
		t.Errorf("1EdTech's schema rejects the VC-JWT payload: %v", sv.Errors)
	}
}

// TestCertlabVerifiesDigitalBazaarCredentials is the reverse direction:
// credentials that Digital Bazaar's libraries issue with a did:key (VC 2.0
// with eddsa-rdfc-2022, and VC 1.1 with Ed25519Signature2020, on the Open
// Badges 3.0.0 context of that time) verify in certlab, and tampered copies
// do not.
func TestCertlabVerifiesDigitalBazaarCredentials(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	achievement := map[string]any{
		"id": "https://university.example/achievements/1", "type": []any{"Achievement"}, "name": "Teamwork",
		"description": "Works well in a team.", "criteria": map[string]any{"narrative": "Lead a team project."},
	}
	subject := map[string]any{"id": "did:example:holder", "type": []any{"AchievementSubject"}, "achievement": achievement}
	cases := []struct {
		name, suite string
		credential  map[string]any
		format      string
	}{
		{"VC 2.0 eddsa-rdfc-2022", "eddsa-rdfc-2022", map[string]any{
			"@context": []any{ContextCredentialsV2, ContextOpenBadgesV3},
			"id":       "urn:uuid:7f0d3c4e-1c9b-4f7a-9d2e-3a5b6c7d8e01",
			"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
			"issuer":   map[string]any{"id": "did:key:placeholder", "type": []any{"Profile"}, "name": "University"},
			"name":     "Teamwork", "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": subject,
		}, "Data Integrity proof (eddsa-rdfc-2022), VC 2.0"},
		{"VC 1.1 Ed25519Signature2020", "Ed25519Signature2020", map[string]any{
			"@context": []any{ContextCredentialsV1, ContextOpenBadgesV300, ContextEd25519Signature2020},
			"id":       "urn:uuid:7f0d3c4e-1c9b-4f7a-9d2e-3a5b6c7d8e02",
			"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
			"issuer":   map[string]any{"id": "did:key:placeholder", "type": "Profile", "name": "University"},
			"name":     "Teamwork", "issuanceDate": "2026-01-01T00:00:00Z", "credentialSubject": subject,
		}, "Linked Data proof (Ed25519Signature2020), VC 1.1"},
	}
	ver := &Verifier{Contexts: mustFixtureLoader(t), Keys: &WebResolver{}, Now: fixedClock(now)}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got struct {
				Credential         map[string]any `json:"credential"`
				VerificationMethod string         `json:"verificationMethod"`
			}
			seed := strings.Repeat(string(rune('a'+i)), 64)
			if err := runInterop(t, map[string]any{"mode": "issue", "suite": tc.suite, "credential": tc.credential, "seed": seed, "now": formatDateTime(now)}, &got); err != nil {
				t.Fatal(err)
			}
			data := mustJSON(t, got.Credential)
			rep := ver.Verify(context.Background(), data)
			if !rep.OK() || rep.Format != tc.format || rep.IssuerTrust != TrustUnknown {
				t.Fatalf("certlab does not verify Digital Bazaar's credential (format %q):\n%s\n%s", rep.Format, reportText(t, rep), data)
			}
			// Digital Bazaar verifies its own credential (sanity).
			var db dbVerdict
			if err := runInterop(t, map[string]any{"mode": "verify", "credential": got.Credential, "now": formatDateTime(now)}, &db); err != nil || !db.Verified {
				t.Fatalf("Digital Bazaar does not verify its own credential: %v %+v", err, db)
			}
			for what, change := range map[string]func(m map[string]any){
				"name": func(m map[string]any) { m["name"] = "Teamwork (forged)" },
				"achievement": func(m map[string]any) {
					m["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = "Leadership"
				},
				"issuer name": func(m map[string]any) { m["issuer"].(map[string]any)["name"] = "certlab" },
			} {
				forged := mustDecode(t, data)
				change(forged)
				if rep := ver.Verify(context.Background(), mustJSON(t, forged)); rep.OK() || rep.Failed(CheckProof) == nil {
					t.Errorf("tampered %s verified:\n%s", what, reportText(t, rep))
				}
			}
		})
	}
}
