package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// RunAccommodations runs the contract of accommodation requests and
// appointment reminders; RunCredentials calls it.
func RunAccommodations(t *testing.T, open Opener) {
	t.Run("AccommodationRequests", func(t *testing.T) { testAccommodationRequests(t, open(t)) })
	t.Run("AppointmentReminders", func(t *testing.T) { testAppointmentReminders(t, open(t)) })
}

func testAccommodationRequests(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	a, b, admin := MustUser(t, s, "a@example.org"), MustUser(t, s, "b@example.org"), MustUser(t, s, "admin@example.org")
	r := &certlab.AccommodationRequest{UserID: a.ID, Kind: certlab.AccommodationExtraTime, ExtraTimePct: 50, Details: "dyslexia; report attached", CreatedAt: t0}
	if err := s.CreateAccommodationRequest(ctx, r); err != nil || r.ID == 0 || r.Status != certlab.AccommodationRequested {
		t.Fatalf("create: %v %+v", err, r)
	}
	// One open request per kind; another kind, or another user, is fine.
	wantCode(t, s.CreateAccommodationRequest(ctx, &certlab.AccommodationRequest{UserID: a.ID, Kind: certlab.AccommodationExtraTime, ExtraTimePct: 25, CreatedAt: t0}), certlab.ECONFLICT)
	breaks := &certlab.AccommodationRequest{UserID: a.ID, Kind: certlab.AccommodationBreaks, CreatedAt: t0.Add(time.Minute)}
	if err := s.CreateAccommodationRequest(ctx, breaks); err != nil {
		t.Fatal(err)
	}
	other := &certlab.AccommodationRequest{UserID: b.ID, Kind: certlab.AccommodationExtraTime, ExtraTimePct: 25, CreatedAt: t0.Add(2 * time.Minute)}
	if err := s.CreateAccommodationRequest(ctx, other); err != nil {
		t.Fatal(err)
	}
	got, err := s.AccommodationRequest(ctx, r.ID)
	if err != nil || got.ExtraTimePct != 50 || got.Details != "dyslexia; report attached" || !got.CreatedAt.Equal(t0) || got.DecidedAt != nil || got.DecidedBy != nil {
		t.Fatalf("read back %+v %v", got, err)
	}
	_, err = s.AccommodationRequest(ctx, 9999)
	wantCode(t, err, certlab.ENOTFOUND)

	// Decisions are conditional: the first wins, the second is refused.
	dec, err := s.DecideAccommodationRequest(ctx, r.ID, certlab.AccommodationRequested, certlab.AccommodationApproved, &admin.ID, "report checked", t0.Add(time.Hour))
	if err != nil || dec.Status != certlab.AccommodationApproved || dec.DecidedBy == nil || *dec.DecidedBy != admin.ID || dec.DecisionNote != "report checked" || !dec.DecidedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("approve: %+v %v", dec, err)
	}
	_, err = s.DecideAccommodationRequest(ctx, r.ID, certlab.AccommodationRequested, certlab.AccommodationRejected, &admin.ID, "", t0.Add(time.Hour))
	wantCode(t, err, certlab.ECONFLICT)
	_, err = s.DecideAccommodationRequest(ctx, 9999, certlab.AccommodationRequested, certlab.AccommodationRejected, &admin.ID, "", t0)
	wantCode(t, err, certlab.ENOTFOUND)
	// The candidate withdraws their own (no decider).
	wd, err := s.DecideAccommodationRequest(ctx, breaks.ID, certlab.AccommodationRequested, certlab.AccommodationWithdrawn, nil, "", t0.Add(2*time.Hour))
	if err != nil || wd.Status != certlab.AccommodationWithdrawn || wd.DecidedBy != nil {
		t.Fatalf("withdraw: %+v %v", wd, err)
	}
	// Decided requests no longer block a new one of the same kind.
	again := &certlab.AccommodationRequest{UserID: a.ID, Kind: certlab.AccommodationExtraTime, ExtraTimePct: 100, CreatedAt: t0.Add(3 * time.Hour)}
	if err := s.CreateAccommodationRequest(ctx, again); err != nil {
		t.Fatalf("a new request after the decision: %v", err)
	}

	mine, err := s.AccommodationRequests(ctx, certlab.AccommodationFilter{UserID: &a.ID})
	if err != nil || len(mine) != 3 || mine[0].ID != r.ID || mine[2].ID != again.ID {
		t.Fatalf("a's requests %v %v", mine, err)
	}
	open, err := s.AccommodationRequests(ctx, certlab.AccommodationFilter{Status: certlab.AccommodationRequested})
	if err != nil || len(open) != 2 || open[0].ID != other.ID || open[1].ID != again.ID {
		t.Fatalf("open requests %v %v", open, err)
	}
	none, err := s.AccommodationRequests(ctx, certlab.AccommodationFilter{UserID: &admin.ID})
	if err != nil || len(none) != 0 {
		t.Fatalf("admin's requests %v %v", none, err)
	}

	// Concurrent decisions: exactly one applies.
	var wg sync.WaitGroup
	wins := make([]bool, 8)
	for i := range wins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			to := certlab.AccommodationApproved
			if i%2 == 1 {
				to = certlab.AccommodationRejected
			}
			_, err := s.DecideAccommodationRequest(ctx, other.ID, certlab.AccommodationRequested, to, &admin.ID, "", t0.Add(4*time.Hour))
			wins[i] = err == nil
			if err != nil && certlab.ErrorCode(err) != certlab.ECONFLICT {
				t.Errorf("decision %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	n := 0
	for _, w := range wins {
		if w {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d concurrent decisions applied, want exactly 1", n)
	}
}

func testAppointmentReminders(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	admin, a := MustUser(t, s, "admin@example.org"), MustUser(t, s, "a@example.org")
	s1 := mustSitting(t, s, admin, t0.Add(48*time.Hour), 5)
	s2 := mustSitting(t, s, admin, t0.Add(96*time.Hour), 5)
	ap := &certlab.Appointment{SittingID: s1.ID, UserID: a.ID, BookedAt: t0}
	if err := s.BookAppointment(ctx, ap); err != nil {
		t.Fatal(err)
	}
	// Several servers race to send the same reminder: one claim wins.
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateAppointmentReminder(ctx, &certlab.AppointmentReminder{AppointmentID: ap.ID, SittingID: s1.ID, UserID: a.ID, SentAt: t0.Add(24 * time.Hour)})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch certlab.ErrorCode(err) {
		case "":
			won++
		case certlab.ECONFLICT:
		default:
			t.Fatalf("reminder claim: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d servers claimed the same reminder, want 1", won)
	}
	// Moved to another sitting, the appointment gets that sitting's reminder.
	if _, err := s.MoveAppointment(ctx, ap.ID, s2.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAppointmentReminder(ctx, &certlab.AppointmentReminder{AppointmentID: ap.ID, SittingID: s2.ID, UserID: a.ID, SentAt: t0.Add(72 * time.Hour)}); err != nil {
		t.Fatalf("reminder for the new sitting: %v", err)
	}
	got, err := s.AppointmentReminders(ctx, a.ID)
	if err != nil || len(got) != 2 || got[0].SittingID != s1.ID || got[1].SittingID != s2.ID || !got[1].SentAt.Equal(t0.Add(72*time.Hour)) {
		t.Fatalf("reminders %+v %v", got, err)
	}
	if none, err := s.AppointmentReminders(ctx, admin.ID); err != nil || len(none) != 0 {
		t.Fatalf("admin's reminders %v %v", none, err)
	}
}
