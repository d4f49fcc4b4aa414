package badge

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestIssuerTrust checks how a verified credential's issuer is reported:
// this server's own, one the operator trusts, a key the person verifying
// supplied, or unknown, and that the report always says who signed.
func TestIssuerTrust(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ti := newTestIssuer(t, now)
	ic := ti.issue("trust-1", 1)
	op, err := ParseOperatorKey(EncodeMultikey(ti.keyring.SigningKey().PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		own      []string
		trusted  []string
		operator bool
		want     Trust
		headline string
	}{
		{"own issuer", []string{ti.issuerID}, nil, false, TrustOwn, "this server's own issuer"},
		{"trusted issuer", nil, []string{"did:web:other.example", ti.issuerID}, false, TrustTrusted, "administrator trusts"},
		{"operator key", nil, nil, true, TrustOperator, "key you supplied"},
		{"unknown issuer", []string{"https://certlab.example/issuer"}, []string{"did:web:other.example"}, false, TrustUnknown, "issuer is UNKNOWN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := ti.verifier(now)
			v.OwnIssuers, v.TrustedIssuers = tc.own, tc.trusted
			if tc.operator {
				v.Keys = op
			}
			rep := v.Verify(context.Background(), ic.DataIntegrity)
			if !rep.OK() || rep.IssuerTrust != tc.want || !strings.Contains(rep.Headline(), tc.headline) {
				t.Fatalf("trust %q, headline %q:\n%s", rep.IssuerTrust, rep.Headline(), reportText(t, rep))
			}
			if !strings.Contains(rep.SignedBy, "certlab test") || rep.TrustNote == "" {
				t.Errorf("signed by %q, note %q", rep.SignedBy, rep.TrustNote)
			}
		})
	}
	// A failed check wins over any trust.
	v := ti.verifier(now.AddDate(5, 0, 0))
	v.OwnIssuers = []string{ti.issuerID}
	if rep := v.Verify(context.Background(), ic.DataIntegrity); rep.OK() || !strings.HasPrefix(rep.Headline(), "NOT verified") {
		t.Errorf("expired credential headline %q", rep.Headline())
	}
}
