package overview_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/overview"
	"github.com/certlab/certlab/internal/sqlite"
)

func TestWeekStart(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-11-25T09:00:00Z", "2026-11-23"}, // a Wednesday
		{"2026-11-23T00:00:00Z", "2026-11-23"}, // a Monday
		{"2026-11-29T23:59:00Z", "2026-11-23"}, // a Sunday
		{"2026-11-30T00:30:00+01:00", "2026-11-23"},
	} {
		at, _ := time.Parse(time.RFC3339, tc.in)
		if got := overview.WeekStart(at).Format("2006-01-02"); got != tc.want {
			t.Errorf("WeekStart(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// The overview counts exam attempts by state, pass rates and skill-area
// means from scored reports, and bookings by the week their sitting
// starts; only admins read it.
func TestBuild(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	user := func(email, role string) *certlab.User {
		u := &certlab.User{Email: email, Role: role, PasswordHash: "x", CreatedAt: now}
		if err := s.CreateUser(ctx, u, false); err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin := user("admin@example.org", certlab.RoleAdmin)
	user("proctor@example.org", certlab.RoleProctor)
	form := &certlab.Form{ExamID: "az-400", Sections: []*certlab.FormSection{{Kind: certlab.SectionGeneral}}}
	attempt := func(u *certlab.User, mode, status string, rep *certlab.Report) {
		a := &certlab.Attempt{UserID: u.ID, ExamID: "az-400", Mode: mode, Status: certlab.StatusStarted, Form: form, CreatedAt: now, StartedAt: &now}
		if err := s.CreateAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
		a.Status, a.Report = status, rep
		if err := s.UpdateAttempt(ctx, a, certlab.StatusStarted, 0); err != nil {
			t.Fatal(err)
		}
	}
	rep := func(passed bool, pct float64) *certlab.Report {
		return &certlab.Report{ExamID: "az-400", Passed: passed, Domains: []certlab.DomainResult{{ID: "d1", Name: "Processes", Percent: pct}}}
	}
	for i, c := range []struct {
		passed bool
		pct    float64
	}{{true, 80}, {false, 40}, {true, 90}} {
		attempt(user(string(rune('a'+i))+"@example.org", certlab.RoleCandidate), certlab.ModeExam, certlab.StatusScored, rep(c.passed, c.pct))
	}
	v := user("v@example.org", certlab.RoleCandidate)
	attempt(v, certlab.ModeExam, certlab.StatusVoided, nil)
	attempt(v, certlab.ModePractice, certlab.StatusScored, rep(true, 100))
	st := &certlab.Sitting{ExamID: "az-400", StartsAt: now.Add(7 * 24 * time.Hour), TimeZone: "UTC", Capacity: 5, Delivery: certlab.DeliveryOnline, CreatedBy: admin.ID, CreatedAt: now}
	if err := s.CreateSitting(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := s.BookAppointment(ctx, &certlab.Appointment{SittingID: st.ID, UserID: v.ID, BookedAt: now}); err != nil {
		t.Fatal(err)
	}
	cat := &certlab.Catalog{}
	if _, err := overview.Build(ctx, v, s, cat, now); certlab.ErrorCode(err) != certlab.EFORBIDDEN {
		t.Fatalf("a candidate reads the overview: %v", err)
	}
	o, err := overview.Build(ctx, admin, s, cat, now)
	if err != nil {
		t.Fatal(err)
	}
	if o.Candidates != 4 || o.Staff[certlab.RoleAdmin] != 1 || o.Staff[certlab.RoleProctor] != 1 || o.Active != 4 || o.Practice != 1 {
		t.Fatalf("people and practice: %+v", o)
	}
	if len(o.Exams) != 1 {
		t.Fatalf("exams %+v", o.Exams)
	}
	e := o.Exams[0]
	if e.Attempts != 4 || e.Scored != 3 || e.Passed != 2 || e.Voided != 1 || e.PassRate < 0.66 || e.PassRate > 0.67 {
		t.Fatalf("az-400 line %+v", e)
	}
	if len(e.Domains) != 1 || e.Domains[0].MeanPercent != 70 || e.Domains[0].Reports != 3 {
		t.Fatalf("skill-area means %+v (practice sets must not count)", e.Domains)
	}
	if len(o.Weeks) != overview.WeeksBefore+1+overview.WeeksAfter {
		t.Fatalf("%d weeks", len(o.Weeks))
	}
	for i, w := range o.Weeks {
		want := 0
		if i == overview.WeeksBefore+1 {
			want = 1 // the sitting a week from now
		}
		if w.Appointments != want {
			t.Errorf("week of %s: %d appointments, want %d", w.Start.Format("2006-01-02"), w.Appointments, want)
		}
	}
}
