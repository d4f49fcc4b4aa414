package credential_test

import (
	"testing"

	"github.com/certlab/certlab"
)

// FuzzVerify feeds arbitrary documents to the verification that the public
// page and POST /api/v1/verify run. It must never panic, and whatever it
// reports as verified must be the credential certlab issued.
// go test ./internal/credential -run XXX -fuzz FuzzVerify -fuzztime 30s
func FuzzVerify(f *testing.F) {
	e := newEnv(f)
	e.verifiedExternal(e.cand, "azure-developer-associate")
	e.recordAttempt(e.cand, certlab.ModeExam, t0, true)
	if _, err := e.svc.Evaluate(e.ctx, e.cand.ID); err != nil {
		f.Fatal(err)
	}
	c := e.credential(e.cand)
	wantID := e.svc.CredentialURL(c.PublicID)
	f.Add([]byte(c.Document))
	f.Add([]byte(c.JWT))
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`))
	f.Add([]byte("eyJhbGciOiJub25lIn0.e30."))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rep := e.svc.Verify(e.ctx, data)
		if len(rep.Checks) == 0 {
			t.Fatal("a report without checks")
		}
		if rep.OK() && rep.CredentialID != wantID {
			t.Fatalf("verified a credential certlab did not issue: %q", rep.CredentialID)
		}
	})
}
