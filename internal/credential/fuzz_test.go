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
