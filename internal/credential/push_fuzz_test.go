package credential

import (
	"testing"

	"github.com/certlab/certlab"
)

// FuzzParsePushed: a pushed body (upsertCredential) is read or refused
// with an EINVALID error, never a panic; what is read is an Open Badges
// credential with an id and an issuer.
func FuzzParsePushed(f *testing.F) {
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"did:key:z6Mk","type":["Profile"]},"validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"type":["AchievementSubject"],"achievement":{"id":"https://a.example/achievements/x","type":["Achievement"],"name":"X","criteria":{"narrative":"n"},"description":"d"}}}`))
	f.Add([]byte(`{"type":["VerifiableCredential"],"issuer":"did:key:z"}`))
	f.Add([]byte("eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJ2YyI6e319.c2ln"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cred, format, err := ParsePushed(data)
		if err != nil {
			if certlab.ErrorCode(err) != certlab.EINVALID {
				t.Fatalf("error %v has code %q, want %q", err, certlab.ErrorCode(err), certlab.EINVALID)
			}
			return
		}
		if cred.ID == "" || cred.IssuerID == "" || (format != "json" && format != "jwt") ||
			!cred.HasType("OpenBadgeCredential") && !cred.HasType("AchievementCredential") {
			t.Fatalf("read %+v (%s)", cred, format)
		}
	})
}
