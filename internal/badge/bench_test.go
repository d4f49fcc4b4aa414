package badge

import (
	"context"
	"testing"
	"time"
)

// BenchmarkVerifyVector measures a full Data Integrity verification of the
// published vector (two RDFC-1.0 canonicalizations, two hashes, Ed25519).
func BenchmarkVerifyVector(b *testing.B) {
	v := mustVector(b)
	key, err := ParseOperatorKey(v.PublicKeyMultibase)
	if err != nil {
		b.Fatal(err)
	}
	ver := &Verifier{Contexts: mustFixtureLoader(b), Keys: key, Now: fixedClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if rep := ver.Verify(ctx, v.SignedCredential); !rep.OK() {
			b.Fatal("vector does not verify")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

// BenchmarkIssue measures issuing one credential in both forms.
func BenchmarkIssue(b *testing.B) {
	v := mustVector(b)
	loader := mustFixtureLoader(b)
	key := SigningKey{VerificationMethod: "https://certlab.example/issuer#" + v.PublicKeyMultibase, PrivateKey: mustHex(b, v.PrivateKeyHex)}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	badge := OpenBadge{
		ID: "https://certlab.example/credentials/1", Issuer: IssuerProfile{ID: "https://certlab.example/issuer", Name: "certlab"},
		Achievement: Achievement{ID: "https://certlab.example/achievements/az-400", Name: "AZ-400", Criteria: "Pass the exam."},
		Recipient:   Recipient{Email: "ada@example.org", Salt: "s"}, ValidFrom: now, ValidUntil: now.AddDate(1, 0, 0),
		Status: []StatusRef{{ListURL: "https://certlab.example/status/1", Index: 7, Purpose: StatusPurposeRevocation}},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loader.Issue(badge, key, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
}

// BenchmarkStatusListEncode measures encoding a minimum-size list with
// 1% of its entries set.
func BenchmarkStatusListEncode(b *testing.B) {
	l := NewStatusList(0)
	for i := 0; i < l.Len(); i += 100 {
		if err := l.Set(i, true); err != nil {
			b.Fatal(err)
		}
	}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		enc, err := l.Encode()
		if err != nil {
			b.Fatal(err)
		}
		size = len(enc)
	}
	b.ReportMetric(float64(size), "encoded-bytes")
}

// BenchmarkCanonicalizeWorstAccepted measures the slowest input shape the
// poison-graph guard still lets through: maxLookAlikeBlankNodes blank
// nodes in a clique.
func BenchmarkCanonicalizeWorstAccepted(b *testing.B) {
	l := mustFixtureLoader(b)
	doc := cliqueDocument(maxLookAlikeBlankNodes)
	for b.Loop() {
		if _, err := l.Canonicalize(doc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1000, "ms/canonicalization")
}
