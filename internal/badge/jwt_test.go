package badge

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// signToken signs header and payload as a compact JWS with priv; no check
// is made, so tests can build tokens certlab would never issue.
func signToken(t *testing.T, header, payload map[string]any, priv ed25519.PrivateKey) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	p, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	in := base64RawURL(h) + "." + base64RawURL(p)
	return in + "." + base64RawURL(ed25519.Sign(priv, []byte(in)))
}

// TestJWTTable is the verdict Open Badges 3.0 §8.2 requires for each kind
// of token: typ "JWT", "vc+jwt" or absent, with registered claims that
// agree with the credential, contradict it, are missing, or put it outside
// its validity period. jose, an independent JOSE library, checks the same
// tokens' signature and nbf/exp and must agree on the time verdicts.
func TestJWTTable(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	did := "did:key:" + EncodeMultikey(pub)
	kid := did + "#" + EncodeMultikey(pub)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	from, until := now.AddDate(0, -1, 0), now.AddDate(1, 0, 0)
	credential := func(from, until time.Time) map[string]any {
		doc, err := OpenBadgeDocument(OpenBadge{
			ID: "https://other.example/credentials/1", Issuer: IssuerProfile{ID: did, Name: "Other"},
			Achievement: Achievement{ID: "https://other.example/a/1", Name: "A", Criteria: "Do it."},
			Recipient:   Recipient{ID: "did:example:holder"}, ValidFrom: from, ValidUntil: until,
		})
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	agree := func(doc map[string]any, from, until time.Time) map[string]any {
		doc["iss"], doc["jti"], doc["sub"] = did, "https://other.example/credentials/1", "did:example:holder"
		doc["nbf"], doc["exp"] = from.Unix(), until.Unix()
		return doc
	}
	type claims func() map[string]any
	payloads := []struct {
		name    string
		payload claims
		// verdicts for typ JWT (or absent) and for typ vc+jwt; and the
		// check that must fail when the verdict is false.
		okOB, okJOSE bool
		failed       CheckName
		joseOK       bool // jose's own verdict on signature, nbf and exp
	}{
		{"claims agree", func() map[string]any { return agree(credential(from, until), from, until) }, true, true, "", true},
		{"iss contradicts issuer", func() map[string]any {
			p := agree(credential(from, until), from, until)
			p["iss"] = "https://certlab.example/issuer"
			return p
		}, false, false, CheckClaims, true},
		{"jti contradicts id", func() map[string]any {
			p := agree(credential(from, until), from, until)
			p["jti"] = "https://other.example/credentials/2"
			return p
		}, false, false, CheckClaims, true},
		{"sub contradicts subject", func() map[string]any {
			p := agree(credential(from, until), from, until)
			p["sub"] = "did:example:someone-else"
			return p
		}, false, false, CheckClaims, true},
		// The token: nbf in 2030 and exp in 2023, unlike the credential.
		{"nbf 2030 exp 2023 contradict validity", func() map[string]any {
			p := agree(credential(from, until), from, until)
			p["nbf"] = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
			p["exp"] = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
			return p
		}, false, false, CheckClaims, false},
		{"expired", func() map[string]any {
			f, u := now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0)
			return agree(credential(f, u), f, u)
		}, false, false, CheckValidUntil, false},
		{"not yet valid", func() map[string]any {
			f, u := now.AddDate(1, 0, 0), now.AddDate(2, 0, 0)
			return agree(credential(f, u), f, u)
		}, false, false, CheckValidFrom, false},
		{"exp sets validUntil, expired", func() map[string]any {
			p := agree(credential(from, time.Time{}), from, until)
			p["exp"] = now.Add(-time.Hour).Unix()
			return p
		}, false, false, CheckValidUntil, false},
		{"no registered claims", func() map[string]any { return credential(from, until) }, false, true, CheckClaims, true},
		{"no exp though validUntil", func() map[string]any {
			p := agree(credential(from, until), from, until)
			delete(p, "exp")
			return p
		}, false, true, CheckClaims, true},
	}
	typs := []struct {
		name string
		typ  any // nil: no typ header
		ob   bool
	}{{"typ JWT", "JWT", true}, {"typ absent", nil, true}, {"typ vc+jwt", "vc+jwt", false}}
	ver := &Verifier{Contexts: mustFixtureLoader(t), Keys: &WebResolver{}, Now: fixedClock(now)}
	for _, p := range payloads {
		for _, ty := range typs {
			t.Run(p.name+"/"+ty.name, func(t *testing.T) {
				t.Parallel()
				hdr := map[string]any{"alg": "EdDSA", "kid": kid}
				if ty.typ != nil {
					hdr["typ"] = ty.typ
				}
				token := signToken(t, hdr, p.payload(), priv)
				want := p.okJOSE
				if ty.ob {
					want = p.okOB
				}
				rep := ver.Verify(context.Background(), []byte(token))
				if rep.OK() != want {
					t.Fatalf("verified = %v, want %v:\n%s", rep.OK(), want, reportText(t, rep))
				}
				if !want {
					if c := rep.Failed(p.failed); c == nil && !(p.failed == CheckClaims && !ty.ob) {
						t.Errorf("want check %s to fail:\n%s", p.failed, reportText(t, rep))
					}
				}
			})
		}
	}
	// jose's verdict on the same tokens' signature and nbf/exp.
	for _, p := range payloads {
		token := signToken(t, map[string]any{"alg": "EdDSA", "kid": kid, "typ": "JWT"}, p.payload(), priv)
		_, err := runNode(t, joseDir, "check.mjs", "jose", map[string]any{"mode": "verify", "jwt": token, "jwk": okpJWK(pub, nil), "now": formatDateTime(now)})
		if (err == nil) != p.joseOK {
			t.Errorf("%s: jose verdict %v, want %v (%v)", p.name, err == nil, p.joseOK, err)
		}
	}
}

func TestJWTRefusesOtherTyp(t *testing.T) {
	t.Parallel()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"jwt+vc", "at+jwt", "application/json", "vp+jwt"} {
		token := signToken(t, map[string]any{"alg": "EdDSA", "kid": "did:key:z6Mk#z6Mk", "typ": typ},
			map[string]any{"@context": []any{ContextCredentialsV2}}, priv)
		if _, _, err := ParseJWT(token); err == nil || !strings.Contains(err.Error(), "typ") {
			t.Errorf("typ %q: err = %v, want a typ error", typ, err)
		}
	}
}

// TestJWTWithVCClaim verifies a token made under VC Data Model 1.1, with
// the credential in the vc claim and its id, issuer and dates left to the
// registered claims.
func TestJWTWithVCClaim(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	did := "did:key:" + EncodeMultikey(pub)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	vc := map[string]any{
		"@context": []any{ContextCredentialsV1, ContextOpenBadgesV300},
		"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
		"credentialSubject": map[string]any{"type": []any{"AchievementSubject"},
			"achievement": map[string]any{"id": "https://other.example/a/1", "type": []any{"Achievement"}, "name": "A",
				"description": "d", "criteria": map[string]any{"narrative": "Do it."}}},
	}
	payload := map[string]any{"iss": did, "jti": "urn:uuid:4f1c2d8e-0000-4000-8000-000000000001", "sub": "did:example:holder",
		"nbf": now.AddDate(0, -1, 0).Unix(), "exp": now.AddDate(1, 0, 0).Unix(), "vc": vc}
	token := signToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": did + "#" + EncodeMultikey(pub)}, payload, priv)
	ver := &Verifier{Contexts: mustFixtureLoader(t), Keys: &WebResolver{}, Now: fixedClock(now)}
	rep := ver.Verify(context.Background(), []byte(token))
	if !rep.OK() || rep.Issuer != did || rep.CredentialID != "urn:uuid:4f1c2d8e-0000-4000-8000-000000000001" || rep.Subject != "did:example:holder" {
		t.Fatalf("VC 1.1 token:\n%s", reportText(t, rep))
	}
	vc["issuer"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
	token = signToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": did + "#" + EncodeMultikey(pub)}, payload, priv)
	if rep := ver.Verify(context.Background(), []byte(token)); rep.OK() {
		t.Errorf("vc.issuer contradicting iss verified:\n%s", reportText(t, rep))
	}
}
