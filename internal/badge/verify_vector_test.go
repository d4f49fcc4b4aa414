package badge

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"
)

// fixedClock returns a clock stopped at t.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func mustVectorVerifier(t *testing.T) (*Verifier, testVector) {
	t.Helper()
	v := mustVector(t)
	key, err := ParseOperatorKey(v.PublicKeyMultibase)
	if err != nil {
		t.Fatalf("parse vector key: %v", err)
	}
	return &Verifier{
		Contexts: mustFixtureLoader(t),
		Keys:     key,
		Now:      fixedClock(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)),
	}, v
}

func TestVerifyVectorWithOperatorKey(t *testing.T) {
	t.Parallel()
	ver, v := mustVectorVerifier(t)
	rep := ver.Verify(context.Background(), v.SignedCredential)
	if !rep.OK() {
		t.Fatalf("vector does not verify:\n%s", reportText(t, rep))
	}
	want := []CheckName{CheckProof, CheckIssuerKey, CheckValidFrom, CheckValidUntil, CheckStatus}
	var got []CheckName
	for _, c := range rep.Checks {
		got = append(got, c.Name)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("checks = %v, want %v", got, want)
	}
	if rep.Issuer != "https://example.edu/issuers/565049" || rep.Achievement != "Teamwork" {
		t.Errorf("report names issuer %q and achievement %q", rep.Issuer, rep.Achievement)
	}
}

// TestVerifyVectorWithProfileURL resolves the vector's verification method
// https://example.edu/issuers/565049#z6Mk… the way a verifier on the
// Internet would: by fetching the issuer profile. A TLS test server on
// 127.0.0.1 plays example.edu; the injected client dials it for any host.
func TestVerifyVectorWithProfileURL(t *testing.T) {
	t.Parallel()
	v := mustVector(t)
	const issuer = "https://example.edu/issuers/565049"
	vmID := issuer + "#" + v.PublicKeyMultibase
	otherKey := "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
	profiles := map[string]map[string]any{
		"listed": ProfileDocument(IssuerProfile{ID: issuer, Name: "Example Corp"},
			[]VerificationMethod{{ID: vmID, Type: "Multikey", Controller: issuer, PublicKeyMultibase: v.PublicKeyMultibase}}),
		"withdrawn": ProfileDocument(IssuerProfile{ID: issuer, Name: "Example Corp"},
			[]VerificationMethod{{ID: vmID, Type: "Multikey", Controller: issuer, PublicKeyMultibase: v.PublicKeyMultibase, Revoked: "2020-01-01T00:00:00Z"}}),
		// The fragment names the vector's key, but the profile publishes
		// another key under that ID: the fragment must not be trusted.
		"other-key": ProfileDocument(IssuerProfile{ID: issuer, Name: "Example Corp"},
			[]VerificationMethod{{ID: vmID, Type: "Multikey", Controller: issuer, PublicKeyMultibase: otherKey}}),
		"expired": ProfileDocument(IssuerProfile{ID: issuer, Name: "Example Corp"},
			[]VerificationMethod{{ID: vmID, Type: "Multikey", Controller: issuer, PublicKeyMultibase: v.PublicKeyMultibase, Expires: "2025-12-31T00:00:00Z"}}),
		"not-listed": ProfileDocument(IssuerProfile{ID: issuer, Name: "Example Corp"}, nil),
		"wrong-id": ProfileDocument(IssuerProfile{ID: "https://evil.example/issuer", Name: "Example Corp"},
			[]VerificationMethod{{ID: vmID, Type: "Multikey", Controller: issuer, PublicKeyMultibase: v.PublicKeyMultibase}}),
	}
	tests := []struct {
		profile   string
		ok        bool
		failCheck CheckName
		reason    string
	}{
		{"listed", true, "", ""},
		{"withdrawn", false, CheckIssuerKey, "withdrew"},
		{"other-key", false, CheckProof, "signature"},
		{"not-listed", false, CheckIssuerKey, "does not list the key"},
		{"expired", false, CheckIssuerKey, "expired on 2025-12-31"},
		{"wrong-id", false, CheckIssuerKey, "has id"},
	}
	for _, tc := range tests {
		t.Run(tc.profile, func(t *testing.T) {
			t.Parallel()
			client := profileServer(t, "/issuers/565049", profiles[tc.profile])
			ver := &Verifier{
				Contexts: mustFixtureLoader(t),
				Keys:     &WebResolver{Client: client},
				Now:      fixedClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
			}
			rep := ver.Verify(context.Background(), v.SignedCredential)
			if rep.OK() != tc.ok {
				t.Fatalf("OK() = %v, want %v:\n%s", rep.OK(), tc.ok, reportText(t, rep))
			}
			if !tc.ok {
				c := rep.Failed(tc.failCheck)
				if c == nil || !strings.Contains(c.Explanation, tc.reason) {
					t.Errorf("want check %s to fail mentioning %q:\n%s", tc.failCheck, tc.reason, reportText(t, rep))
				}
			}
		})
	}
}

// profileServer serves doc at path over TLS on 127.0.0.1 and returns a
// client that reaches that server whatever host a URL names.
func profileServer(t *testing.T, path string, doc map[string]any) *http.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return redirectingClient(t, srv)
}

// redirectingClient returns an HTTPS client that connects to srv for every
// host and trusts srv's certificate (issued for example.com).
func redirectingClient(t *testing.T, srv *httptest.Server) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	addr := srv.Listener.Addr().String()
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "example.com"},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func reportText(t *testing.T, r *Report) string {
	t.Helper()
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatalf("write report: %v", err)
	}
	return b.String()
}

// TestVectorTamperedFieldsFail changes fields of the signed vector one at a
// time; every change must make verification fail.
func TestVectorTamperedFieldsFail(t *testing.T) {
	t.Parallel()
	ver, v := mustVectorVerifier(t)
	type mutation struct {
		name   string
		mutate func(doc map[string]any)
	}
	at := func(doc map[string]any, path ...string) map[string]any {
		m := doc
		for _, p := range path {
			m = m[p].(map[string]any)
		}
		return m
	}
	set := func(value any, path ...string) func(map[string]any) {
		return func(doc map[string]any) { at(doc, path[:len(path)-1]...)[path[len(path)-1]] = value }
	}
	del := func(path ...string) func(map[string]any) {
		return func(doc map[string]any) { delete(at(doc, path[:len(path)-1]...), path[len(path)-1]) }
	}
	tests := []mutation{
		{"id", set("http://example.com/credentials/3528", "id")},
		{"type dropped OpenBadgeCredential", set([]any{"VerifiableCredential"}, "type")},
		{"type added", set([]any{"VerifiableCredential", "OpenBadgeCredential", "EndorsementCredential"}, "type")},
		{"name", set("Teamwork badge", "name")},
		{"name removed", del("name")},
		{"validFrom later", set("2011-01-01T00:00:00Z", "validFrom")},
		{"validFrom same instant other spelling", set("2010-01-01T00:00:00+00:00", "validFrom")},
		{"validUntil added", set("2030-01-01T00:00:00Z", "validUntil")},
		{"issuer id", set("https://example.edu/issuers/565050", "issuer", "id")},
		{"issuer name", set("Example Corp.", "issuer", "name")},
		{"issuer url", set("https://www.imsglobal.org/", "issuer", "url")},
		{"issuer type", set([]any{"Profile", "Organization"}, "issuer", "type")},
		{"subject id", set("did:example:ebfeb1f712ebc6f1c276e12ec22", "credentialSubject", "id")},
		{"subject id removed", del("credentialSubject", "id")},
		{"achievement id", set("https://example.com/achievements/21st-century-skills/leadership", "credentialSubject", "achievement", "id")},
		{"achievement name", set("Leadership", "credentialSubject", "achievement", "name")},
		{"achievement description", set("This badge recognizes nothing.", "credentialSubject", "achievement", "description")},
		{"criteria narrative trailing space", set("Team members are nominated for this badge by their peers and recognized upon review by Example Corp management. ", "credentialSubject", "achievement", "criteria", "narrative")},
		{"achievement type added", set("Certificate", "credentialSubject", "achievement", "achievementType")},
		{"unknown top-level property", set("surprise", "extra")},
		{"credentialStatus added", set(StatusEntryDocument("https://example.edu/status/1", 7, StatusPurposeRevocation), "credentialStatus")},
		{"context without Open Badges", set([]any{ContextCredentialsV2}, "@context")},
		{"context unknown URL", set([]any{ContextCredentialsV2, "https://example.com/evil-context.json"}, "@context")},
		{"proof created", set("2010-01-01T19:23:25Z", "proof", "created")},
		{"proof created removed", del("proof", "created")},
		{"proof verificationMethod", set("https://example.edu/issuers/565049#key-2", "proof", "verificationMethod")},
		{"proof purpose", set("authentication", "proof", "proofPurpose")},
		{"proof cryptosuite", set("eddsa-jcs-2022", "proof", "cryptosuite")},
		{"proof type", set("Ed25519Signature2020", "proof", "type")},
		{"proof value one character", func(doc map[string]any) {
			p := at(doc, "proof")
			s := p["proofValue"].(string)
			p["proofValue"] = s[:10] + string(rune(s[10]^1)) + s[11:]
		}},
		{"proof value removed", del("proof", "proofValue")},
		{"proof removed", del("proof")},
		{"proof expires added", set("2011-01-01T00:00:00Z", "proof", "expires")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := mustDecode(t, v.SignedCredential)
			tc.mutate(doc)
			rep := ver.Verify(context.Background(), mustJSON(t, doc))
			if rep.OK() {
				t.Fatalf("tampered credential verified:\n%s", reportText(t, rep))
			}
			if rep.Failed(CheckProof) == nil && rep.Failed(CheckFormat) == nil {
				t.Errorf("tampering was not caught by the proof check:\n%s", reportText(t, rep))
			}
		})
	}

	// Every string value anywhere in the credential, changed by one
	// appended character, must break verification too.
	doc := mustDecode(t, v.SignedCredential)
	for _, path := range stringLeaves(doc, "") {
		t.Run("every string/"+path, func(t *testing.T) {
			t.Parallel()
			doc := mustDecode(t, v.SignedCredential)
			appendToLeaf(doc, path, "x")
			rep := ver.Verify(context.Background(), mustJSON(t, doc))
			if rep.OK() {
				t.Fatalf("credential with %s changed verified:\n%s", path, reportText(t, rep))
			}
		})
	}
}

// stringLeaves lists the paths (a/b/0/c) of every string in v.
func stringLeaves(v any, prefix string) []string {
	var out []string
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, stringLeaves(t[k], prefix+"/"+k)...)
		}
	case []any:
		for i, e := range t {
			out = append(out, stringLeaves(e, fmt.Sprintf("%s/%d", prefix, i))...)
		}
	case string:
		out = append(out, prefix)
	}
	return out
}

// appendToLeaf appends suffix to the string at path in v.
func appendToLeaf(v any, path, suffix string) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, p := range parts {
		last := i == len(parts)-1
		switch t := v.(type) {
		case map[string]any:
			if last {
				t[p] = t[p].(string) + suffix
				return
			}
			v = t[p]
		case []any:
			var idx int
			fmt.Sscan(p, &idx)
			if last {
				t[idx] = t[idx].(string) + suffix
				return
			}
			v = t[idx]
		}
	}
}

func mustDecode(t testing.TB, data []byte) map[string]any {
	t.Helper()
	m, err := decodeJSONObject(data)
	if err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	return m
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode JSON: %v", err)
	}
	return b
}
