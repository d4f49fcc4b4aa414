package schedule_test

import (
	"context"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/schedule"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// env is the application (app.New) on a fresh SQLite database with a fake
// clock at t0, an admin, a proctor and a candidate.
type env struct {
	t       testing.TB
	ctx     context.Context
	app     *app.App
	clk     *apptest.Clock
	admin   *certlab.User
	proctor *certlab.User
	cand    *certlab.User
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), clk: apptest.NewClock(t0)}
	e.app = apptest.New(t, app.Config{Now: e.clk.Now, Seed: func() int64 { return 1 }})
	e.admin = e.user("admin@example.org", certlab.RoleAdmin)
	e.proctor = e.user("proctor@example.org", certlab.RoleProctor)
	e.cand = e.user("cand@example.org", certlab.RoleCandidate)
	return e
}

func (e *env) user(email, role string) *certlab.User {
	e.t.Helper()
	u := &certlab.User{Email: email, Name: email, Role: role, PasswordHash: "x", CreatedAt: t0}
	if err := e.app.Store.CreateUser(e.ctx, u, false); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := certlab.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

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
			got, err := schedule.ParseStart(tt.start, tt.zone)
			if certlab.ErrorCode(err) != tt.code || !got.Equal(tt.want) {
				t.Fatalf("ParseStart = %v, %v; want %v, code %q", got, err, tt.want, tt.code)
			}
		})
	}
}

// FuzzParseStart: go test ./internal/schedule -run XXX -fuzz FuzzParseStart -fuzztime 20s
func FuzzParseStart(f *testing.F) {
	for _, s := range [][2]string{{"2026-12-01T09:00", "Europe/Paris"}, {"2026-03-29T02:30", "Europe/Paris"}, {"2026-12-01T09:00:00Z", "UTC"}, {"", ""}, {"9999-99-99T99:99", "Local"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, start, zone string) {
		got, err := schedule.ParseStart(start, zone)
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

func TestScheduling(t *testing.T) {
	e := newEnv(t)
	sch := e.app.Schedule
	other := e.user("other@example.org", certlab.RoleCandidate)
	req := schedule.SittingRequest{Exam: "az-400", Start: "2026-12-10T09:30", TimeZone: "Europe/Paris", Capacity: 1, Delivery: certlab.DeliveryTestCentre, Location: "Paris 1", Proctored: true}
	_, err := sch.CreateSitting(e.ctx, e.cand, req)
	wantCode(t, err, certlab.EFORBIDDEN)
	bad := []struct {
		name string
		edit func(r *schedule.SittingRequest)
	}{
		{"unknown zone", func(r *schedule.SittingRequest) { r.TimeZone = "Mars/Olympus" }},
		{"past", func(r *schedule.SittingRequest) { r.Start = "2026-01-01T09:00" }},
		{"no capacity", func(r *schedule.SittingRequest) { r.Capacity = 0 }},
		{"bad delivery", func(r *schedule.SittingRequest) { r.Delivery = "carrier-pigeon" }},
		{"centre without address", func(r *schedule.SittingRequest) { r.Location = "" }},
		{"unknown exam", func(r *schedule.SittingRequest) { r.Exam = "az-999" }},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			r := req
			b.edit(&r)
			if _, err := sch.CreateSitting(e.ctx, e.admin, r); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	s1, err := sch.CreateSitting(e.ctx, e.admin, req)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 10, 8, 30, 0, 0, time.UTC); !s1.StartsAt.Equal(want) {
		t.Fatalf("09:30 in Paris stored as %v, want %v", s1.StartsAt, want)
	}
	req.Start, req.Capacity = "2026-12-12T14:00", 5
	s2, _ := sch.CreateSitting(e.ctx, e.admin, req)

	ap, err := sch.Book(e.ctx, e.cand, s1.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sch.Book(e.ctx, other, s1.ID)
	wantCode(t, err, certlab.ECONFLICT) // full
	// Reschedule to s2 frees s1 for the other candidate.
	if ap, err = sch.Reschedule(e.ctx, e.cand, ap.ID, s2.ID); err != nil || ap.SittingID != s2.ID {
		t.Fatalf("reschedule: %+v %v", ap, err)
	}
	apOther, err := sch.Book(e.ctx, other, s1.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sch.Cancel(e.ctx, other, ap.ID) // not theirs
	wantCode(t, err, certlab.ENOTFOUND)

	// Within 24 hours of the start nothing can be booked, moved or cancelled.
	e.clk.Set(s1.StartsAt.Add(-23 * time.Hour))
	_, err = sch.Cancel(e.ctx, other, apOther.ID)
	wantCode(t, err, certlab.ECONFLICT)
	_, err = sch.Reschedule(e.ctx, other, apOther.ID, s2.ID)
	wantCode(t, err, certlab.ECONFLICT)
	third := e.user("third@example.org", certlab.RoleCandidate)
	_, err = sch.Book(e.ctx, third, s1.ID)
	wantCode(t, err, certlab.ECONFLICT)

	// Check-in: 30 minutes before to 15 minutes after the start.
	checkIn := []struct {
		at time.Duration
		ok bool
	}{{-31 * time.Minute, false}, {-30 * time.Minute, true}}
	for _, c := range checkIn {
		e.clk.Set(s1.StartsAt.Add(c.at))
		_, err := sch.CheckIn(e.ctx, other, apOther.ID)
		if (err == nil) != c.ok {
			t.Fatalf("check-in at start%+v: %v", c.at, err)
		}
	}
	e.clk.Set(s2.StartsAt.Add(16 * time.Minute))
	_, err = sch.CheckIn(e.ctx, e.cand, ap.ID)
	wantCode(t, err, certlab.ECONFLICT)
	// The sweep records the candidate who never checked in as a no-show.
	n, err := sch.RecordNoShows(e.ctx)
	if err != nil || n != 1 {
		t.Fatalf("no-shows: %d %v", n, err)
	}
	mine, _ := sch.Appointments(e.ctx, e.cand, 0)
	if len(mine) != 1 || mine[0].Status != certlab.AppointmentNoShow {
		t.Fatalf("appointments %+v", mine)
	}
	theirs, _ := sch.Appointments(e.ctx, other, 0)
	if len(theirs) != 1 || theirs[0].Status != certlab.AppointmentCheckedIn {
		t.Fatalf("appointments %+v", theirs)
	}
	if _, err := sch.Appointments(e.ctx, other, s1.ID); certlab.ErrorCode(err) != certlab.EFORBIDDEN {
		t.Fatalf("candidate listed a sitting's bookings: %v", err)
	}
	log, _ := e.app.Audit.Entries(e.ctx, e.admin, certlab.AuditFilter{Action: "appointment.no-show"})
	if len(log) != 1 {
		t.Fatalf("no-show not audited: %v", log)
	}
}
