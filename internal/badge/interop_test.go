package badge

import (
	"context"
	"encoding/json"
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
