package schedule_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/audit"
	"github.com/certlab/certlab/internal/schedule"
)

// outbox is a mail.Mailer that keeps what it was asked to send.
type outbox struct {
	mu   sync.Mutex
	mail []sent
}

type sent struct{ to, subject, body string }

func (o *outbox) Send(_ context.Context, to, subject, body string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mail = append(o.mail, sent{to, subject, body})
	return nil
}

func (o *outbox) take() []sent {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := o.mail
	o.mail = nil
	return out
}

func newMailEnv(t *testing.T) (*env, *outbox) {
	t.Helper()
	box := &outbox{}
	e := &env{t: t, ctx: context.Background(), clk: apptest.NewClock(t0)}
	e.app = apptest.New(t, app.Config{Now: e.clk.Now, Seed: func() int64 { return 1 }, Mailer: box})
	e.admin = e.user("admin@example.org", certlab.RoleAdmin)
	e.proctor = e.user("proctor@example.org", certlab.RoleProctor)
	e.cand = e.user("cand@example.org", certlab.RoleCandidate)
	return e, box
}

// Booking, moving and cancelling each e-mail a confirmation that says
// when (in the sitting's zone and UTC), where, the check-in window and
// the cut-off.
func TestConfirmationMails(t *testing.T) {
	e, box := newMailEnv(t)
	sch := e.app.Schedule
	req := schedule.SittingRequest{Exam: "az-104", Start: "2026-12-10T09:30", TimeZone: "Europe/Paris", Capacity: 3, Delivery: certlab.DeliveryOnline, Proctored: true}
	s1, err := sch.CreateSitting(e.ctx, e.admin, req)
	if err != nil {
		t.Fatal(err)
	}
	req.Start, req.Delivery, req.Location = "2026-12-12T14:00", certlab.DeliveryTestCentre, "1 Rue de Rivoli, Paris"
	s2, _ := sch.CreateSitting(e.ctx, e.admin, req)
	ap, err := sch.Book(e.ctx, e.cand, s1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sch.Reschedule(e.ctx, e.cand, ap.ID, s2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := sch.Cancel(e.ctx, e.cand, ap.ID); err != nil {
		t.Fatal(err)
	}
	// A refused action sends nothing.
	_, err = sch.Cancel(e.ctx, e.cand, ap.ID)
	wantCode(t, err, certlab.ECONFLICT)
	got := box.take()
	want := []struct{ subject, body []string }{
		{[]string{"Booked: AZ-104"}, []string{"Thursday 10 December 2026, 09:30 CET (Europe/Paris; 08:30 UTC)", "online", "from 09:00 to 09:45 CET", "until Wednesday 9 December 2026, 09:30 CET (24 hours before"}},
		{[]string{"Rescheduled: AZ-104"}, []string{"from Thursday 10 December 2026, 09:30 CET", "to Saturday 12 December 2026, 14:00 CET", "test centre, 1 Rue de Rivoli, Paris"}},
		{[]string{"Cancelled: AZ-104"}, []string{"Saturday 12 December 2026, 14:00 CET", "seat released"}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d e-mails, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].to != "cand@example.org" {
			t.Errorf("e-mail %d to %s", i, got[i].to)
		}
		for _, s := range w.subject {
			if !strings.Contains(got[i].subject, s) {
				t.Errorf("e-mail %d subject %q lacks %q", i, got[i].subject, s)
			}
		}
		for _, s := range w.body {
			if !strings.Contains(got[i].body, s) {
				t.Errorf("e-mail %d body lacks %q:\n%s", i, s, got[i].body)
			}
		}
	}
}

// The reminder goes once per appointment and sitting, 24 hours before,
// even with several servers sweeping the same database at once; a
// rescheduled appointment is reminded of its new sitting; cancelled and
// started sittings get none.
func TestReminderSweep(t *testing.T) {
	e, box := newMailEnv(t)
	sch := e.app.Schedule
	// A second server on the same database: its own scheduling service.
	other := schedule.New(e.app.Store, e.app.Catalog, audit.New(e.app.Store, e.clk.Now), e.clk.Now, 0, schedule.WithMailer(box, nil))
	req := schedule.SittingRequest{Exam: "az-400", Start: "2026-12-10T09:00", TimeZone: "UTC", Capacity: 5, Delivery: certlab.DeliveryOnline, Proctored: true}
	s1, _ := sch.CreateSitting(e.ctx, e.admin, req)
	req.Start = "2026-12-11T09:00"
	s2, _ := sch.CreateSitting(e.ctx, e.admin, req)
	cancelled := e.user("gone@example.org", certlab.RoleCandidate)
	ap, err := sch.Book(e.ctx, e.cand, s1.ID)
	if err != nil {
		t.Fatal(err)
	}
	apGone, _ := sch.Book(e.ctx, cancelled, s1.ID)
	if _, err := sch.Cancel(e.ctx, cancelled, apGone.ID); err != nil {
		t.Fatal(err)
	}
	box.take()

	sweep := func() int {
		t.Helper()
		var wg sync.WaitGroup
		counts := make([]int, 6)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				svc := sch
				if i%2 == 1 {
					svc = other
				}
				n, err := svc.SendReminders(e.ctx)
				if err != nil {
					t.Errorf("sweep: %v", err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		total := 0
		for _, n := range counts {
			total += n
		}
		return total
	}
	e.clk.Set(s1.StartsAt.Add(-25 * time.Hour))
	if n := sweep(); n != 0 || len(box.take()) != 0 {
		t.Fatalf("25 hours before: %d reminders", n)
	}
	e.clk.Set(s1.StartsAt.Add(-24 * time.Hour))
	if n := sweep(); n != 1 {
		t.Fatalf("24 hours before, six concurrent sweeps on two servers sent %d reminders, want 1", n)
	}
	mail := box.take()
	if len(mail) != 1 || mail[0].to != "cand@example.org" || !strings.Contains(mail[0].subject, "Reminder: AZ-400") || !strings.Contains(mail[0].body, "Check in") {
		t.Fatalf("reminder %+v", mail)
	}
	e.clk.Add(time.Hour)
	if n := sweep(); n != 0 {
		t.Fatalf("a second round sent %d", n)
	}
	// Had the candidate moved to s2 before the cut-off, s2's reminder
	// follows (the clock goes back to a time when moving was allowed).
	e.clk.Set(s1.StartsAt.Add(-48 * time.Hour))
	if _, err := sch.Reschedule(e.ctx, e.cand, ap.ID, s2.ID); err != nil {
		t.Fatal(err)
	}
	box.take()
	e.clk.Set(s2.StartsAt.Add(-23 * time.Hour))
	if n := sweep(); n != 1 {
		t.Fatalf("reminder of the new sitting: %d", n)
	}
	if mail := box.take(); len(mail) != 1 || !strings.Contains(mail[0].body, "Friday 11 December 2026") {
		t.Fatalf("reminder of the new sitting: %+v", mail)
	}
	// After the start nothing more is sent.
	e.clk.Set(s2.StartsAt.Add(time.Minute))
	if n := sweep(); n != 0 {
		t.Fatalf("after the start: %d", n)
	}
	rs, err := e.app.Store.AppointmentReminders(e.ctx, e.cand.ID)
	if err != nil || len(rs) != 2 {
		t.Fatalf("recorded reminders %+v %v", rs, err)
	}
}

// Candidates request accommodations; admins approve or reject them;
// approved extra time becomes the account's extra time; everything is
// e-mailed and the decisions audited.
func TestAccommodationRequests(t *testing.T) {
	e, box := newMailEnv(t)
	sch := e.app.Schedule
	bad := []schedule.AccommodationInput{
		{Kind: "a-pony"},
		{Kind: certlab.AccommodationExtraTime},
		{Kind: certlab.AccommodationExtraTime, ExtraTimePct: 301},
		{Kind: certlab.AccommodationBreaks},
		{Kind: certlab.AccommodationBreaks, ExtraTimePct: 10, Details: "x"},
		{Kind: certlab.AccommodationOtherNeeds, Details: strings.Repeat("é", schedule.MaxAccommodationDetails+1)},
	}
	for _, in := range bad {
		_, err := sch.RequestAccommodation(e.ctx, e.cand, in)
		wantCode(t, err, certlab.EINVALID)
	}
	r, err := sch.RequestAccommodation(e.ctx, e.cand, schedule.AccommodationInput{Kind: certlab.AccommodationExtraTime, ExtraTimePct: 50, Details: "  dyslexia  "})
	if err != nil || r.Status != certlab.AccommodationRequested || r.Details != "dyslexia" {
		t.Fatalf("request: %+v %v", r, err)
	}
	_, err = sch.RequestAccommodation(e.ctx, e.cand, schedule.AccommodationInput{Kind: certlab.AccommodationExtraTime, ExtraTimePct: 25})
	wantCode(t, err, certlab.ECONFLICT)
	breaks, err := sch.RequestAccommodation(e.ctx, e.cand, schedule.AccommodationInput{Kind: certlab.AccommodationBreaks, Details: "a 10-minute break every hour"})
	if err != nil {
		t.Fatal(err)
	}
	// Only admins see everyone's and decide.
	_, err = sch.AccommodationRequests(e.ctx, e.cand, true, "")
	wantCode(t, err, certlab.EFORBIDDEN)
	_, err = sch.DecideAccommodation(e.ctx, e.proctor, r.ID, true, "")
	wantCode(t, err, certlab.EFORBIDDEN)
	open, err := sch.AccommodationRequests(e.ctx, e.admin, true, certlab.AccommodationRequested)
	if err != nil || len(open) != 2 {
		t.Fatalf("open requests %v %v", open, err)
	}
	// Someone else's request is not found; the candidate withdraws theirs.
	stranger := e.user("stranger@example.org", certlab.RoleCandidate)
	_, err = sch.WithdrawAccommodation(e.ctx, stranger, breaks.ID)
	wantCode(t, err, certlab.ENOTFOUND)
	if w, err := sch.WithdrawAccommodation(e.ctx, e.cand, breaks.ID); err != nil || w.Status != certlab.AccommodationWithdrawn {
		t.Fatalf("withdraw %+v %v", w, err)
	}
	d, err := sch.DecideAccommodation(e.ctx, e.admin, r.ID, true, "report checked")
	if err != nil || d.Status != certlab.AccommodationApproved {
		t.Fatalf("approve %+v %v", d, err)
	}
	_, err = sch.DecideAccommodation(e.ctx, e.admin, r.ID, false, "")
	wantCode(t, err, certlab.ECONFLICT)
	u, _ := e.app.Store.User(e.ctx, e.cand.ID)
	if u.ExtraTimePct != 50 {
		t.Fatalf("extra time after approval: %d %%", u.ExtraTimePct)
	}
	mine, _ := sch.AccommodationRequests(e.ctx, e.cand, false, "")
	if len(mine) != 2 || mine[0].Status != certlab.AccommodationApproved || mine[0].DecisionNote != "report checked" || mine[1].Status != certlab.AccommodationWithdrawn {
		t.Fatalf("the candidate's requests %+v", mine)
	}
	log, _ := e.app.Audit.Entries(e.ctx, e.admin, certlab.AuditFilter{Action: "accommodation.approve"})
	if len(log) != 1 || !strings.Contains(log[0].Detail, "50 % extra time") {
		t.Fatalf("audit %+v", log)
	}
	mail := box.take()
	if len(mail) != 3 || !strings.Contains(mail[0].subject, "received") || !strings.Contains(mail[2].subject, "approved") || !strings.Contains(mail[2].body, "report checked") {
		t.Fatalf("e-mails %+v", mail)
	}
}
