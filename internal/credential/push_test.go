package credential_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/credential"
)

// pushed signs an Open Badges credential with a fresh did:key for the
// achievement URL.
func pushed(t *testing.T, id, achievementURL string, from time.Time) []byte {
	t.Helper()
	l, err := badge.NewContextLoader()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	mk := badge.EncodeMultikey(pub)
	did := "did:key:" + mk
	ic, err := l.Issue(badge.OpenBadge{ID: id, Issuer: badge.IssuerProfile{ID: did, Name: "Other Academy"},
		Achievement: badge.Achievement{ID: achievementURL, Name: "Some achievement", Criteria: "Pass."},
		Recipient:   badge.Recipient{ID: "did:example:holder"}, ValidFrom: from}, badge.SigningKey{VerificationMethod: did + "#" + mk, PrivateKey: priv}, from)
	if err != nil {
		t.Fatal(err)
	}
	return ic.DataIntegrity
}

// TestPushMapsAchievements: a pushed credential is queued with the
// requirement its achievement names, or none.
func TestPushMapsAchievements(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ achievement, want string }{
		{"https://academy.example/achievements/azure-developer-associate", "azure-developer-associate"},
		{"https://academy.example/badges/AZURE-ADMINISTRATOR-ASSOCIATE", "azure-administrator-associate"},
		{"https://academy.example/achievements/underwater-basket-weaving", ""},
		{"urn:uuid:5b1d0c3e-2a44-4f8e-9d7e-0f1f6a3b2c11", ""},
	} {
		t.Run(tc.achievement, func(t *testing.T) {
			res, err := e.svc.Push(e.ctx, e.cand, pushed(t, "urn:uuid:"+tc.achievement, tc.achievement, t0.Add(-time.Hour)))
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != credential.PushCreated || res.External.CredentialID != tc.want || res.External.Status != certlab.ExternalDeclared ||
				!strings.Contains(res.External.Issuer, "Other Academy (did:key:") {
				t.Fatalf("queued %+v (outcome %d), want credential %q", res.External, res.Outcome, tc.want)
			}
		})
	}
}

// TestPushRefusesOwnAndFutureCredentials: certlab's own credential is not
// an external one, and a credential not yet valid does not verify.
func TestPushRefusesOwnAndFutureCredentials(t *testing.T) {
	e := newEnv(t)
	e.recordAttempt(e.cand, "exam", t0.Add(-time.Hour), true)
	e.verifiedExternal(e.cand, "azure-administrator-associate")
	own := e.credential(e.cand)
	if own == nil || len(own.Document) == 0 {
		t.Fatal("no credential issued")
	}
	for _, tc := range []struct {
		name string
		data []byte
		says string
	}{
		{"certlab's own", own.Document, "issued by this server"},
		{"certlab's own, as a VC-JWT", []byte(own.JWT), "issued by this server"},
		{"not yet valid", pushed(t, "urn:uuid:future", "https://academy.example/achievements/x", t0.Add(48*time.Hour)), "does not verify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Push(e.ctx, e.cand, tc.data)
			wantCode(t, err, certlab.EINVALID)
			if !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("error %q does not say %q", err, tc.says)
			}
		})
	}
	if q, _ := e.svc.ExternalCredentials(e.ctx, e.admin, certlab.ExternalDeclared, true); len(q) != 0 {
		t.Fatalf("refused pushes left %d entries in the review queue", len(q))
	}
}
