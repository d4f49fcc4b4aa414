package web

import (
	"testing"
	"time"

	"github.com/certlab/certlab"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		code string
	}{
		{"2026-12-31", time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC), ""},
		{"2026-12-31T08:30", time.Date(2026, 12, 31, 8, 30, 0, 0, time.UTC), ""},
		{"2026-12-31T08:30:00+02:00", time.Date(2026, 12, 31, 6, 30, 0, 0, time.UTC), ""},
		{"", time.Time{}, certlab.EINVALID},
		{"31/12/2026", time.Time{}, certlab.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseDate("the date", tc.in)
			if code := certlab.ErrorCode(err); code != tc.code || !got.Equal(tc.want) {
				t.Fatalf("parseDate(%q) = %v, %v; want %v, code %q", tc.in, got, err, tc.want, tc.code)
			}
		})
	}
}

// FuzzParseDate: any text gives a date in UTC or an invalid-input error
// that names the field, never a panic.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-31", "2026-12-31T08:30", "2026-02-30", "", "x", "2026-12-31T08:30:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseDate("the due date", s)
		if err != nil {
			if certlab.ErrorCode(err) != certlab.EINVALID || certlab.ErrorMessage(err) == "" {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q: %v is not in UTC", s, got)
		}
	})
}
