package credential_test

import (
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
)

func TestParseStart(t *testing.T) {
	tests := []struct {
		start, zone string
		want        time.Time
		code        string
	}{
		{"2026-12-01T09:00", "Europe/Paris", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), ""},
		{"2026-07-01 09:00", "America/New_York", time.Date(2026, 7, 1, 13, 0, 0, 0, time.UTC), ""},
		{"2026-12-01T09:00:00+02:00", "Asia/Tokyo", time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC), ""},
		{"2026-12-01T09:00", "", time.Time{}, certlab.EINVALID},
		{"2026-12-01T09:00", "Nowhere/Land", time.Time{}, certlab.EINVALID},
		{"tomorrow", "UTC", time.Time{}, certlab.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.start+" "+tt.zone, func(t *testing.T) {
			got, err := credential.ParseStart(tt.start, tt.zone)
			if certlab.ErrorCode(err) != tt.code || !got.Equal(tt.want) {
				t.Fatalf("ParseStart = %v, %v; want %v, code %q", got, err, tt.want, tt.code)
			}
		})
	}
}

// FuzzParseStart: go test ./internal/credential -run XXX -fuzz FuzzParseStart -fuzztime 20s
func FuzzParseStart(f *testing.F) {
	for _, s := range [][2]string{{"2026-12-01T09:00", "Europe/Paris"}, {"2026-03-29T02:30", "Europe/Paris"}, {"2026-12-01T09:00:00Z", "UTC"}, {"", ""}, {"9999-99-99T99:99", "Local"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, start, zone string) {
		got, err := credential.ParseStart(start, zone)
		if err != nil {
			if certlab.ErrorCode(err) != certlab.EINVALID {
				t.Fatalf("error %v is not an EINVALID error", err)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("start %v is not in UTC", got)
		}
	})
}

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
