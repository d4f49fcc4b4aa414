package credential_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// BenchmarkIssue measures evaluating requirements and issuing one
// credential (OB3 with an eddsa-rdfc-2022 proof, and VC-JWT), stored in
// SQLite: go test ./internal/credential -run XXX -bench Issue
func BenchmarkIssue(b *testing.B) {
	e := newEnv(b)
	users := make([]*certlab.User, b.N)
	for i := range users {
		users[i] = e.user("u"+strconv.Itoa(i)+"@example.org", certlab.RoleCandidate)
		e.verifiedExternal(users[i], "azure-developer-associate")
		e.recordAttempt(users[i], certlab.ModeExam, t0, true)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		issued, err := e.svc.Evaluate(e.ctx, users[i].ID)
		if err != nil || len(issued) != 1 {
			b.Fatalf("issued %d: %v", len(issued), err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "credentials/s")
}

// BenchmarkVerify measures the server-side verification of one credential
// (proof, key, dates and the status list, as the public page runs it).
func BenchmarkVerify(b *testing.B) {
	e := newEnv(b)
	e.verifiedExternal(e.cand, "azure-developer-associate")
	e.recordAttempt(e.cand, certlab.ModeExam, t0, true)
	if _, err := e.svc.Evaluate(e.ctx, e.cand.ID); err != nil {
		b.Fatal(err)
	}
	c := e.credential(e.cand)
	for _, form := range []struct {
		name string
		data []byte
	}{{"data-integrity", c.Document}, {"vc-jwt", []byte(c.JWT)}} {
		b.Run(form.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if rep := e.svc.Verify(e.ctx, form.data); !rep.OK() {
					b.Fatalf("does not verify: %+v", rep.Checks)
				}
			}
		})
	}
}
