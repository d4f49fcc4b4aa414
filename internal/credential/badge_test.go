package credential_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
)

// TestIssuedCredentialCarriesImageAndName checks what a holder's credential
// shows: the program's badge image (the same SVG as AchievementImage) and
// the display name the holder chose, beside the hashed e-mail; and that
// verification names the server's own issuer as such, but a stranger's
// did:key credential that calls itself by the same name as unknown.
func TestIssuedCredentialCarriesImageAndName(t *testing.T) {
	e := newEnv(t)
	e.cand.Name = "Ada Lovelace"
	if err := e.store.UpdateUser(e.ctx, e.cand); err != nil {
		t.Fatal(err)
	}
	e.sit(e.cand, certlab.ModeExam, true)
	e.verifiedExternal(e.cand, "azure-administrator-associate")
	c := e.credential(e.cand)
	if c == nil || len(c.Document) == 0 {
		t.Fatalf("no credential issued: %+v", c)
	}
	var doc struct {
		CredentialSubject struct {
			ID          string `json:"id"`
			Achievement struct {
				Image struct {
					ID, Type, Caption string
				} `json:"image"`
			} `json:"achievement"`
			Identifier []struct {
				IdentityType string `json:"identityType"`
				IdentityHash string `json:"identityHash"`
				Hashed       bool   `json:"hashed"`
			} `json:"identifier"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(c.Document, &doc); err != nil {
		t.Fatal(err)
	}
	p, err := e.cat.Program(c.ProgramID)
	if err != nil {
		t.Fatal(err)
	}
	img := doc.CredentialSubject.Achievement.Image
	if img.Type != "Image" || img.ID != badge.DataURI("image/svg+xml", e.svc.AchievementImage(p)) || img.Caption == "" {
		t.Errorf("achievement image = %q (%s, %q), want the program's SVG as a data: URI", img.ID[:min(len(img.ID), 60)], img.Type, img.Caption)
	}
	got := map[string]string{}
	for _, id := range doc.CredentialSubject.Identifier {
		got[id.IdentityType] = id.IdentityHash
		if id.IdentityType == "name" && id.Hashed {
			t.Error("the display name is marked hashed")
		}
	}
	if got["name"] != "Ada Lovelace" || got["emailAddress"] != badge.HashIdentity(e.cand.Email, c.PublicID) {
		t.Errorf("identifiers = %v, want the display name and the hashed e-mail", got)
	}
	if strings.Contains(string(c.Document), e.cand.Email) {
		t.Error("the document holds the e-mail address in clear")
	}
	rep := e.svc.Verify(e.ctx, c.Document)
	if !rep.OK() || rep.IssuerTrust != badge.TrustOwn || !strings.Contains(rep.Headline(), "this server's own issuer") {
		t.Errorf("own credential: trust %q, headline %q", rep.IssuerTrust, rep.Headline())
	}

	// A stranger's did:key credential, naming its issuer "certlab test" too.
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
		ID: "https://elsewhere.example/c/1", Issuer: badge.IssuerProfile{ID: did, Name: "certlab test"},
		Achievement: badge.Achievement{ID: "https://elsewhere.example/a/1", Name: p.Name, Criteria: "None."},
		Recipient:   badge.Recipient{ID: "did:example:x"}, ValidFrom: t0.Add(-time.Hour),
	}, badge.SigningKey{VerificationMethod: did + "#" + badge.EncodeMultikey(pub), PrivateKey: priv}, t0)
	if err != nil {
		t.Fatal(err)
	}
	rep = e.svc.Verify(e.ctx, fake.DataIntegrity)
	if !rep.OK() || rep.IssuerTrust != badge.TrustUnknown || !strings.Contains(rep.Headline(), "UNKNOWN") {
		t.Errorf("stranger's credential: trust %q, headline %q", rep.IssuerTrust, rep.Headline())
	}
}
